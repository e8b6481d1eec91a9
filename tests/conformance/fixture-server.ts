/**
 * The pmcp server the official conformance suite tests in server mode: every fixture tool, resource and prompt
 * the suite's scenarios ask for (both eras), behind `createHttpHandler` on 127.0.0.1 at `/mcp`.
 *
 * Run it with `pnpm fixture:server` (port from `PORT`, default 3000; `PORT=0` picks a free one). It prints
 * `listening on <url>` once it accepts connections, which is what `run.mjs` waits for.
 *
 * Everything here goes through pmcp's public API only: a behaviour the suite wants that this API cannot express
 * is a package gap to report, not something to patch in the fixture.
 */
import {
  createServer,
  type HandlerContext,
  type RegisteredPrompt,
  type RegisteredTool,
  ToolError,
} from '@pmcp/server';
import { createHttpHandler } from '@pmcp/transport-http';
import { listen } from '@pmcp/transport-http/node';
import { z } from 'zod';

/** A 1×1 red PNG. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
/** A WAV header with two bytes of silence. */
const WAV_BASE64 = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function textOf(content: unknown): string {
  if (
    typeof content === 'object' &&
    content !== null &&
    'text' in content &&
    typeof content.text === 'string'
  ) {
    return content.text;
  }
  return JSON.stringify(content);
}

function nameFrom(answer: { content?: Record<string, unknown> }, field = 'name'): string {
  const value = answer.content?.[field];
  return typeof value === 'string' ? value : 'unknown';
}

const nameQuestion = (message: string) => ({
  message,
  requestedSchema: {
    type: 'object' as const,
    properties: { name: { type: 'string' as const } },
    required: ['name'],
  },
});

