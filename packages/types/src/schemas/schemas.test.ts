// Negative cases per family of schemas, and the legacy (2025-11-25) messages the modern examples do not cover.
// Each case is also checked against the official JSON Schema, so a case only counts when the spec agrees with it.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as schemas from './index.ts';

function loadAjv(revision: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const url = new URL(`../../../../spec/${revision}/schema.json`, import.meta.url);
  ajv.addSchema(JSON.parse(readFileSync(url, 'utf8')), revision);
  return (definition: string, value: unknown): boolean => {
    const validate = ajv.getSchema(`${revision}#/$defs/${definition}`);
    if (!validate) throw new Error(`spec/${revision}/schema.json has no $defs/${definition}`);
    return validate(value) as boolean;
  };
}
const specAccepts = { modern: loadAjv('2026-07-28'), legacy: loadAjv('2025-11-25') };

const meta = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
};

interface Case {
  name: string;
  schema: z.ZodType;
  /** The `$defs` entry of the official schema that describes the same thing. */
  definition: string;
  era: 'modern' | 'legacy';
  value: unknown;
  /** True when only pmcp's refinement (a literal `resultType`) rejects it; the JSON Schema lets any string through. */
  refinement?: boolean;
}

const invalid: Case[] = [
  // content blocks
  {
    name: 'text content without text',
    schema: schemas.TextContentSchema,
    definition: 'TextContent',
    era: 'modern',
    value: { type: 'text' },
  },
  {
    name: 'a content block of unknown type',
    schema: schemas.ContentBlockSchema,
    definition: 'ContentBlock',
    era: 'modern',
    value: { type: 'video', data: 'AA==', mimeType: 'video/mp4' },
  },
  {
    name: 'image data that is not a string',
    schema: schemas.ImageContentSchema,
    definition: 'ImageContent',
    era: 'modern',
    value: { type: 'image', data: 42, mimeType: 'image/png' },
  },
  {
    name: 'an embedded resource without contents',
    schema: schemas.EmbeddedResourceSchema,
    definition: 'EmbeddedResource',
    era: 'modern',
    value: { type: 'resource' },
  },
  // results
  {
    name: 'a tool result without resultType',
    schema: schemas.CallToolResultSchema,
    definition: 'CallToolResult',
    era: 'modern',
    value: { content: [] },
  },
  {
    name: 'a tool result whose content is not a list',
    schema: schemas.CallToolResultSchema,
    definition: 'CallToolResult',
    era: 'modern',
    value: { resultType: 'complete', content: { type: 'text', text: 'x' } },
  },
  {
    name: 'a tool list without tools',
    schema: schemas.ListToolsResultSchema,
    definition: 'ListToolsResult',
    era: 'modern',
    value: { resultType: 'complete', ttlMs: 0, cacheScope: 'public' },
  },
  {
    name: 'a negative ttlMs',
    schema: schemas.ListToolsResultSchema,
    definition: 'ListToolsResult',
    era: 'modern',
    value: { resultType: 'complete', tools: [], ttlMs: -1, cacheScope: 'public' },
  },
  {
    name: 'an unknown cacheScope',
    schema: schemas.DiscoverResultSchema,
    definition: 'DiscoverResult',
    era: 'modern',
    value: {
      resultType: 'complete',
      supportedVersions: [],
      capabilities: {},
      ttlMs: 0,
      cacheScope: 'shared',
    },
  },
  {
    name: 'a complete result posing as input-required',
    schema: schemas.InputRequiredResultSchema,
    definition: 'InputRequiredResult',
    era: 'modern',
    value: { resultType: 'complete' },
    refinement: true,
  },
  {
    name: 'an input-required tool result',
    schema: schemas.CallToolResultSchema,
    definition: 'CallToolResult',
    era: 'modern',
    value: { resultType: 'input_required', content: [] },
    refinement: true,
  },
  // requests
  {
    name: 'a tools/call without _meta',
    schema: schemas.CallToolRequestSchema,
    definition: 'CallToolRequest',
    era: 'modern',
    value: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } },
  },
  {
    name: 'a tools/call with another method',
    schema: schemas.CallToolRequestSchema,
    definition: 'CallToolRequest',
    era: 'modern',
    value: { jsonrpc: '2.0', id: 1, method: 'tools/run', params: { _meta: meta, name: 'echo' } },
  },
  {
    name: 'a request with a null id',
    schema: schemas.ListToolsRequestSchema,
    definition: 'ListToolsRequest',
    era: 'modern',
    value: { jsonrpc: '2.0', id: null, method: 'tools/list', params: { _meta: meta } },
  },
  {
    name: 'a request without the protocol version in _meta',
    schema: schemas.DiscoverRequestSchema,
    definition: 'DiscoverRequest',
    era: 'modern',
    value: {
      jsonrpc: '2.0',
      id: 1,
      method: 'server/discover',
      params: { _meta: { 'io.modelcontextprotocol/clientCapabilities': {} } },
    },
  },
  // notifications
  {
    name: 'progress without a token',
    schema: schemas.ProgressNotificationSchema,
    definition: 'ProgressNotification',
    era: 'modern',
    value: { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } },
  },
  {
    name: 'a log message at an unknown level',
    schema: schemas.LoggingMessageNotificationParamsSchema,
    definition: 'LoggingMessageNotificationParams',
    era: 'modern',
    value: { level: 'verbose', data: 'x' },
  },
  // capabilities
  {
    name: 'a tools capability that is not an object',
    schema: schemas.ServerCapabilitiesSchema,
    definition: 'ServerCapabilities',
    era: 'modern',
    value: { tools: true },
  },
  // errors
  {
    name: 'an unsupported-version error without the supported list',
    schema: schemas.UnsupportedProtocolVersionErrorSchema,
    definition: 'UnsupportedProtocolVersionError',
    era: 'modern',
    value: {
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32022, message: 'no', data: { requested: '1999-01-01' } },
    },
  },
  {
    name: 'an error response with a fractional code',
    schema: schemas.JSONRPCErrorResponseSchema,
    definition: 'JSONRPCErrorResponse',
    era: 'modern',
    value: { jsonrpc: '2.0', id: 1, error: { code: -32600.5, message: 'x' } },
  },
  // elicitation and sampling
  {
    name: 'a URL elicitation without a URL',
    schema: schemas.ElicitRequestURLParamsSchema,
    definition: 'ElicitRequestURLParams',
    era: 'modern',
    value: { mode: 'url', message: 'Sign in' },
  },
  {
    name: 'an elicitation answer with an unknown action',
    schema: schemas.ElicitResultSchema,
    definition: 'ElicitResult',
    era: 'modern',
    value: { action: 'maybe' },
  },
  {
    name: 'a sampling request without maxTokens',
    schema: schemas.CreateMessageRequestParamsSchema,
    definition: 'CreateMessageRequestParams',
    era: 'modern',
    value: { messages: [] },
  },
  // legacy
  {
    name: 'initialize without clientInfo',
    schema: schemas.InitializeRequestSchema,
    definition: 'InitializeRequest',
    era: 'legacy',
    value: {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {} },
    },
  },
  {
    name: 'an initialize result without serverInfo',
    schema: schemas.InitializeResultSchema,
    definition: 'InitializeResult',
    era: 'legacy',
    value: { protocolVersion: '2025-11-25', capabilities: {} },
  },
  {
    name: 'a ping with another method',
    schema: schemas.PingRequestSchema,
    definition: 'PingRequest',
    era: 'legacy',
    value: { jsonrpc: '2.0', id: 1, method: 'pong' },
  },
  {
    name: 'setLevel to an unknown level',
    schema: schemas.SetLevelRequestSchema,
    definition: 'SetLevelRequest',
    era: 'legacy',
    value: { jsonrpc: '2.0', id: 1, method: 'logging/setLevel', params: { level: 'loud' } },
  },
  {
    name: 'subscribe without a uri',
    schema: schemas.SubscribeRequestSchema,
    definition: 'SubscribeRequest',
    era: 'legacy',
    value: { jsonrpc: '2.0', id: 1, method: 'resources/subscribe', params: {} },
  },
  {
    name: 'a 2025-11-25 URL elicitation without elicitationId',
    schema: schemas.LegacyElicitRequestURLParamsSchema,
    definition: 'ElicitRequestURLParams',
    era: 'legacy',
    value: { mode: 'url', message: 'Sign in', url: 'https://example.com/login' },
  },
  {
    name: 'a 2025-11-25 sampling request without maxTokens',
    schema: schemas.LegacyCreateMessageRequestSchema,
    definition: 'CreateMessageRequest',
    era: 'legacy',
    value: { jsonrpc: '2.0', id: 1, method: 'sampling/createMessage', params: { messages: [] } },
  },
  {
    name: 'a root without a uri',
    schema: schemas.LegacyListRootsResultSchema,
    definition: 'ListRootsResult',
    era: 'legacy',
    value: { roots: [{ name: 'home' }] },
  },
];

