/**
 * Resilience around an HTTP client with @pmcp/middleware: `retry` sends a request again when that is safe,
 * `circuitBreaker` stops calling a server that keeps failing, `metrics` counts what went over the wire.
 *
 * The server sits behind a gateway this example makes misbehave on purpose: it sheds load (HTTP 503 with
 * Retry-After, the request never reaches the server), loses an answer after the server ran the tool (HTTP 502),
 * and finally goes down. `charge_card` must never run twice for one call: retry repeats a `tools/call` only when
 * the failure proves the server did not run it.
 *
 * Server and client run in this process; the server listens on 127.0.0.1 on a free port.
 *
 * Run: node --conditions=@pmcp/source examples/resilience/main.ts
 */
import { createClient } from '@pmcp/client';
import type { McpError } from '@pmcp/jsonrpc';
import { CircuitOpenError, compose, metrics, retry } from '@pmcp/middleware';
import { circuitBreaker } from '@pmcp/middleware/circuit-breaker';
import { createServer } from '@pmcp/server';
import { createHttpHandler, httpClientTransport } from '@pmcp/transport-http';
import { listen } from '@pmcp/transport-http/node';

const server = createServer({ name: 'resilience-example', version: '1.0.0' });
let charges = 0;
server.tool('charge_card', { description: 'Charges a card; must run once per call' }, () => {
  charges += 1;
  return `charged (charge #${charges})`;
});
// readOnlyHint tells clients that running it twice does no harm: retry may repeat it after an unclear failure.
server.tool(
  'list_invoices',
  { description: 'Lists invoices', annotations: { readOnlyHint: true } },
  () => 'INV-1, INV-2',
);

type GatewayMode = 'healthy' | 'shedding' | 'losing answers' | 'down';
let mode: GatewayMode = 'healthy';
let shed = 0;
let lose = 0;
const handler = createHttpHandler(server);
const running = await listen(async (request) => {
  if (request.method !== 'POST' || mode === 'healthy') return handler(request);
  if (mode === 'down') return new Response('upstream unavailable', { status: 503 });
  if (mode === 'shedding' && shed > 0) {
    shed -= 1;
    return new Response('overloaded, come back in a second', {
      status: 503,
      headers: { 'retry-after': '1' },
    });
  }
  if (mode === 'losing answers' && lose > 0) {
    lose -= 1;
    // The server runs the request, then the gateway drops its answer.
    await handler(request);
    return new Response('bad gateway', { status: 502 });
  }
  return handler(request);
});

const text = (content: { type: string; text?: string }[]): string =>
  content.map((block) => block.text ?? '').join('');
const failure = (error: unknown): string => {
  const { code, data, name } = error as McpError;
  const status = (data as { httpStatus?: number } | undefined)?.httpStatus;
  return status === undefined ? `${name} (code ${code})` : `HTTP ${status}`;
};
// A server that answers with Retry-After is healthy and asking for patience: not a failure for the breaker.
const asksForPatience = (error: unknown): boolean =>
  (error as McpError).data !== null &&
  typeof (error as McpError).data === 'object' &&
  'retryAfterMs' in ((error as McpError).data as object);

for (const era of ['modern', 'legacy'] as const) {
  mode = 'healthy';
  const reasons: string[] = [];
  const wire = metrics();
  const breaker = circuitBreaker({
    failureThreshold: 4,
    resetTimeout: 60_000,
    isFailure: (error) => !asksForPatience(error),
  });
  const withRetries = retry({
    minTimeout: 50,
    onRetry: ({ error }) => reasons.push(failure(error)),
  });
  const client = createClient({ name: 'resilience-example-client', version: '1.0.0' });
  // compose: the first decorator sits next to the wire, so metrics count every attempt and the breaker sees each.
  await client.connect(compose(wire, breaker, withRetries)(httpClientTransport(running.url)), { era });
  console.log(`\n── ${client.era} era (${client.protocolVersion}) ──`);

  mode = 'shedding';
  shed = 2;
  reasons.length = 0;
  const charged = await client.callTool('charge_card', {});
  console.log(
    `load shedding: charge_card → ${text(charged.content)} after ${reasons.length} retries (${reasons.join(', ')})`,
  );

  mode = 'losing answers';
  lose = 1;
  reasons.length = 0;
  const before = charges;
  const lost = await client.callTool('charge_card', {}).catch((error: unknown) => error);
  console.log(
    `lost answer: charge_card → ${failure(lost)}, not repeated (the tool ran ${charges - before} time; ${reasons.length} retries)`,
  );
  lose = 1;
  const invoices = await client.callTool('list_invoices', {});
  console.log(
    `lost answer: list_invoices → ${text(invoices.content)} after ${reasons.length} retry (${reasons.join(', ')})`,
  );

  mode = 'down';
  reasons.length = 0;
  const down = await client.callTool('list_invoices', {}).catch((error: unknown) => error);
  console.log(
    `server down: list_invoices → ${failure(down)} after ${reasons.length + 1} attempts (${reasons.join(', ')}); circuit ${breaker.state}`,
  );
  const sentBefore = wire.snapshot().out.byKind.request;
  const fast = await client.callTool('list_invoices', {}).catch((error: unknown) => error);
  const sentAfter = wire.snapshot().out.byKind.request;
  console.log(
    `while open: list_invoices → ${fast instanceof CircuitOpenError ? 'CircuitOpenError' : failure(fast)}, ${sentAfter - sentBefore} requests sent`,
  );

  const snapshot = wire.snapshot();
  console.log(
    `metrics: ${snapshot.out.byKind.request} requests on the wire, ${snapshot.sendFailures} failed sends; retry stats ${JSON.stringify(withRetries.stats())}`,
  );
  mode = 'healthy';
  breaker.dispose();
  await client.close();
}

await running.close();
await handler.close();
console.log(
  `\nresilience example finished: charge_card ran ${charges} times for ${charges} successful or lost calls`,
);
