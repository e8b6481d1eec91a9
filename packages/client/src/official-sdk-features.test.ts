/**
 * Interop: the pmcp client against a server built with the official TypeScript SDK 1.x (legacy era), for
 * everything beyond tools: resources and templates, prompts, completion, the server's elicitation, sampling
 * and roots requests (answered by the client's handlers), logging and subscriptions.
 */

import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport as SdkTransport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createInMemoryTransportPair } from '@pmcp/jsonrpc';
import { type SpecValidatingTransport, withSpecValidation } from '@pmcp/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Client,
  type ClientOptions,
  createClient,
  type ListenNotification,
  ResourceNotFoundError,
} from './index.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const HANDLERS: ClientOptions = {
  onElicit: {
    modes: ['form', 'url'],
    handler: (request) =>
      request.mode === 'url' ? { action: 'accept' } : { action: 'accept', content: { username: 'octocat' } },
  },
  onSample: {
    tools: true,
    handler: (request) => ({
      role: 'assistant',
      content: {
        type: 'text',
        text: `sampled ${request.messages.length} message(s), ${request.tools?.length ?? 0} tool(s)`,
      },
      model: 'pmcp-test-model',
      stopReason: 'endTurn',
    }),
  },
  onRoots: () => [{ uri: 'file:///home/me/project', name: 'project' }],
};

interface Fixture {
  client: Client;
  sdk: McpServer;
  spec: SpecValidatingTransport;
  subscribed: Set<string>;
}

