import { createClient } from '@pmcp/client';
import { createServer } from '@pmcp/server';
import { createHttpHandler, type HttpAuthProvider, httpClientTransport } from '@pmcp/transport-http';
import { type ListeningServer, listen } from '@pmcp/transport-http/node';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeWorld, type FakeWorld } from './fake-oauth.test-helper.ts';
import { createHeadlessAuthorizer } from './headless.ts';
import { createOAuthClientProvider, type OAuthClientProvider } from './provider.ts';

// The provider satisfies the transport's auth hook structurally: @pmcp/auth does not import the transport.
const assignable: (provider: OAuthClientProvider) => HttpAuthProvider = (provider) => provider;

let running: ListeningServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A real pmcp server behind the fake resource/authorization server, all on one 127.0.0.1 port. */
async function protectedServer(): Promise<FakeWorld> {
  const server = createServer({ name: 'protected', version: '1.0.0' });
  server.tool('echo', { description: 'Echoes a word' }, () => ({
    content: [{ type: 'text', text: 'echoed' }],
  }));
  const mcp = createHttpHandler(server);
  let world: FakeWorld | undefined;
  running = await listen((request) => (world as FakeWorld).handler(request), { host: '127.0.0.1' });
  const origin = new URL(running.url).origin;
  world = createFakeWorld({
    rsOrigin: origin,
    issuer: `${origin}/as`,
    challengeScope: 'mcp:tools',
    // Calling a tool needs more than listing: the transport's retry after a 403 carries the step-up.
    requiredScopes: (method) => (method === 'tools/call' ? ['mcp:call'] : []),
    mcpHandler: (request) => mcp(request),
  });
  return world;
}

describe('with httpClientTransport', () => {
  it.each(['modern', 'legacy'] as const)('authorizes, steps up and calls a tool (%s era)', async (era) => {
    const world = await protectedServer();
    const provider = createOAuthClientProvider({
      serverUrl: world.serverUrl,
      redirectUrl: 'http://127.0.0.1/callback',
      redirectToAuthorization: createHeadlessAuthorizer(),
    });
    const client = createClient({ name: 'auth-test', version: '1.0.0' });
    await client.connect(httpClientTransport(world.serverUrl, { era, auth: assignable(provider) }), { era });
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
      const result = await client.callTool('echo', {});
      expect(result.content).toEqual([{ type: 'text', text: 'echoed' }]);
    } finally {
      await client.close();
    }
    expect(world.authorizationRequests.map((request) => request.get('scope'))).toEqual([
      'mcp:tools',
      'mcp:tools mcp:call',
    ]);
    expect(world.authorizationRequests[0]?.get('resource')).toBe(world.serverUrl);
  });
});
