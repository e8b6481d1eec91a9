/** Random identifiers from the platform CSPRNG (`crypto.getRandomValues`, in every runtime the handler supports). */

/** `bytes` random bytes as lowercase hex: visible ASCII, safe in headers, URLs and SSE ids. */
export function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let text = '';
  for (const byte of buffer) text += byte.toString(16).padStart(2, '0');
  return text;
}

/** A session id: 128 random bits, unguessable like a v4 UUID (which has 122). */
export function newSessionId(): string {
  return randomHex(16);
}
