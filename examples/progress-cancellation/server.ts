/**
 * A stdio MCP server with a slow tool that reports progress and stops when it is cancelled, and a tool that tells
 * how the last run ended.
 *
 * Run: node --conditions=@pmcp/source examples/progress-cancellation/server.ts   (it then waits for JSON-RPC on stdin)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, ToolError } from '@pmcp/server';
import { stdioServerTransport } from '@pmcp/transport-stdio';
import { z } from 'zod';

const server = createServer({ name: 'progress-example', version: '1.0.0' });
let lastRun = 'nothing ran yet';

server.tool(
  'process_files',
  {
    description: 'Processes files one by one, reporting progress after each',
    input: z.object({ count: z.number().int().min(1).max(100) }),
  },
  async ({ count }, ctx) => {
    let processed = 0;
    // Recorded the moment the cancellation arrives, so a request right behind it already sees the outcome.
    ctx.signal.addEventListener(
      'abort',
      () => {
        lastRun = `cancelled after ${processed} of ${count} files`;
      },
      { once: true },
    );
    for (let file = 1; file <= count; file++) {
      try {
        // Passing ctx.signal along stops the work as soon as the client cancels.
        await sleep(20, undefined, { signal: ctx.signal });
      } catch {
        // Nobody waits for this answer any more (a cancelled request is never answered); just stop.
        throw new ToolError(lastRun);
      }
      processed = file;
      // Sent only when the caller asked for progress (a progressToken); `progress` must keep growing.
      await ctx.progress(file, count, `file ${file} of ${count}`);
    }
    lastRun = `processed all ${count} files`;
    return lastRun;
  },
);

server.tool('last_run', { description: 'How the last process_files run ended' }, () => lastRun);

server.onerror = (error) => console.error(`[progress-example] ${error.message}`);
await server.connect(stdioServerTransport());
