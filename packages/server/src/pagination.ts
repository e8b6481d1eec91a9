/**
 * Cursor pagination shared by every list method. A cursor names the last entry of the previous page rather than an
 * offset, so adding or removing entries between pages neither skips nor repeats the ones that stayed.
 */
import { McpError } from '@pmcp/jsonrpc';
import { ErrorCode } from '@pmcp/types';

/** One page of a list and the cursor of the next page, if there is one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

interface CursorPayload {
  /** The list method the cursor belongs to, so a cursor from one list is refused by another. */
  l: string;
  /** The name of the last entry already returned. */
  a: string;
}

function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const binary = atob(encoded.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

function invalidCursor(method: string, reason: string): McpError {
  return new McpError(
    ErrorCode.InvalidParams,
    `Invalid cursor for ${method}: ${reason}; request the list again without a cursor`,
  );
}

function decodeCursor(cursor: string, method: string): string {
  let payload: unknown;
  try {
    payload = JSON.parse(fromBase64Url(cursor));
  } catch {
    throw invalidCursor(method, 'it was not issued by this server');
  }
  const { l, a } = (payload ?? {}) as Partial<CursorPayload>;
  if (typeof l !== 'string' || typeof a !== 'string') {
    throw invalidCursor(method, 'it was not issued by this server');
  }
  if (l !== method) throw invalidCursor(method, `it belongs to ${l}`);
  return a;
}

/**
 * Returns the page after `cursor` (the first page without one). Throws `-32602` for a cursor this server did not
 * issue for `method`, or whose position no longer exists because that entry was removed.
 */
export function paginate<T>(
  entries: ReadonlyArray<readonly [name: string, value: T]>,
  method: string,
  cursor: string | undefined,
  pageSize: number,
): Page<T> {
  let start = 0;
  if (cursor !== undefined) {
    const after = decodeCursor(cursor, method);
    const index = entries.findIndex(([name]) => name === after);
    if (index === -1) throw invalidCursor(method, 'the list changed and its position no longer exists');
    start = index + 1;
  }
  const slice = entries.slice(start, start + pageSize);
  const page: Page<T> = { items: slice.map(([, value]) => value) };
  const last = slice.at(-1);
  if (start + pageSize < entries.length && last !== undefined) {
    const payload: CursorPayload = { l: method, a: last[0] };
    page.nextCursor = toBase64Url(JSON.stringify(payload));
  }
  return page;
}
