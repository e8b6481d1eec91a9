/**
 * Compression of the handler's JSON answers (opt-in, see `HttpHandlerOptions.compression`).
 */
import { compressBytes, negotiateCoding } from '../shared/content-coding.ts';

/**
 * The response, compressed when it is a JSON body of at least `threshold` bytes and the client accepts gzip or
 * deflate. SSE streams and bodies that already have a coding pass through; every JSON answer says
 * `Vary: Accept-Encoding`, since its form depends on that header.
 */
export async function compressResponse(
  request: Request,
  response: Response,
  threshold: number,
): Promise<Response> {
  const type = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (
    type !== 'application/json' ||
    response.body === null ||
    request.method === 'HEAD' ||
    response.headers.has('content-encoding')
  ) {
    return response;
  }
  const headers = new Headers(response.headers);
  headers.append('Vary', 'Accept-Encoding');
  const coding = negotiateCoding(request.headers.get('accept-encoding'));
  const bytes = new Uint8Array(await response.arrayBuffer()) as Uint8Array<ArrayBuffer>;
  const init = { status: response.status, statusText: response.statusText, headers };
  if (coding === undefined || bytes.byteLength < threshold) return new Response(bytes, init);
  headers.set('Content-Encoding', coding);
  headers.delete('Content-Length');
  return new Response(await compressBytes(bytes, coding), init);
}
