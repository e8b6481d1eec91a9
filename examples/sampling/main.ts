/**
 * Sampling: a server tool asks the client's LLM for help with `ctx.sample()`, once plainly and once with a tool the
 * model may call (a two-step tool loop). Server and client run in this process, joined by an in-memory pair; the
 * messages between them are printed, so you can see the same handler work in both eras: a server→client
 * `sampling/createMessage` request in the legacy era, `InputRequiredResult` rounds (MRTR) in the modern one.
 *
 * Run: node --conditions=@pmcp/source examples/sampling/main.ts
 */
import { createClient } from '@pmcp/client';
import { createInMemoryTransportPair, type JsonRpcMessage, type Transport } from '@pmcp/jsonrpc';
import { createServer } from '@pmcp/server';
import type { CreateMessageRequestParams, CreateMessageResult, SamplingMessage } from '@pmcp/types';
import { z } from 'zod';

function buildServer() {
  const server = createServer({ name: 'sampling-example', version: '1.0.0' });

  server.tool(
    'haiku',
    { description: 'Writes a haiku with the help of the client LLM', input: z.object({ topic: z.string() }) },
    async ({ topic }, ctx) => {
      const answer = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: `Write a haiku about ${topic}.` } }],
        maxTokens: 60,
      });
      return `${answer.model} wrote: ${textOf(answer)}`;
    },
  );

  server.tool(
    'weather_report',
    {
      description: 'Lets the client LLM call get_weather, then report',
      input: z.object({ city: z.string() }),
    },
    async ({ city }, ctx) => {
      if (ctx.client.capabilities.sampling?.tools === undefined) return 'The client LLM cannot use tools.';
      const tools = [
        {
          name: 'get_weather',
          description: 'Current weather of a city',
          inputSchema: {
            type: 'object' as const,
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      ];
      const messages: SamplingMessage[] = [
        { role: 'user', content: { type: 'text', text: `What should I wear in ${city} today?` } },
      ];
      const first = await ctx.sample({ messages, maxTokens: 100, tools, toolChoice: { mode: 'auto' } });
      const toolUse = [first.content].flat().find((block) => block.type === 'tool_use');
      if (toolUse?.type !== 'tool_use') return `answered without the tool: ${textOf(first)}`;
      // The server runs the tool the model asked for and sends the result back in a second sampling request.
      const weather = `${String(toolUse.input.city)}: 8 °C, rain`;
      const second = await ctx.sample({
        messages: [
          ...messages,
          { role: 'assistant', content: toolUse },
          {
            role: 'user',
            content: {
              type: 'tool_result',
              toolUseId: toolUse.id,
              content: [{ type: 'text', text: weather }],
            },
          },
        ],
        maxTokens: 100,
        tools,
      });
      return `after get_weather → ${textOf(second)}`;
    },
  );
  return server;
}

function textOf(result: CreateMessageResult): string {
  return [result.content]
    .flat()
    .map((block) => (block.type === 'text' ? block.text : `[${block.type}]`))
    .join(' ');
}

/** A pretend LLM: calls get_weather when offered it, otherwise answers from what it was given. */
function fakeModel(request: CreateMessageRequestParams): CreateMessageResult {
  const last = request.messages.at(-1);
  const lastBlock = [last?.content].flat()[0];
  if (lastBlock?.type === 'tool_result') {
    const report = lastBlock.content.map((block) => (block.type === 'text' ? block.text : '')).join(' ');
    return {
      role: 'assistant',
      content: { type: 'text', text: `It is ${report.split(': ')[1]}: take a coat and an umbrella.` },
      model: 'fake-llm',
      stopReason: 'endTurn',
    };
  }
  if (request.tools?.some((tool) => tool.name === 'get_weather')) {
    const question = lastBlock?.type === 'text' ? lastBlock.text : '';
    const city = /in (\w+)/.exec(question)?.[1] ?? 'Paris';
    return {
      role: 'assistant',
      content: { type: 'tool_use', id: 'call-1', name: 'get_weather', input: { city } },
      model: 'fake-llm',
      stopReason: 'toolUse',
    };
  }
  return {
    role: 'assistant',
    content: { type: 'text', text: 'Silent packets fly / two eras, one handler / the answer comes back' },
    model: 'fake-llm',
    stopReason: 'endTurn',
  };
}

/** Prints each message the client sends (→) and receives (←), in one line each. */
function traced(transport: Transport, enabled: () => boolean): Transport {
  const describe = (message: JsonRpcMessage): string => {
    if ('method' in message) {
      const params = (message.params ?? {}) as Record<string, unknown>;
      const name = typeof params.name === 'string' ? ` ${params.name}` : '';
      const extra = params.requestState === undefined ? '' : ' (retry: inputResponses + requestState)';
      return `${'id' in message ? 'request' : 'notification'} ${message.method}${name}${extra}`;
    }
    if ('error' in message) return `error ${message.error.code}`;
    const result = message.result as Record<string, unknown>;
    if (result.resultType === 'input_required') {
      const asked = Object.entries(result.inputRequests as Record<string, { method: string }>)
        .map(([key, request]) => `${key}: ${request.method}`)
        .join(', ');
      return `result input_required { ${asked} }`;
    }
    return 'result';
  };
  const wrapper: Transport = {
    start: () => transport.start(),
    close: () => transport.close(),
    send(message, options) {
      if (enabled()) console.log(`  → ${describe(message)}`);
      return transport.send(message, options);
    },
  };
  transport.onmessage = (message, extra) => {
    if (enabled()) console.log(`  ← ${describe(message)}`);
    wrapper.onmessage?.(message, extra);
  };
  transport.onerror = (error) => wrapper.onerror?.(error);
  transport.onclose = () => wrapper.onclose?.();
  return wrapper;
}

async function session(era: 'modern' | 'legacy'): Promise<void> {
  const server = buildServer();
  const [clientSide, serverSide] = createInMemoryTransportPair();
  await server.connect(serverSide);
  let tracing = false;
  const client = createClient(
    { name: 'sampling-example-client', version: '1.0.0' },
    // `tools: true` declares sampling.tools: without it the server may not offer tools to the model.
    { onSample: { tools: true, handler: (request) => fakeModel(request) } },
  );
  await client.connect(
    traced(clientSide, () => tracing),
    { era },
  );
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);
  // Listed first, so the client knows the tools' output schemas and the trace shows only the calls.
  await client.listAllTools();
  tracing = true;
  const haiku = await client.callTool('haiku', { topic: 'protocols' });
  console.log(`haiku → ${haiku.content.map((block) => (block.type === 'text' ? block.text : '')).join('')}`);
  const report = await client.callTool('weather_report', { city: 'Oslo' });
  console.log(
    `weather_report → ${report.content.map((block) => (block.type === 'text' ? block.text : '')).join('')}`,
  );
  tracing = false;
  await client.close();
}

await session('modern');
await session('legacy');
console.log('\nsampling example finished');
