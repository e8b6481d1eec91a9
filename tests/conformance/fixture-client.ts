/**
 * The pmcp client the official conformance suite spawns in client mode: `pnpm fixture:client <url>`. The suite
 * appends the mock server's URL as the last argument and says what to do through the environment:
 *
 * - `MCP_CONFORMANCE_SCENARIO`: the scenario (e.g. `tools_call`, `sep-2322-client-request-state`);
 * - `MCP_CONFORMANCE_PROTOCOL_VERSION`: the revision of the run; `2026-07-28` means the stateless (modern) era,
 *   anything else a legacy `initialize` session;
 * - `MCP_CONFORMANCE_CONTEXT`: scenario data as JSON (e.g. the exact tool calls of `http-custom-headers`, the
 *   pre-registered `client_id`/`client_secret` of `auth/pre-registration`).
 *
 * For `auth/*` scenarios the transport gets an OAuth client from `@pmcp/auth`: the mock authorization servers
 * redirect at once, so the user-agent step is `createHeadlessAuthorizer` (fetch without following redirects and
 * read `Location`). The client_id is pre-registered when the context gives one, else the suite's CIMD URL when
 * the authorization server supports CIMD, else dynamic registration. After authorization the flow is the default
 * one (list the tools, call each), which is what the auth mocks serve (`tools/list`, then `test-tool`).
 *
 * It exits 0 when the flow ran to its end and 1 otherwise; the suite's checks decide whether the flow conformed.
 * Everything goes through `@pmcp/client` and `httpClientTransport`: no hand-written HTTP here, so what the suite
 * sees on the wire is what pmcp sends.
 */
import type { Client, ElicitationRequest, JsonObject } from '@pmcp/client';
import type { ElicitResult } from '@pmcp/types';

type FormContent = NonNullable<ElicitResult['content']>;

const MODERN_VERSION = '2026-07-28';

interface ToolCall {
  name: string;
  arguments: JsonObject;
}

interface ScenarioContext {
  toolCalls?: ToolCall[];
  /** auth/pre-registration: the client registered with the mock authorization server beforehand. */
  client_id?: string;
  client_secret?: string;
  /** auth/client-credentials-jwt: the key the mock authorization server verifies assertions with. */
  private_key_pem?: string;
  signing_algorithm?: string;
}

/** The CIMD client_id the suite's auth scenarios expect (its reference client uses the same URL). */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';
/** Never contacted: the headless authorizer reads the redirect instead of following it. */
const REDIRECT_URL = 'http://localhost:3000/callback';

function readContext(): ScenarioContext {
  const raw = process.env.MCP_CONFORMANCE_CONTEXT;
  if (raw === undefined || raw === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as ScenarioContext) : {};
  } catch {
    throw new Error(`MCP_CONFORMANCE_CONTEXT is not JSON: ${raw.slice(0, 200)}`);
  }
}

/**
 * What a person would submit for a form the client rendered: every field pre-filled with its schema default
 * (the spec's SHOULD for clients that support defaults) and a plausible value where there is none.
 */
function fillForm(request: ElicitationRequest): FormContent {
  if (request.mode === 'url') return {};
  const content: FormContent = {};
  for (const [field, schema] of Object.entries(request.requestedSchema.properties)) {
    const property = schema as unknown as Record<string, unknown>;
    if (property.default !== undefined) {
      content[field] = property.default as FormContent[string];
      continue;
    }
    const choices = Array.isArray(property.enum)
      ? property.enum
      : Array.isArray(property.oneOf)
        ? property.oneOf.map((option: { const?: unknown }) => option.const)
        : undefined;
    if (choices !== undefined && choices.length > 0) content[field] = choices[0] as string;
    else if (property.type === 'boolean') content[field] = true;
    else if (property.type === 'number' || property.type === 'integer') content[field] = 1;
    else if (property.type === 'array') {
      const items = (property.items ?? {}) as Record<string, unknown>;
      const first = Array.isArray(items.enum)
        ? items.enum[0]
        : Array.isArray(items.anyOf)
          ? (items.anyOf[0] as { const?: unknown } | undefined)?.const
          : undefined;
      content[field] = first === undefined ? [] : [first as string];
    } else if (property.format === 'email') content[field] = 'conformance@example.com';
    else content[field] = 'conformance';
  }
  return content;
}

