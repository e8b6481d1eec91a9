/**
 * A small but real MCP server over stdio: three tools, one with structured output and one that reports
 * progress. It answers modern (2026-07-28) and legacy (2025-11-25 and older) clients alike.
 *
 * Run: node --conditions=@pmcp/source examples/demo/server.ts   (it then waits for JSON-RPC on stdin)
 */
import { createServer, ToolError } from '@pmcp/server';
import { stdioServerTransport } from '@pmcp/transport-stdio';
import { z } from 'zod';

const server = createServer({
  name: 'pmcp-demo',
  version: '1.0.0',
  title: 'pmcp demo server',
  instructions: 'Arithmetic, unit conversion and a slow job that reports progress.',
});

server.tool(
  'add',
  {
    description: 'Add two numbers',
    input: z.object({ a: z.number().describe('first addend'), b: z.number().describe('second addend') }),
  },
  ({ a, b }) => `${a} + ${b} = ${a + b}`,
);

server.tool(
  'convert_temperature',
  {
    description: 'Convert a temperature between Celsius and Fahrenheit',
    input: z.object({ value: z.number(), from: z.enum(['celsius', 'fahrenheit']) }),
    output: z.object({ celsius: z.number(), fahrenheit: z.number() }),
    annotations: { readOnlyHint: true, idempotentHint: true },
  },
  ({ value, from }) => {
    if (!Number.isFinite(value)) throw new ToolError('value must be a finite number');
    const celsius = from === 'celsius' ? value : ((value - 32) * 5) / 9;
    return { celsius: round(celsius), fahrenheit: round((celsius * 9) / 5 + 32) };
  },
);

server.tool(
  'slow_job',
  {
    description: 'Pretend to work in steps, reporting progress after each one',
    input: z.object({ steps: z.number().int().min(1).max(20) }),
  },
  async ({ steps }, ctx) => {
    for (let step = 1; step <= steps; step++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (ctx.signal.aborted) throw new ToolError('cancelled');
      await ctx.progress(step, steps, `step ${step} of ${steps}`);
    }
    return `finished ${steps} steps`;
  },
);

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

await server.connect(stdioServerTransport());