describe('schemas reject invalid messages', () => {
  for (const c of invalid) {
    it(`rejects ${c.name}`, () => {
      expect(c.schema.safeParse(c.value).success).toBe(false);
      expect(specAccepts[c.era](c.definition, c.value)).toBe(c.refinement === true);
    });
  }
});

const legacyMessages: { name: string; schema: z.ZodType; definition: string; value: unknown }[] = [
  {
    name: 'initialize request',
    schema: schemas.InitializeRequestSchema,
    definition: 'InitializeRequest',
    value: {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: { form: {}, url: {} } },
        clientInfo: { name: 'example-client', version: '1.0.0' },
      },
    },
  },
  {
    name: 'initialize result',
    schema: schemas.InitializeResultSchema,
    definition: 'InitializeResult',
    value: {
      protocolVersion: '2025-11-25',
      capabilities: { tools: { listChanged: true }, logging: {}, resources: { subscribe: true } },
      serverInfo: { name: 'example-server', version: '2.0.0' },
      instructions: 'Call echo.',
    },
  },
  {
    name: 'initialized notification',
    schema: schemas.InitializedNotificationSchema,
    definition: 'InitializedNotification',
    value: { jsonrpc: '2.0', method: 'notifications/initialized' },
  },
  {
    name: 'ping',
    schema: schemas.PingRequestSchema,
    definition: 'PingRequest',
    value: { jsonrpc: '2.0', id: 'p1', method: 'ping' },
  },
  { name: 'empty result', schema: schemas.LegacyEmptyResultSchema, definition: 'EmptyResult', value: {} },
  {
    name: 'setLevel',
    schema: schemas.SetLevelRequestSchema,
    definition: 'SetLevelRequest',
    value: { jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'warning' } },
  },
  {
    name: 'subscribe',
    schema: schemas.SubscribeRequestSchema,
    definition: 'SubscribeRequest',
    value: { jsonrpc: '2.0', id: 3, method: 'resources/subscribe', params: { uri: 'file:///notes.txt' } },
  },
  {
    name: 'unsubscribe',
    schema: schemas.UnsubscribeRequestSchema,
    definition: 'UnsubscribeRequest',
    value: { jsonrpc: '2.0', id: 4, method: 'resources/unsubscribe', params: { uri: 'file:///notes.txt' } },
  },
  {
    name: 'form elicitation',
    schema: schemas.LegacyElicitRequestSchema,
    definition: 'ElicitRequest',
    value: {
      jsonrpc: '2.0',
      id: 5,
      method: 'elicitation/create',
      params: {
        mode: 'form',
        message: 'Your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      },
    },
  },
  {
    name: 'URL elicitation',
    schema: schemas.LegacyElicitRequestSchema,
    definition: 'ElicitRequest',
    value: {
      jsonrpc: '2.0',
      id: 6,
      method: 'elicitation/create',
      params: { mode: 'url', message: 'Sign in', url: 'https://example.com/login', elicitationId: 'e-1' },
    },
  },
  {
    name: 'elicitation result',
    schema: schemas.LegacyElicitResultSchema,
    definition: 'ElicitResult',
    value: { action: 'accept', content: { name: 'Ada' } },
  },
  {
    name: 'elicitation complete notification',
    schema: schemas.ElicitationCompleteNotificationSchema,
    definition: 'ElicitationCompleteNotification',
    value: { jsonrpc: '2.0', method: 'notifications/elicitation/complete', params: { elicitationId: 'e-1' } },
  },
  {
    name: 'sampling request',
    schema: schemas.LegacyCreateMessageRequestSchema,
    definition: 'CreateMessageRequest',
    value: {
      jsonrpc: '2.0',
      id: 7,
      method: 'sampling/createMessage',
      params: { messages: [{ role: 'user', content: { type: 'text', text: 'Hi' } }], maxTokens: 100 },
    },
  },
  {
    name: 'sampling result',
    schema: schemas.LegacyCreateMessageResultSchema,
    definition: 'CreateMessageResult',
    value: { role: 'assistant', content: { type: 'text', text: 'Hello' }, model: 'm', stopReason: 'endTurn' },
  },
  {
    name: 'roots request',
    schema: schemas.LegacyListRootsRequestSchema,
    definition: 'ListRootsRequest',
    value: { jsonrpc: '2.0', id: 8, method: 'roots/list' },
  },
  {
    name: 'roots result',
    schema: schemas.LegacyListRootsResultSchema,
    definition: 'ListRootsResult',
    value: { roots: [{ uri: 'file:///home/ada/project', name: 'project' }] },
  },
  {
    name: 'roots list changed',
    schema: schemas.RootsListChangedNotificationSchema,
    definition: 'RootsListChangedNotification',
    value: { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
  },
  {
    name: 'legacy tool call result',
    schema: schemas.LegacyCallToolResultSchema,
    definition: 'CallToolResult',
    value: { content: [{ type: 'text', text: '3' }], structuredContent: { sum: 3 } },
  },
];

describe('legacy (2025-11-25) messages', () => {
  for (const m of legacyMessages) {
    it(`parses a ${m.name}`, () => {
      expect(specAccepts.legacy(m.definition, m.value)).toBe(true);
      const result = m.schema.safeParse(m.value);
      expect(result.error?.issues ?? []).toEqual([]);
      expect(result.data).toEqual(m.value);
    });
  }
});

describe('unknown keys', () => {
  it('pass through, as `_meta` and extensions need', () => {
    const value = { type: 'text', text: 'hi', _meta: { 'com.example/trace': 'abc' }, 'com.example/extra': 1 };
    expect(schemas.TextContentSchema.parse(value)).toEqual(value);
  });
});
