/**
 * A stdio MCP server whose tools ask the user through the client: `book_table` with a form, `connect_calendar` by
 * sending the user to a URL (for things that must not pass through the client, such as credentials).
 *
 * Run: node --conditions=@pmcp/source examples/elicitation/server.ts   (it then waits for JSON-RPC on stdin)
 */
import { createServer } from '@pmcp/server';
import { stdioServerTransport } from '@pmcp/transport-stdio';
import { z } from 'zod';

const server = createServer({ name: 'elicitation-example', version: '1.0.0' });

server.tool(
  'book_table',
  {
    description: 'Books a table, asking the user for the details',
    input: z.object({ restaurant: z.string() }),
  },
  async ({ restaurant }, ctx) => {
    const answer = await ctx.elicit({
      message: `Booking at ${restaurant}: who is coming?`,
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', title: 'Your name' },
          guests: { type: 'integer', minimum: 1, maximum: 12, default: 2 },
          terrace: { type: 'boolean', title: 'Outside?', default: false },
        },
        required: ['name', 'guests'],
      },
    });
    if (answer.action !== 'accept') return `No booking (${answer.action}).`;
    const { name, guests, terrace } = answer.content ?? {};
    return `Table for ${String(guests)} at ${restaurant}, name ${String(name)}${terrace === true ? ', on the terrace' : ''}.`;
  },
);

server.tool(
  'connect_calendar',
  { description: 'Links the user calendar through its sign-in page' },
  async (_args, ctx) => {
    const answer = await ctx.elicit({
      mode: 'url',
      message: 'Sign in to your calendar to let the server add bookings.',
      url: 'https://calendar.example.com/oauth/authorize?client=elicitation-example',
    });
    return answer.action === 'accept' ? 'Calendar linked.' : `Calendar not linked (${answer.action}).`;
  },
);

server.onerror = (error) => console.error(`[elicitation-example] ${error.message}`);
await server.connect(stdioServerTransport());
