/**
 * A stdio MCP server whose tools ask the user through the client: `book_table` with a form, `connect_calendar` by
 * sending the user to a URL (for things that must not pass through the client, such as credentials). In a 2025-11-25
 * session `sync_calendar` refuses with -32042 (URL elicitation required) until the calendar is linked, and the
 * server announces the end of the sign-in with `notifications/elicitation/complete`.
 *
 * Run: node --conditions=@pmcp/source examples/elicitation/server.ts   (it then waits for JSON-RPC on stdin)
 */
import { createServer, UrlElicitationRequiredError } from '@pmcp/server';
import { stdioServerTransport } from '@pmcp/transport-stdio';
import { z } from 'zod';

const server = createServer({ name: 'elicitation-example', version: '1.0.0' });
const SIGN_IN_URL = 'https://calendar.example.com/oauth/authorize?client=elicitation-example';
let calendarLinked = false;

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
      url: SIGN_IN_URL,
      // Our id for this sign-in, so the server can say when it has finished (legacy sessions only).
      elicitationId: 'calendar-sign-in',
    });
    if (answer.action !== 'accept') return `Calendar not linked (${answer.action}).`;
    // Stands in for the calendar's OAuth callback, which ends the sign-in out of band, a moment later.
    setTimeout(() => {
      calendarLinked = true;
      void server.completeElicitation('calendar-sign-in');
    }, 20);
    return 'Calendar linked.';
  },
);

server.tool('sync_calendar', { description: 'Copies your bookings to your calendar' }, () => {
  if (!calendarLinked) {
    // 2025-11-25: the client shows the URL and retries once the user is done.
    throw new UrlElicitationRequiredError([
      { message: 'Sign in to your calendar first.', url: SIGN_IN_URL, elicitationId: 'calendar-sign-in' },
    ]);
  }
  return 'Synced 1 booking.';
});

server.onerror = (error) => console.error(`[elicitation-example] ${error.message}`);
await server.connect(stdioServerTransport());
