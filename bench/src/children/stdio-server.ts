/**
 * Child process body: serves one SDK's server over this process's stdio.
 * The harness bundles it per SDK (see children.ts); argv: <toolCount> [probe].
 */
import type { SdkAdapter } from '../sdks/types.ts';
import { isUnavailable } from '../sdks/types.ts';

/** Serves `adapter`'s stdio server; exits with code 2 and the reason when the SDK cannot serve yet. */
export async function runStdioChild(adapter: SdkAdapter, argv: readonly string[]): Promise<void> {
  const [toolCountArgument, probeArgument] = argv;
  const outcome = await adapter.serveStdio({
    toolCount: Number(toolCountArgument ?? '1'),
    memoryProbe: probeArgument === 'probe',
  });
  if (isUnavailable(outcome)) {
    process.stderr.write(`${outcome.unavailable}\n`);
    process.exit(2);
  }
}
