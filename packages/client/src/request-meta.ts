/**
 * How a request's params look in each era. Every outgoing request goes through {@link buildRequestParams},
 * so era rules (and later HTTP header hints) live in one place.
 */
import { type ClientCapabilities, type Implementation, MetaKey } from '@pmcp/types';

/**
 * A JSON object, as tool arguments, params and results are on the wire.
 *
 * @example
 * ```ts
 * import { createClient, type JsonObject } from '@pmcp/client';
 * const args: JsonObject = { city: 'Paris', days: 3 };
 * await client.callTool('forecast', args);
 * ```
 */
export type JsonObject = Record<string, unknown>;

/** Who the client is, as it tells the server on every modern request and in `initialize`. */
export interface ClientIdentity {
  clientInfo: Implementation;
  capabilities: ClientCapabilities;
}

/** The era and version requests are built for. */
export interface RequestShape {
  era: 'modern' | 'legacy';
  protocolVersion: string;
}

/**
 * Modern requests carry version, capabilities and identity in `params._meta` because the server keeps no
 * state between requests; caller `_meta` keys (progressToken, trace context) are kept, reserved keys are ours.
 */
export function buildRequestParams(
  shape: RequestShape,
  identity: ClientIdentity,
  params: JsonObject | undefined,
): JsonObject {
  const base = params ?? {};
  if (shape.era === 'legacy') return base;
  const callerMeta = isJsonObject(base._meta) ? base._meta : {};
  return {
    ...base,
    _meta: {
      ...callerMeta,
      [MetaKey.ProtocolVersion]: shape.protocolVersion,
      [MetaKey.ClientCapabilities]: identity.capabilities,
      [MetaKey.ClientInfo]: identity.clientInfo,
    },
  };
}

/** A plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