async function startSdkServer(options: ClientOptions = HANDLERS): Promise<Fixture> {
  const sdk = new McpServer(
    { name: 'official-sdk-features', version: '1.0.0' },
    { capabilities: { logging: {}, resources: { subscribe: true, listChanged: true } } },
  );
  sdk.registerResource(
    'readme',
    'file:///project/README.md',
    { description: 'The readme', mimeType: 'text/markdown' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: '# Hello' }] }),
  );
  sdk.registerResource(
    'logo',
    'file:///project/logo.png',
    { description: 'The logo', mimeType: 'image/png' },
    (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'image/png', blob: 'iVBORw0KGgo=' }],
    }),
  );
  sdk.registerResource(
    'repository',
    new ResourceTemplate('github://repos/{owner}/{repo}', {
      list: undefined,
      complete: {
        repo: (value, context) =>
          ['python-sdk', 'typescript-sdk', 'inspector']
            .filter((repo) => repo.startsWith(value))
            .map((repo) => (context?.arguments?.owner === 'me' ? `my-${repo}` : repo)),
      },
    }),
    { description: 'A repository' },
    (uri, variables) => ({
      contents: [{ uri: uri.href, text: `${String(variables.owner)}/${String(variables.repo)}` }],
    }),
  );
  sdk.registerPrompt(
    'review',
    {
      description: 'Reviews code',
      argsSchema: {
        language: completable(z.string(), (value) =>
          ['python', 'typescript', 'rust'].filter((l) => l.startsWith(value)),
        ),
        code: z.string(),
      },
    },
    ({ language, code }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Review this ${language}: ${code}` } }],
    }),
  );
  sdk.registerTool('ask_everything', { description: 'Asks the client for input three ways' }, async () => {
    const form = await sdk.server.elicitInput({
      message: 'Your GitHub username?',
      requestedSchema: {
        type: 'object',
        properties: { username: { type: 'string' } },
        required: ['username'],
      },
    });
    const url = await sdk.server.elicitInput({
      mode: 'url',
      message: 'Authorise the app',
      url: 'https://example.com/authorise',
      elicitationId: 'auth-1',
    });
    const sampled = await sdk.server.createMessage({
      messages: [{ role: 'user', content: { type: 'text', text: 'Capital of France?' } }],
      maxTokens: 50,
      tools: [{ name: 'lookup', inputSchema: { type: 'object' } }],
    });
    const roots = await sdk.server.listRoots();
    return { content: [{ type: 'text', text: JSON.stringify({ form, url, sampled, roots }) }] };
  });
  sdk.registerTool('log_things', { description: 'Logs at two levels' }, async () => {
    await sdk.sendLoggingMessage({ level: 'debug', data: 'noise' });
    await sdk.sendLoggingMessage({ level: 'error', logger: 'db', data: { failed: true } });
    return { content: [] };
  });
  const subscribed = new Set<string>();
  sdk.server.setRequestHandler(SubscribeRequestSchema, (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  sdk.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });

  const [clientSide, serverSide] = createInMemoryTransportPair();
  await sdk.connect(serverSide as unknown as SdkTransport);
  const spec = withSpecValidation(clientSide, { role: 'client' });
  const client = createClient(
    { name: 'pmcp-interop', version: '0.0.0' },
    { discoverTimeout: 2000, ...options },
  );
  cleanups.push(async () => {
    await client.close();
    await sdk.close();
  });
  await client.connect(spec);
  return { client, sdk, spec, subscribed };
}

function expectSpecClean(spec: SpecValidatingTransport): void {
  expect(spec.violations).toEqual([]);
  expect(spec.checked).toBeGreaterThan(0);
}

describe('pmcp client ↔ official SDK 1.x server: resources, prompts, completion', () => {
  it('lists and reads resources and templates; a missing resource is a ResourceNotFoundError', async () => {
    const { client, spec } = await startSdkServer();
    expect(client.era).toBe('legacy');
    const resources = await client.listAllResources();
    expect(resources.map((resource) => resource.uri).sort()).toEqual([
      'file:///project/README.md',
      'file:///project/logo.png',
    ]);
    const templates = await client.listAllResourceTemplates();
    expect(templates.map((template) => template.uriTemplate)).toEqual(['github://repos/{owner}/{repo}']);

    expect((await client.readResource('file:///project/README.md')).contents).toEqual([
      { uri: 'file:///project/README.md', mimeType: 'text/markdown', text: '# Hello' },
    ]);
    expect((await client.readResource('file:///project/logo.png')).contents[0]).toMatchObject({
      blob: 'iVBORw0KGgo=',
    });
    expect(
      (await client.readResource('github://repos/modelcontextprotocol/inspector')).contents[0],
    ).toMatchObject({
      text: 'modelcontextprotocol/inspector',
    });
    const missing = await client.readResource('file:///nope').catch((thrown: unknown) => thrown);
    expect(missing).toBeInstanceOf(ResourceNotFoundError);
    expect(missing).toMatchObject({ uri: 'file:///nope' });
    expectSpecClean(spec);
  });

  it('lists and gets prompts', async () => {
    const { client, spec } = await startSdkServer();
    const prompts = await client.listAllPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(['review']);
    expect(prompts[0]?.arguments?.map((argument) => argument.name)).toEqual(['language', 'code']);
    const result = await client.getPrompt('review', { language: 'rust', code: 'fn main() {}' });
    expect(result.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Review this rust: fn main() {}' } },
    ]);
    await expect(client.getPrompt('review', { language: 'rust' })).rejects.toMatchObject({ code: -32602 });
    expectSpecClean(spec);
  });

  it('completes prompt arguments and template variables, with context', async () => {
    const { client, spec } = await startSdkServer();
    const language = await client.complete(
      { type: 'ref/prompt', name: 'review' },
      { name: 'language', value: 'py' },
    );
    expect(language.completion.values).toEqual(['python']);
    const repo = await client.complete(
      { type: 'ref/resource', uri: 'github://repos/{owner}/{repo}' },
      { name: 'repo', value: 'ty' },
      { arguments: { owner: 'me' } },
    );
    expect(repo.completion.values).toEqual(['my-typescript-sdk']);
    expectSpecClean(spec);
  });
});

describe("pmcp client ↔ official SDK 1.x server: the server's requests, logging, subscriptions", () => {
  it('answers elicitation (form and URL), sampling with tools and roots through the handlers', async () => {
    const { client, spec } = await startSdkServer();
    expect(client.capabilities).toMatchObject({
      elicitation: { form: {}, url: {} },
      sampling: { tools: {} },
      roots: {},
    });
    const result = await client.callTool('ask_everything');
    expect(result.isError).not.toBe(true);
    const answers = JSON.parse((result.content[0] as { text: string }).text);
    expect(answers.form).toEqual({ action: 'accept', content: { username: 'octocat' } });
    expect(answers.url).toEqual({ action: 'accept' });
    expect(answers.sampled).toMatchObject({ role: 'assistant', model: 'pmcp-test-model' });
    expect(answers.sampled.content.text).toBe('sampled 1 message(s), 1 tool(s)');
    expect(answers.roots).toEqual({ roots: [{ uri: 'file:///home/me/project', name: 'project' }] });
    expectSpecClean(spec);
  });

  it('receives log messages at or above the level set with setLogLevel', async () => {
    const { client, spec } = await startSdkServer();
    const logs: unknown[] = [];
    client.on('log', (message) => logs.push(message));
    await client.setLogLevel('warning');
    await client.callTool('log_things');
    expect(logs).toEqual([{ level: 'error', logger: 'db', data: { failed: true } }]);
    expectSpecClean(spec);
  });

  it('applies the client-wide logLevel at connect time', async () => {
    const { client } = await startSdkServer({ ...HANDLERS, logLevel: 'debug' });
    const levels: string[] = [];
    client.on('log', ({ level }) => levels.push(level));
    await client.callTool('log_things');
    expect(levels).toEqual(['debug', 'error']);
  });

  it('subscribes to resource updates, and listen() emulates a subscription over the session', async () => {
    const { client, sdk, spec, subscribed } = await startSdkServer();
    const updates: string[] = [];
    client.on('resourceUpdated', ({ uri }) => updates.push(uri));
    await client.subscribeResource('file:///project/README.md');
    expect([...subscribed]).toEqual(['file:///project/README.md']);
    await sdk.server.sendResourceUpdated({ uri: 'file:///project/README.md' });
    await client.unsubscribeResource('file:///project/README.md');
    expect(subscribed.size).toBe(0);
    expect(updates).toEqual(['file:///project/README.md']);

    const subscription = await client.listen({
      toolsListChanged: true,
      resourceSubscriptions: ['file:///project/logo.png'],
    });
    expect(subscription.acknowledged).toEqual({
      toolsListChanged: true,
      resourceSubscriptions: ['file:///project/logo.png'],
    });
    expect([...subscribed]).toEqual(['file:///project/logo.png']);
    sdk.registerTool('added_later', { description: 'Appears at run time' }, () => ({ content: [] }));
    await sdk.server.sendResourceUpdated({ uri: 'file:///project/logo.png' });
    const seen: ListenNotification[] = [];
    for await (const notification of subscription) {
      seen.push(notification);
      if (seen.length === 2) break;
    }
    expect(seen.map((notification) => notification.method).sort()).toEqual([
      'notifications/resources/updated',
      'notifications/tools/list_changed',
    ]);
    // Leaving the loop undid the server subscription.
    expect(subscribed.size).toBe(0);
    expect((await client.listAllTools()).map((tool) => tool.name)).toContain('added_later');
    expectSpecClean(spec);
  });

  it('pings', async () => {
    const { client } = await startSdkServer();
    await expect(client.ping()).resolves.toBeUndefined();
  });
});
