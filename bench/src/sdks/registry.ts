/**
 * SDK id → adapter, loaded on demand so a child process serving one SDK loads none of the others.
 */
import type { SdkId } from '../types.ts';
import type { SdkAdapter } from './types.ts';

/** The adapter of `id`. */
export async function loadAdapter(id: SdkId): Promise<SdkAdapter> {
  switch (id) {
    case 'floor':
      return (await import('./floor.ts')).floorAdapter;
    case 'pmcp':
      return (await import('./pmcp.ts')).pmcpAdapter;
    case 'official-v1':
      return (await import('./official-v1.ts')).officialV1Adapter;
    case 'official-v2':
      return (await import('./official-v2.ts')).officialV2Adapter;
  }
}

/** Parses an SDK id from a command line, or throws saying which ones exist. */
export function parseSdkId(value: string | undefined): SdkId {
  if (value === 'floor' || value === 'pmcp' || value === 'official-v1' || value === 'official-v2')
    return value;
  throw new Error(`unknown SDK "${value}"; expected one of floor, pmcp, official-v1, official-v2`);
}