function createFixtureServer() {
  const server = createServer(
    {
      name: 'pmcp-conformance-fixture',
      version: '1.0.0',
      instructions: 'The pmcp conformance fixture server.',
    },
    // Short-lived cache hints keep the caching scenario's expectations while the fixture stays cheap to re-read.
    { ttlMs: 60_000, cacheScope: 'public' },
  );

  // ----- content tools (both eras) -----

  server.tool('test_simple_text', { description: 'Returns a simple text response' }, () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }));

  server.tool('test_image_content', { description: 'Returns an image' }, () => ({
    content: [{ type: 'image', data: PNG_BASE64, mimeType: 'image/png' }],
  }));

  server.tool('test_audio_content', { description: 'Returns an audio clip' }, () => ({
    content: [{ type: 'audio', data: WAV_BASE64, mimeType: 'audio/wav' }],
  }));

  server.tool('test_embedded_resource', { description: 'Returns an embedded resource' }, () => ({
    content: [
      {
        type: 'resource',
        resource: {
          uri: 'test://embedded-resource',
          mimeType: 'text/plain',
          text: 'This is an embedded resource content.',
        },
      },
    ],
  }));

  server.tool(
    'test_multiple_content_types',
    { description: 'Returns text, an image and an embedded resource' },
    () => ({
      content: [
        { type: 'text', text: 'Multiple content types test:' },
        { type: 'image', data: PNG_BASE64, mimeType: 'image/png' },
        {
          type: 'resource',
          resource: {
            uri: 'test://mixed-content-resource',
            mimeType: 'application/json',
            text: JSON.stringify({ test: 'data', value: 123 }),
          },
        },
      ],
    }),
  );

  server.tool('test_error_handling', { description: 'Always fails with a tool error' }, () => {
    throw new ToolError('This tool intentionally returns an error for testing');
  });

  server.tool(
    'test_tool_with_progress',
    { description: 'Reports progress 0, 50 and 100 of 100' },
    async (_args, ctx) => {
      for (const step of [0, 50, 100]) {
        if (step > 0) await sleep(50);
        await ctx.progress(step, 100, `Completed step ${step} of 100`);
      }
      return `Progress reported for request ${String(ctx.requestId)}`;
    },
  );

  // SSE polling (SEP-1699, 2025-11-25): the tool ends its POST stream mid-call; the suite reconnects with
  // Last-Event-ID and must find the result there. A modern request has no stream to resume: it just answers.
  server.tool(
    'test_reconnection',
    { description: 'Closes its SSE stream mid-call; the result arrives after the client resumes' },
    async (_args, ctx) => {
      ctx.closeSseStream();
      await sleep(100);
      return 'Reconnection test completed successfully';
    },
  );

  // ----- logging -----

  const logThreeTimes = async (ctx: HandlerContext): Promise<string> => {
    await ctx.log('info', 'Tool execution started');
    await sleep(50);
    await ctx.log('info', 'Tool processing data');
    await sleep(50);
    await ctx.log('info', 'Tool execution completed');
    return 'Tool with logging executed successfully';
  };
  server.tool(
    'test_tool_with_logging',
    { description: 'Logs three info messages while it runs' },
    (_args, ctx) => logThreeTimes(ctx),
  );
  // The 2026 twin: a modern request without `_meta` logLevel must see none of these messages.
  server.tool(
    'test_logging_tool',
    { description: 'Logs only when the request asked for a log level' },
    (_args, ctx) => logThreeTimes(ctx),
  );

  // ----- sampling and elicitation (legacy: server→client requests; modern: input rounds) -----

  server.tool(
    'test_sampling',
    {
      description: 'Asks the client LLM to answer a prompt',
      input: z.object({ prompt: z.string().describe('The prompt to send to the LLM') }),
    },
    async ({ prompt }, ctx) => {
      const answer = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        maxTokens: 100,
      });
      return `LLM response: ${textOf(answer.content)}`;
    },
  );

  server.tool(
    'test_elicitation',
    {
      description: 'Asks the user for a username and an email address',
      input: z.object({ message: z.string().describe('The message to show the user') }),
    },
    async ({ message }, ctx) => {
      const answer = await ctx.elicit({
        message,
        requestedSchema: {
          type: 'object',
          properties: {
            username: { type: 'string', description: "User's response" },
            email: { type: 'string', description: "User's email address" },
          },
          required: ['username', 'email'],
        },
      });
      return `User response: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`;
    },
  );

  server.tool(
    'test_elicitation_sep1034_defaults',
    { description: 'Asks for a form whose every field has a default (SEP-1034)' },
    async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: 'Please review and update the form fields with defaults',
        requestedSchema: {
          type: 'object',
          properties: {
            name: { type: 'string', description: 'User name', default: 'John Doe' },
            age: { type: 'integer', description: 'User age', default: 30 },
            score: { type: 'number', description: 'User score', default: 95.5 },
            status: {
              type: 'string',
              description: 'User status',
              enum: ['active', 'inactive', 'pending'],
              default: 'active',
            },
            verified: { type: 'boolean', description: 'Verification status', default: true },
          },
          required: [],
        },
      });
      return `Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`;
    },
  );

  server.tool(
    'test_elicitation_sep1330_enums',
    { description: 'Asks for a form with every enum variant (SEP-1330)' },
    async (_args, ctx) => {
      const answer = await ctx.elicit({
        message: 'Please select options from the enum fields',
        requestedSchema: {
          type: 'object',
          properties: {
            untitledSingle: {
              type: 'string',
              description: 'Select one option',
              enum: ['option1', 'option2', 'option3'],
            },
            titledSingle: {
              type: 'string',
              description: 'Select one option with titles',
              oneOf: [
                { const: 'value1', title: 'First Option' },
                { const: 'value2', title: 'Second Option' },
                { const: 'value3', title: 'Third Option' },
              ],
            },
            legacyEnum: {
              type: 'string',
              description: 'Select one option (legacy)',
              enum: ['opt1', 'opt2', 'opt3'],
              enumNames: ['Option One', 'Option Two', 'Option Three'],
            },
            untitledMulti: {
              type: 'array',
              description: 'Select multiple options',
              minItems: 1,
              maxItems: 3,
              items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
            },
            titledMulti: {
              type: 'array',
              description: 'Select multiple options with titles',
              minItems: 1,
              maxItems: 3,
              items: {
                anyOf: [
                  { const: 'value1', title: 'First Choice' },
                  { const: 'value2', title: 'Second Choice' },
                  { const: 'value3', title: 'Third Choice' },
                ],
              },
            },
          },
          required: [],
        },
      });
      return `Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`;
    },
  );

  // ----- 2026-07-28 diagnostics (server-stateless) -----

  server.tool(
    'test_missing_capability',
    { description: 'Needs the client sampling capability; without it the request is refused with -32021' },
    async (_args, ctx) => {
      const answer = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: 'Say hello' } }],
        maxTokens: 10,
      });
      return `Sampled: ${textOf(answer.content)}`;
    },
  );

  server.tool(
    'test_streaming_elicitation',
    { description: 'Reports progress, then asks for a confirmation (never as a request on the stream)' },
    async (_args, ctx) => {
      await ctx.progress(1, 2, 'about to ask');
      const answer = await ctx.elicit(
        {
          message: 'Please confirm',
          requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
        },
        { key: 'confirm' },
      );
      return `Confirmation: ${answer.action}`;
    },
  );

  // Toggled by the trigger tools below, so that the tool and prompt lists really change.
  let dynamicTool: RegisteredTool | undefined;
  let dynamicPrompt: RegisteredPrompt | undefined;
  const toggle = (handle: RegisteredTool | RegisteredPrompt | undefined, enabled: boolean): void => {
    if (enabled) handle?.enable();
    else handle?.disable();
  };
  let dynamicToolEnabled = true;
  let dynamicPromptEnabled = true;

  server.tool(
    'test_trigger_tool_change',
    { description: 'Changes the tool list (toggles test_dynamic_tool), for list-changed notifications' },
    () => {
      dynamicToolEnabled = !dynamicToolEnabled;
      toggle(dynamicTool, dynamicToolEnabled);
      return `test_dynamic_tool is now ${dynamicToolEnabled ? 'enabled' : 'disabled'}`;
    },
  );
  server.tool(
    'test_trigger_prompt_change',
    { description: 'Changes the prompt list (toggles test_dynamic_prompt), for list-changed notifications' },
    () => {
      dynamicPromptEnabled = !dynamicPromptEnabled;
      toggle(dynamicPrompt, dynamicPromptEnabled);
      return `test_dynamic_prompt is now ${dynamicPromptEnabled ? 'enabled' : 'disabled'}`;
    },
  );
  dynamicTool = server.tool(
    'test_dynamic_tool',
    { description: 'Appears and disappears with test_trigger_tool_change' },
    () => 'dynamic',
  );

  // ----- Multi Round-Trip Requests (2026-07-28; plain server→client requests on a legacy session) -----

  server.tool(
    'test_input_required_result_elicitation',
    { description: 'Asks for the user name, then greets' },
    async (_args, ctx) => {
      const answer = await ctx.elicit(nameQuestion('What is your name?'), { key: 'user_name' });
      return `Hello, ${nameFrom(answer)}!`;
    },
  );

  server.tool(
    'test_input_required_result_sampling',
    { description: 'Asks the client LLM for the capital of France' },
    async (_args, ctx) => {
      const answer = await ctx.sample(
        {
          messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
          maxTokens: 100,
        },
        { key: 'capital_question' },
      );
      return `Sampling response: ${textOf(answer.content)}`;
    },
  );

  server.tool(
    'test_input_required_result_list_roots',
    { description: 'Lists the client roots' },
    async (_args, ctx) => {
      const roots = await ctx.roots({ key: 'client_roots' });
      return `Client roots: ${roots.map((root) => root.uri).join(', ') || '(none)'}`;
    },
  );

  server.tool(
    'test_input_required_result_request_state',
    { description: 'Asks for a confirmation and keeps signed state between rounds' },
    async (_args, ctx) => {
      // Remembered values travel in the signed requestState, so a round that gets it back proves the state held.
      const ticket = await ctx.remember('ticket', () => crypto.randomUUID());
      const answer = await ctx.elicit(
        {
          message: 'Please confirm',
          requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
        },
        { key: 'confirm' },
      );
      return `state-ok: ticket ${ticket}, answer ${answer.action}`;
    },
  );

  server.tool(
    'test_input_required_result_multiple_inputs',
    { description: 'Asks for a name, a greeting and the roots at once' },
    async (_args, ctx) => {
      await ctx.remember('started', () => new Date().toISOString());
      // Asked together, so all three land in one InputRequiredResult.
      const [user, greeting, roots] = await Promise.all([
        ctx.elicit(nameQuestion('What is your name?'), { key: 'user_name' }),
        ctx.sample(
          {
            messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }],
            maxTokens: 50,
          },
          { key: 'greeting' },
        ),
        ctx.roots({ key: 'client_roots' }),
      ]);
      return `${textOf(greeting.content)} ${nameFrom(user)} (${roots.length} roots)`;
    },
  );

  server.tool(
    'test_input_required_result_multi_round',
    { description: 'Asks two questions, one round after the other' },
    async (_args, ctx) => {
      const first = await ctx.elicit(nameQuestion('Step 1: What is your name?'), { key: 'step1' });
      const second = await ctx.elicit(
        {
          message: 'Step 2: What is your favorite color?',
          requestedSchema: {
            type: 'object',
            properties: { color: { type: 'string' } },
            required: ['color'],
          },
        },
        { key: 'step2' },
      );
      return `${nameFrom(first)} likes ${nameFrom(second, 'color')}`;
    },
  );

  server.tool(
    'test_input_required_result_tampered_state',
    { description: 'Keeps HMAC-protected state; a tampered retry is refused' },
    async (_args, ctx) => {
      await ctx.remember('issued', () => new Date().toISOString());
      const answer = await ctx.elicit(
        {
          message: 'Please confirm',
          requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
        },
        { key: 'confirm' },
      );
      return `Confirmed: ${answer.action}`;
    },
  );

  server.tool(
    'test_input_required_result_capabilities',
    { description: 'Asks only for what the client declared: elicitation and/or sampling' },
    async (_args, ctx) => {
      const { capabilities } = ctx.client;
      const asks: Promise<unknown>[] = [];
      if (capabilities.elicitation !== undefined) {
        asks.push(ctx.elicit(nameQuestion('What is your name?'), { key: 'user_name' }));
      }
      if (capabilities.sampling !== undefined) {
        asks.push(
          ctx.sample(
            { messages: [{ role: 'user', content: { type: 'text', text: 'Say hello' } }], maxTokens: 20 },
            { key: 'hello' },
          ),
        );
      }
      await Promise.all(asks);
      return `Asked ${asks.length} question(s)`;
    },
  );

  // ----- pending scenarios (run, never scored) -----

  server.tool(
    'json_schema_2020_12_tool',
    {
      description: 'A tool whose input schema uses JSON Schema 2020-12 features (SEP-1613)',
      input: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        $defs: {
          address: {
            $anchor: 'addressDef',
            type: 'object',
            properties: { street: { type: 'string' }, city: { type: 'string' } },
          },
        },
        properties: {
          name: { type: 'string' },
          address: { $ref: '#/$defs/address' },
          contactMethod: { type: 'string', enum: ['phone', 'email'] },
          phone: { type: 'string' },
          email: { type: 'string' },
        },
        allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
        if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
        // biome-ignore lint/suspicious/noThenProperty: the JSON Schema if/then/else keyword the scenario checks is kept.
        then: { required: ['phone'] },
        else: { required: ['email'] },
        additionalProperties: false,
      },
    },
    (args) => `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`,
  );

  server.tool(
    'test_header_param',
    {
      description: 'Mirrors its region argument into the Mcp-Param-Region header (SEP-2243)',
      input: {
        type: 'object',
        properties: { region: { type: 'string', 'x-mcp-header': 'Region' } },
        required: ['region'],
      },
    },
    (args) => `region: ${String(args.region)}`,
  );

  // ----- resources -----

  server.resource(
    'test://static-text',
    {
      name: 'static-text',
      title: 'Static Text Resource',
      description: 'A static text resource',
      mimeType: 'text/plain',
    },
    () => 'This is the content of the static text resource.',
  );

  server.resource(
    'test://static-binary',
    {
      name: 'static-binary',
      title: 'Static Binary Resource',
      description: 'A static binary resource (a PNG image)',
      mimeType: 'image/png',
    },
    () => ({ blob: PNG_BASE64 }),
  );

  server.resourceTemplate(
    'test://template/{id}/data',
    {
      name: 'template',
      title: 'Resource Template',
      description: 'A resource template with one variable',
      mimeType: 'application/json',
    },
    (_uri, variables) => {
      const id = String(variables.id);
      return JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` });
    },
  );

  server.resource(
    'test://watched-resource',
    {
      name: 'watched-resource',
      title: 'Watched Resource',
      description: 'A resource clients can subscribe to',
      mimeType: 'text/plain',
    },
    () => 'Watched resource content',
  );

  // ----- prompts -----

  server.prompt(
    'test_simple_prompt',
    { title: 'Simple Test Prompt', description: 'A prompt without arguments' },
    () => 'This is a simple prompt for testing.',
  );

  server.prompt(
    'test_prompt_with_arguments',
    {
      title: 'Prompt With Arguments',
      description: 'A prompt with two required arguments',
      arguments: [
        {
          name: 'arg1',
          description: 'First test argument',
          required: true,
          complete: (value: string) =>
            ['paris', 'park', 'party', 'pasta'].filter((word) => word.startsWith(value)),
        },
        { name: 'arg2', description: 'Second test argument', required: true },
      ],
    },
    ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
  );

  server.prompt(
    'test_prompt_with_embedded_resource',
    {
      title: 'Prompt With Embedded Resource',
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

  server.prompt(
    'test_prompt_with_image',
    { title: 'Prompt With Image', description: 'A prompt with an image' },
    () => [
      { role: 'user', content: { type: 'image', data: PNG_BASE64, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
    ],
  );

  server.prompt(
    'test_input_required_result_prompt',
    { description: 'Asks the user for context before producing its messages' },
    async (_args, ctx) => {
      const answer = await ctx.elicit(
        {
          message: 'What context should the prompt use?',
          requestedSchema: {
            type: 'object',
            properties: { context: { type: 'string' } },
            required: ['context'],
          },
        },
        { key: 'user_context' },
      );
      return `Use this context: ${nameFrom(answer, 'context')}`;
    },
  );

  dynamicPrompt = server.prompt(
    'test_dynamic_prompt',
    { description: 'Appears and disappears with test_trigger_prompt_change' },
    () => 'dynamic',
  );

  return server;
}

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(
    `PORT must be a TCP port number (0 for any free port), got ${JSON.stringify(process.env.PORT)}`,
  );
  process.exit(2);
}

const server = createFixtureServer();
server.onerror = (error) => console.error('[fixture server]', error);
const handler = createHttpHandler(server, {
  endpoint: '/mcp',
  onerror: (error) => console.error('[fixture http]', error),
});
const running = await listen(handler, { port, host: '127.0.0.1' });
// The suite's DNS-rebinding check needs a localhost URL, and localhost is what a local client would type.
console.log(`pmcp conformance fixture server listening on http://localhost:${running.port}/mcp`);

const stop = async (): Promise<void> => {
  await running.close();
  await handler.close();
  await server.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
