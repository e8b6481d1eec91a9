import { createNdjsonDecoder, type FrameDecoder, type FrameDecoderFactory } from '@pmcp/jsonrpc';

/** Builds the frame decoder both transports read with: the given factory (or NDJSON) with the size limit. */
export function createFrameDecoder(
  factory: FrameDecoderFactory | undefined,
  maxMessageBytes: number | undefined,
): FrameDecoder {
  if (maxMessageBytes !== undefined && !(Number.isSafeInteger(maxMessageBytes) && maxMessageBytes > 0)) {
    throw new RangeError(
      `maxMessageBytes must be a positive integer (bytes); got ${String(maxMessageBytes)}.`,
    );
  }
  const create = factory ?? createNdjsonDecoder;
  return create(maxMessageBytes === undefined ? {} : { maxMessageBytes });
}
