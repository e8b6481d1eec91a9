#!/usr/bin/env node
// The CLI is TypeScript run from source, and the "@pmcp/source" export condition (which points every @pmcp/*
// import at src/*.ts) can only be set when Node starts; so this launcher starts Node again with it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const child = spawn(process.execPath, ['--conditions=@pmcp/source', cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write(`mcp-tester: could not start Node (${error.message})\n`);
  process.exitCode = 2;
});
child.on('exit', (code) => {
  process.exitCode = code ?? 1;
});