/** Arguments for a tool from its input schema: distinct numbers for numeric fields, a word for strings. */
function argumentsFor(inputSchema: Record<string, unknown>): JsonObject {
  const args: JsonObject = {};
  let nextNumber = 2;
  const properties = (inputSchema.properties ?? {}) as Record<string, object>;
  for (const [field, schema] of Object.entries(properties)) {
    const type = (schema as { type?: unknown }).type;
    if (type === 'number' || type === 'integer') args[field] = nextNumber++;
    else if (type === 'boolean') args[field] = true;
    else if (type === 'string') args[field] = 'conformance';
  }
  return args;
}

/** Calls every listed tool, reads every resource and gets every prompt the server advertises. */
async function exerciseEverything(client: Client, context: ScenarioContext): Promise<void> {
  const capabilities = client.serverCapabilities ?? {};
  if (capabilities.tools !== undefined) {
    // Tools that change the tool list go last, so that every tool listed is still there when it is called.
    const tools = (await client.listAllTools()).sort(
      (a, b) => Number(a.name.startsWith('test_trigger_')) - Number(b.name.startsWith('test_trigger_')),
    );
    const planned = new Map((context.toolCalls ?? []).map((call) => [call.name, call] as const));
    for (const tool of tools) {
      const call = planned.get(tool.name);
      await client.callTool(tool.name, call?.arguments ?? argumentsFor(tool.inputSchema));
      planned.delete(tool.name);
    }
    // Calls the scenario asked for whose tool was not listed are attempted anyway, so the failure is visible.
    for (const call of planned.values()) await client.callTool(call.name, call.arguments);
  }
  if (capabilities.resources !== undefined) {
    for (const resource of await client.listAllResources()) await client.readResource(resource.uri);
  }
  if (capabilities.prompts !== undefined) {
    for (const prompt of await client.listAllPrompts()) {
      const args: Record<string, string> = {};
      for (const argument of prompt.arguments ?? []) args[argument.name] = 'conformance';
      await client.getPrompt(prompt.name, args);
    }
  }
}

