/**
 * The resources, prompts and completion fixtures the official conformance suite expects (NOTES.md §5.5 "Resources",
 * "Prompts" and "Other checks"), registered through the public API exactly as a conformance server would, and
 * checked against what the suite's scenarios assert, in both eras.
 */
import type { JsonRpcResponse } from '@pmcp/jsonrpc';
import { describe, expect, it } from 'vitest';
import { modern, resultOf, type TestClient, useTestClients } from '../test/harness.ts';
import { createServer, type McpServer } from './index.ts';

const connect = useTestClients();

// A 1×1 transparent PNG.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function registerFixtures(server: McpServer): void {
  server.resource(
    'test://static-text',
    { name: 'static-text', description: 'A static text resource', mimeType: 'text/plain' },
    () => 'This is the content of the static text resource.',
  );
  server.resource(
    'test://static-binary',
    { name: 'static-binary', description: 'A static binary resource (PNG)', mimeType: 'image/png' },
    () => ({ blob: PNG }),
  );
  server.resourceTemplate(
    'test://template/{id}/data',
    { name: 'template-data', description: 'Data by id', mimeType: 'application/json' },
    (_uri, { id }) => JSON.stringify({ id, templateTest: true, data: `Data for ID: ${String(id)}` }),
  );
  server.resource(
    'test://watched-resource',
    { name: 'watched-resource', description: 'A resource clients subscribe to', mimeType: 'text/plain' },
    () => 'Watched resource content.',
  );

  server.prompt(
    'test_simple_prompt',
    { description: 'A simple prompt without arguments' },
    () => 'This is a simple prompt for testing.',
  );
  server.prompt(
    'test_prompt_with_arguments',
    {
      description: 'A prompt with two required arguments',
      arguments: [
        {
          name: 'arg1',
          description: 'First test argument',
          required: true,
          complete: (value) => ['paris', 'park', 'party', 'zebra'].filter((word) => word.startsWith(value)),
        },
        { name: 'arg2', description: 'Second test argument', required: true },
      ],
    },
    ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
  );
  server.prompt(
    'test_prompt_with_embedded_resource',
    {
      description: 'A prompt that embeds a resource',
      arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
    },
    ({ resourceUri }) => [
      {
        role: 'user',
        content: {
          type: 'resource',
          resource: {
            uri: resourceUri,
            mimeType: 'text/plain',
            text: 'Embedded resource content for testing.',
          },
        },
      },
      { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
    ],
  );
  server.prompt('test_prompt_with_image', { description: 'A prompt with an image' }, () => [
    { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
    { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
  ]);
}

type Era = 'modern' | 'legacy';

interface FixtureClient {
  client: TestClient;
  /** The capabilities the server declared: from `server/discover` (modern) or `initialize` (legacy). */
  capabilities: () => Promise<unknown>;
  ask(method: string, params?: Record<string, unknown>): Promise<JsonRpcResponse>;
}

async function fixtureClient(era: Era): Promise<FixtureClient> {
  const server = createServer({ name: 'conformance-fixtures', version: '1.0.0' });
  registerFixtures(server);
  const client = await connect(server);
  const initialized = era === 'legacy' ? await client.initialize('2025-11-25') : undefined;
  const ask = (method: string, params: Record<string, unknown> = {}) =>
    client.request(method, era === 'modern' ? modern(params) : params);
  const capabilities = async () =>
    initialized === undefined
      ? resultOf(await ask('server/discover')).capabilities
      : initialized.capabilities;
  return { client, capabilities, ask };
}

describe.each<Era>(['modern', 'legacy'])('conformance fixtures (%s)', (era) => {
  it('declare resources, prompts and completions', async () => {
    const { client, capabilities } = await fixtureClient(era);
    expect(await capabilities()).toMatchObject({
      resources: { listChanged: true },
      prompts: { listChanged: true },
      completions: {},
    });
    expect(client.validatedCount).toBeGreaterThan(0);
  });

  it('resources-list: every direct resource has uri, name and description', async () => {
    const { ask } = await fixtureClient(era);
    const { resources } = resultOf(await ask('resources/list')) as {
      resources: Array<Record<string, unknown>>;
    };
    expect(resources.map((resource) => resource.uri)).toEqual([
      'test://static-text',
      'test://static-binary',
      'test://watched-resource',
    ]);
    for (const resource of resources) {
      expect(typeof resource.name).toBe('string');
      expect(typeof resource.description).toBe('string');
    }
  });

  it('resources-read-text, resources-read-binary and resources-templates-read', async () => {
    const { ask } = await fixtureClient(era);
    expect(resultOf(await ask('resources/read', { uri: 'test://static-text' })).contents).toEqual([
      {
        uri: 'test://static-text',
        mimeType: 'text/plain',
        text: 'This is the content of the static text resource.',
      },
    ]);
    expect(resultOf(await ask('resources/read', { uri: 'test://static-binary' })).contents).toEqual([
      { uri: 'test://static-binary', mimeType: 'image/png', blob: PNG },
    ]);
    expect(resultOf(await ask('resources/read', { uri: 'test://template/123/data' })).contents).toEqual([
      {
        uri: 'test://template/123/data',
        mimeType: 'application/json',
        text: '{"id":"123","templateTest":true,"data":"Data for ID: 123"}',
      },
    ]);
    const templates = resultOf(await ask('resources/templates/list')).resourceTemplates;
    expect(templates).toEqual([
      {
        uriTemplate: 'test://template/{id}/data',
        name: 'template-data',
        description: 'Data by id',
        mimeType: 'application/json',
      },
    ]);
  });

  it('sep-2164-resource-not-found: an error with data.uri, never empty contents', async () => {
    const { ask } = await fixtureClient(era);
    const uri = 'test://nonexistent-resource-for-conformance-testing';
    const response = await ask('resources/read', { uri });
    expect(response).not.toHaveProperty('result');
    expect('error' in response && response.error).toMatchObject({
      code: era === 'modern' ? -32602 : -32002,
      data: { uri },
    });
  });

  it('prompts-list and the four prompts-get scenarios', async () => {
    const { ask } = await fixtureClient(era);
    const { prompts } = resultOf(await ask('prompts/list')) as { prompts: Array<Record<string, unknown>> };
    expect(prompts.map((prompt) => prompt.name)).toEqual([
      'test_simple_prompt',
      'test_prompt_with_arguments',
      'test_prompt_with_embedded_resource',
      'test_prompt_with_image',
    ]);
    for (const prompt of prompts) expect(typeof prompt.description).toBe('string');
    expect(prompts[1]?.arguments).toEqual([
      { name: 'arg1', description: 'First test argument', required: true },
      { name: 'arg2', description: 'Second test argument', required: true },
    ]);

    expect(resultOf(await ask('prompts/get', { name: 'test_simple_prompt' })).messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } },
    ]);
    expect(
      resultOf(
        await ask('prompts/get', {
          name: 'test_prompt_with_arguments',
          arguments: { arg1: 'hello', arg2: 'world' },
        }),
      ).messages,
    ).toEqual([
      { role: 'user', content: { type: 'text', text: "Prompt with arguments: arg1='hello', arg2='world'" } },
    ]);
    expect(
      resultOf(
        await ask('prompts/get', {
          name: 'test_prompt_with_embedded_resource',
          arguments: { resourceUri: 'test://example-resource' },
        }),
      ).messages,
    ).toEqual([
      {
        role: 'user',
        content: {
          type: 'resource',
          resource: {
            uri: 'test://example-resource',
            mimeType: 'text/plain',
            text: 'Embedded resource content for testing.',
          },
        },
      },
      { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
    ]);
    expect(resultOf(await ask('prompts/get', { name: 'test_prompt_with_image' })).messages).toEqual([
      { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ]);
  });

  it('completion-complete: ref/prompt test_prompt_with_arguments, arg1 = "par"', async () => {
    const { ask } = await fixtureClient(era);
    const result = resultOf(
      await ask('completion/complete', {
        ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
        argument: { name: 'arg1', value: 'par' },
      }),
    );
    expect(result.completion).toEqual({ values: ['paris', 'park', 'party'] });
  });
});

describe('caching (modern)', () => {
  it('puts ttlMs and cacheScope on discover, the lists and resources/read, but not on prompts/get or completion', async () => {
    const { ask } = await fixtureClient('modern');
    const cacheable: Array<[string, Record<string, unknown>]> = [
      ['server/discover', {}],
      ['prompts/list', {}],
      ['resources/list', {}],
      ['resources/templates/list', {}],
      ['resources/read', { uri: 'test://static-text' }],
    ];
    for (const [method, params] of cacheable) {
      const result = resultOf(await ask(method, params));
      expect(typeof result.ttlMs, method).toBe('number');
      expect(['public', 'private'], method).toContain(result.cacheScope);
    }
    const prompt = resultOf(await ask('prompts/get', { name: 'test_simple_prompt' }));
    expect(prompt).not.toHaveProperty('ttlMs');
    const completion = resultOf(
      await ask('completion/complete', {
        ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
        argument: { name: 'arg1', value: '' },
      }),
    );
    expect(completion).not.toHaveProperty('cacheScope');
  });
});
