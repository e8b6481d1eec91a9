import { McpError } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { paginate } from './pagination.ts';

const entries = (names: string[]) => names.map((name) => [name, name.toUpperCase()] as const);

describe('paginate', () => {
  it('returns the first page and a cursor to the next', () => {
    const first = paginate(entries(['a', 'b', 'c']), 'tools/list', undefined, 2);
    expect(first.items).toEqual(['A', 'B']);
    expect(typeof first.nextCursor).toBe('string');
    const second = paginate(entries(['a', 'b', 'c']), 'tools/list', first.nextCursor, 2);
    expect(second).toEqual({ items: ['C'] });
  });

  it('keeps going after entries before the cursor were removed', () => {
    const first = paginate(entries(['a', 'b', 'c', 'd']), 'tools/list', undefined, 2);
    expect(paginate(entries(['b', 'c', 'd']), 'tools/list', first.nextCursor, 2).items).toEqual(['C', 'D']);
  });

  it('handles names outside ASCII', () => {
    const first = paginate(entries(['ü', 'ß', 'ø']), 'prompts/list', undefined, 1);
    expect(paginate(entries(['ü', 'ß', 'ø']), 'prompts/list', first.nextCursor, 1).items).toEqual(['SS']);
  });

  it.each([
    ['not base64 at all!', 'it was not issued by this server'],
    [btoa('[1,2]'), 'it was not issued by this server'],
    [btoa('{"l":"prompts/list","a":"a"}'), 'it belongs to prompts/list'],
    [btoa('{"l":"tools/list","a":"zzz"}'), 'the list changed'],
  ])('refuses the cursor %j with -32602', (cursor, reason) => {
    let thrown: unknown;
    try {
      paginate(entries(['a']), 'tools/list', cursor, 2);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(McpError);
    expect((thrown as McpError).code).toBe(-32602);
    expect((thrown as McpError).message).toContain(reason);
  });
});
