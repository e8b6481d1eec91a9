/**
 * HTTP content codings (RFC 9110 §8.4) on web-standard `CompressionStream` / `DecompressionStream`: what both
 * sides of the HTTP transport use to compress JSON bodies.
 */

/** The codings this package compresses and decompresses: those every runtime's CompressionStream has. */
export type ContentCoding = 'gzip' | 'deflate';

/** Codings in the server's order of preference. */
export const SUPPORTED_CODINGS: readonly ContentCoding[] = ['gzip', 'deflate'];

/** `x-gzip` is gzip (RFC 9110 §8.4.1.3). */
function normalize(token: string): string {
  const lower = token.trim().toLowerCase();
  return lower === 'x-gzip' ? 'gzip' : lower;
}

/**
 * The coding to answer with, given a request's `Accept-Encoding`: the first of {@link SUPPORTED_CODINGS} the
 * client accepts with a non-zero quality (a `*` covers any coding not listed), or `undefined` for identity.
 */
export function negotiateCoding(acceptEncoding: string | null): ContentCoding | undefined {
  if (acceptEncoding === null || acceptEncoding.trim() === '') return undefined;
  const quality = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.split(';');
    const coding = normalize(name);
    if (coding === '') continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() === 'q') {
        const parsed = Number(value?.trim());
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    quality.set(coding, q);
  }
  for (const coding of SUPPORTED_CODINGS) {
    const q = quality.get(coding) ?? quality.get('*');
    if (q !== undefined && q > 0) return coding;
  }
  return undefined;
}

/**
 * The coding a request body was sent with: `identity` when there is none, a supported coding, or `undefined`
 * when it is one this package cannot decode (several stacked codings included).
 */
export function requestCoding(contentEncoding: string | null): ContentCoding | 'identity' | undefined {
  if (contentEncoding === null) return 'identity';
  const codings = contentEncoding
    .split(',')
    .map(normalize)
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return 'identity';
  if (codings.length > 1) return undefined;
  const [coding] = codings;
  return SUPPORTED_CODINGS.find((supported) => supported === coding);
}

/** Compresses bytes with one coding. */
export async function compressBytes(
  bytes: Uint8Array,
  coding: ContentCoding,
): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream(coding));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A stream of the decoded bytes of a body sent with `coding`. */
export function decodingStream(
  body: ReadableStream<Uint8Array>,
  coding: ContentCoding,
): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new DecompressionStream(coding) as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
}
