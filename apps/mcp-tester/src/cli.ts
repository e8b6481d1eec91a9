/**
 * The `mcp-tester` executable: binds {@link run} to this process. Start it with the source condition, e.g.
 * `node --conditions=@pmcp/source apps/mcp-tester/src/cli.ts test http://127.0.0.1:3000/mcp --json`
 * (bin/mcp-tester.js does that for you).
 */
import { run } from './run.ts';

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
