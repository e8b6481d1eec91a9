import { createClient } from '@pmcp/client';
import { stdioClientTransport } from '@pmcp/transport-stdio';
import { expect, it } from 'vitest';
import { fixtureCommand } from './helpers.ts';

it('era auto detects a modern server that takes longer than 3 s to boot', async () => {
  const client = createClient({ name: 'slow-boot-client', version: '1.0.0' });
  await client.connect(stdioClientTransport(fixtureCommand('slow-boot-pmcp-server.ts')));
  try {
    expect(client.era).toBe('modern');
    const result = await client.callTool('ping_tool');
    expect(result.content).toEqual([{ type: 'text', text: 'pong' }]);
  } finally {
    await client.close();
  }
});
