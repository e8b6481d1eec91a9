// A server that will not leave politely: it ignores the end of its stdin, and with --ignore-sigterm
// also SIGTERM. It reports each step on stderr so a test can check the order of the shutdown escalation.
// With --close-stdout it closes its stdout right after saying it is ready, and keeps running.
import { closeSync, writeSync } from 'node:fs';

const ignoreSigterm = process.argv.includes('--ignore-sigterm');
const closeStdout = process.argv.includes('--close-stdout');

process.stdin.on('data', () => {});
process.stdin.on('end', () => process.stderr.write('stdin ended\n'));
if (ignoreSigterm) process.on('SIGTERM', () => process.stderr.write('got SIGTERM, staying\n'));
setInterval(() => {}, 60_000);
const ready = `${JSON.stringify({ jsonrpc: '2.0', method: 'ready' })}\n`;
if (closeStdout) {
  writeSync(1, ready);
  closeSync(1);
} else {
  process.stdout.write(ready);
}
