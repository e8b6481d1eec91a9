import { describe, expect, it } from 'vitest';
import { formatSseEvent, SseStream, sseHeaders } from './sse-stream.ts';

async function readText(stream: ReadableStream<Uint8Array>, until: string): Promise<string> {
  const reader = stream.getReader();
  let text = '';
  while (!text.includes(until)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text;
}

describe('formatSseEvent', () => {
  it('writes id, event, retry and one data line per line of text', () => {
    expect(formatSseEvent({ id: 's_1', event: 'message', retry: 1500, data: 'a\nb' })).toBe(
      'id: s_1\nevent: message\nretry: 1500\ndata: a\ndata: b\n\n',
    );
    expect(formatSseEvent({ id: 'p', data: '' })).toBe('id: p\ndata: \n\n');
  });

  it('refuses ids and names that would split the event', () => {
    expect(() => formatSseEvent({ id: 'a\nb', data: 'x' })).toThrow(/id/);
    expect(() => formatSseEvent({ event: 'a\rb', data: 'x' })).toThrow(/name/);
  });
});

describe('SseStream', () => {
  it('sends events and keep-alive comments until closed', async () => {
    const stream = new SseStream({ keepAliveMs: 1, maxBufferedBytes: 1 << 20 });
    expect(stream.send({ data: '{"jsonrpc":"2.0","method":"x"}' })).toBe(true);
    const text = await readText(stream.body, ': keep-alive');
    expect(text).toContain('data: {"jsonrpc":"2.0","method":"x"}\n\n');
    expect(text).toContain(': keep-alive\n\n');
    stream.close();
    expect(stream.open).toBe(false);
    expect(stream.send({ data: 'late' })).toBe(false);
  });

  it('drops a client that does not read once the bound is passed, so memory stays bounded', () => {
    const reasons: Error[] = [];
    const stream = new SseStream({
      keepAliveMs: 0,
      maxBufferedBytes: 4096,
      onDisconnect: (reason) => reasons.push(reason),
    });
    let accepted = 0;
    for (let index = 0; index < 1000; index++) {
      if (!stream.send({ data: 'x'.repeat(100) })) break;
      accepted++;
    }
    expect(accepted).toBeLessThan(100);
    expect(stream.open).toBe(false);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.message).toMatch(/not reading/);
  });

  it('reports a client that cancels the body', async () => {
    const reasons: Error[] = [];
    const stream = new SseStream({
      keepAliveMs: 0,
      maxBufferedBytes: 1024,
      onDisconnect: (reason) => reasons.push(reason),
    });
    await stream.body.cancel();
    expect(stream.open).toBe(false);
    expect(reasons).toHaveLength(1);
  });

  it('comes with headers that keep proxies from buffering', () => {
    const headers = sseHeaders({ 'Mcp-Session-Id': 'abc' });
    expect(headers.get('content-type')).toBe('text/event-stream');
    expect(headers.get('x-accel-buffering')).toBe('no');
    expect(headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(headers.get('mcp-session-id')).toBe('abc');
  });
});
