/**
 * Following `nextCursor` to the end of a listing: one loop for every `listAll*` helper, guarded against
 * servers whose pagination never ends.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/utilities/pagination
 */
import { McpError } from '@pmcp/jsonrpc';
import { ErrorCode } from '@pmcp/types';
import { protocolViolation } from './client-errors.ts';

/** One page as the `listAll*` loop needs it. */
export interface Page<Item> {
  items: readonly Item[];
  nextCursor?: string | undefined;
}

/**
 * Fetches page after page until one has no `nextCursor`. Fails with an `McpError` naming the cap after
 * `maxPages` pages, and with a `ProtocolError` when the server hands out a cursor it already gave (a loop).
 */
export async function collectPages<Item>(
  method: string,
  maxPages: number,
  fetchPage: (cursor: string | undefined) => Promise<Page<Item>>,
): Promise<Item[]> {
  const items: Item[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    if (pages === maxPages) {
      throw new McpError(
        ErrorCode.InternalError,
        `${method} still had more pages after ${pages} pages (the client's maxListPages limit); ` +
          'raise maxListPages in createClient() options if the server really lists that many items.',
        { data: { method, maxListPages: maxPages, nextCursor: cursor } },
      );
    }
    const page = await fetchPage(cursor);
    pages += 1;
    items.push(...page.items);
    cursor = page.nextCursor;
    if (cursor !== undefined) {
      if (seenCursors.has(cursor)) {
        throw protocolViolation(
          `${method} returned the cursor ${JSON.stringify(cursor)} a second time (after page ${pages}); ` +
            "the server's pagination loops, so the listing was stopped.",
          { method, cursor, pages },
        );
      }
      seenCursors.add(cursor);
    }
  } while (cursor !== undefined);
  return items;
}