const started = Date.now();
/** Every HTTP exchange on stderr (the suite keeps it as stderr.txt), so a failed scenario shows its wire. */
async function tracedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const method = init?.method ?? 'GET';
  const body = typeof init?.body === 'string' ? init.body.slice(0, 300) : '';
  const stamp = () => `+${Date.now() - started}ms`;
  console.error(`${stamp()} → ${method} ${String(input)} ${body}`);
  try {
    const response = await fetch(input, init);
    console.error(`${stamp()} ← ${response.status} ${response.headers.get('content-type') ?? ''}`);
    return response;
  } catch (error) {
    console.error(`${stamp()} ✗ ${method} failed: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

/** The OAuth client of the auth scenarios (see the header comment). */
async function oauthProvider(url: string, context: ScenarioContext, scenario: string) {
  const { createClientCredentialsProvider, createHeadlessAuthorizer, createOAuthClientProvider } =
    await import('@pmcp/auth');
  // The io.modelcontextprotocol/oauth-client-credentials extension: a service with its own credentials, no user.
  if (scenario.startsWith('auth/client-credentials-') && context.client_id !== undefined) {
    return createClientCredentialsProvider({
      serverUrl: url,
      clientId: context.client_id,
      fetch: tracedFetch,
      ...(context.private_key_pem === undefined
        ? { clientSecret: context.client_secret ?? '' }
        : {
            privateKey: context.private_key_pem,
            ...(context.signing_algorithm === undefined
              ? {}
              : { signingAlgorithm: context.signing_algorithm }),
          }),
    });
  }
  return createOAuthClientProvider({
    serverUrl: url,
    redirectUrl: REDIRECT_URL,
    redirectToAuthorization: createHeadlessAuthorizer({ fetch: tracedFetch }),
    clientMetadataUrl: CLIENT_METADATA_URL,
    clientMetadata: { client_name: 'pmcp-conformance-client' },
    fetch: tracedFetch,
    ...(context.client_id === undefined
      ? {}
      : {
          clientInformation: {
            client_id: context.client_id,
            ...(context.client_secret === undefined ? {} : { client_secret: context.client_secret }),
          },
        }),
  });
}

async function main(): Promise<void> {
  const url = process.argv.at(-1);
  if (url === undefined || !/^https?:\/\//.test(url)) {
    throw new Error('usage: fixture-client <server url> (the conformance suite appends it)');
  }
  const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? 'tools_call';
  // Dynamic imports, so that a usage error is reported before anything is loaded.
  const [{ createClient }, { httpClientTransport }] = await Promise.all([
    import('@pmcp/client'),
    import('@pmcp/transport-http'),
  ]);
  const version = process.env.MCP_CONFORMANCE_PROTOCOL_VERSION ?? '2025-11-25';
  const era = version === MODERN_VERSION ? 'modern' : 'legacy';
  const context = readContext();

  // sep-2322-client-request-state: an unrelated call between an InputRequiredResult and its retry must carry
  // neither inputResponses nor requestState. The elicitation handler runs exactly in between, so it makes it.
  let callBetweenRounds: (() => Promise<unknown>) | undefined;

  const client: Client = createClient(
    { name: 'pmcp-conformance-client', version: '1.0.0' },
    {
      // The suite starts every client scenario at once, and its mock servers share one event loop: on a small
      // machine an answer can take many seconds, so only the suite's own per-scenario timeout should decide.
      defaultTimeout: 90_000,
      discoverTimeout: 90_000,
      onElicit: {
        modes: ['form', 'url'],
        handler: async (request): Promise<ElicitResult> => {
          const pending = callBetweenRounds;
          callBetweenRounds = undefined;
          await pending?.();
          return request.mode === 'url'
            ? { action: 'accept' }
            : { action: 'accept', content: fillForm(request) };
        },
      },
      onSample: (request) => ({
        role: 'assistant',
        content: { type: 'text', text: `A conformance answer to ${request.messages.length} message(s)` },
        model: 'pmcp-conformance-model',
        stopReason: 'endTurn',
      }),
      onRoots: () => [{ uri: 'file:///tmp/pmcp-conformance', name: 'conformance' }],
    },
  );
  const auth = scenario.startsWith('auth/') ? await oauthProvider(url, context, scenario) : undefined;
  const transport = httpClientTransport(url, {
    era,
    fetch: tracedFetch,
    ...(auth === undefined ? {} : { auth }),
  });
  await client.connect(transport, { era });
  try {
    switch (scenario) {
      case 'initialize':
        await client.listTools();
        break;
      case 'json-schema-ref-no-deref':
        // The mock serves only tools/list; listing must not fetch the network $ref in the schema.
        await client.listAllTools();
        break;
      case 'json-schema-2020-12-preservation': {
        // Echo the schema exactly as the client received it: the suite diffs it against what it served.
        const tools = await client.listAllTools();
        const focal = tools.find((tool) => tool.name === 'json_schema_2020_12_tool');
        if (focal === undefined) throw new Error('the server did not list json_schema_2020_12_tool');
        await client.callTool('json_schema_echo', { schema: focal.inputSchema as JsonObject });
        break;
      }
      case 'elicitation-sep1034-client-defaults':
        await client.callTool('test_client_elicitation_defaults', {});
        break;
      case 'sep-2322-client-request-state': {
        await client.listAllTools();
        callBetweenRounds = () => client.callTool('test_mrtr_unrelated', {});
        await client.callTool('test_mrtr_echo_state', {});
        await client.callTool('test_mrtr_no_state', {});
        await client.callTool('test_mrtr_no_result_type', {});
        break;
      }
      default:
        // tools_call, sse-retry, request-metadata, http-*: list everything and use it.
        await exerciseEverything(client, context);
    }
  } finally {
    await client.close();
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error('[fixture client]', error);
  process.exit(1);
}
