/**
 * Starting the child processes scenarios measure: stdio servers (spawned by each SDK's own client) and
 * HTTP servers (spawned here, one per SDK, so client and server run on different cores).
 *
 * Children run as plain JavaScript: the bench's own TypeScript (adapter, child body) is bundled per SDK
 * into bench/.bundles/ with every package left external, so a child loads its SDK from node_modules exactly
 * as a user's server would and pays nothing for TypeScript at run time. pmcp is the exception when it runs
 * from source: its packages are compiled into the child bundle (through the "@pmcp/source" condition), the
 * moral equivalent of its dist, so that neither cold start nor memory includes Node's type stripping.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildCommand, HttpMode } from './sdks/types.ts';
import { SDK_IDS, type SdkId } from './types.ts';
import type { MemoryReading } from './workload.ts';

type ChildScript = 'stdio-server' | 'http-server';

const ADAPTER_MODULES: Record<SdkId, { file: string; name: string }> = {
  floor: { file: 'floor.ts', name: 'floorAdapter' },
  pmcp: { file: 'pmcp.ts', name: 'pmcpAdapter' },
  'official-v1': { file: 'official-v1.ts', name: 'officialV1Adapter' },
  'official-v2': { file: 'official-v2.ts', name: 'officialV2Adapter' },
};

const bundleDirectory = fileURLToPath(new URL('../.bundles/', import.meta.url));
let bundlesBuilt = false;

/**
 * An esbuild plugin leaving every package external, except @pmcp/* when pmcp is compiled from source. The
 * packages pmcp itself imports are external too, by absolute path, since bench/ does not depend on them.
 */
function externalPackages(bundlePmcp: boolean): import('esbuild').Plugin {
  return {
    name: 'external-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (
          args.path.startsWith('node:') ||
          (args.pluginData as { resolving?: boolean } | undefined)?.resolving
        ) {
          return undefined;
        }
        if (bundlePmcp && args.path.startsWith('@pmcp/')) return undefined;
        if (bundlePmcp && args.importer.includes('/packages/')) {
          const resolved = await build.resolve(args.path, {
            resolveDir: args.resolveDir,
            kind: args.kind,
            pluginData: { resolving: true },
          });
          if (resolved.errors.length > 0) return { errors: resolved.errors };
          return { path: resolved.path, external: true };
        }
        return { path: args.path, external: true };
      });
    },
  };
}

/** Bundles every child (script × SDK) into bench/.bundles/. Call once before starting children. */
export async function buildChildBundles(): Promise<void> {
  if (bundlesBuilt) return;
  const { build } = await import('esbuild');
  const sourceDirectory = fileURLToPath(new URL('./children/', import.meta.url));
  mkdirSync(bundleDirectory, { recursive: true });
  const jobs: Promise<void>[] = [];
  for (const script of ['stdio-server', 'http-server'] as const) {
    for (const sdk of SDK_IDS) {
      const adapter = ADAPTER_MODULES[sdk];
      const run = script === 'stdio-server' ? 'runStdioChild' : 'runHttpChild';
      const outdir = `${bundleDirectory}${script}-${sdk}`;
      jobs.push(
        build({
          stdin: {
            contents:
              `import { ${adapter.name} } from '../sdks/${adapter.file}';\n` +
              `import { ${run} } from './${script}.ts';\n` +
              `await ${run}(${adapter.name}, process.argv.slice(2));\n`,
            resolveDir: sourceDirectory,
            loader: 'ts',
            sourcefile: `${script}-${sdk}.ts`,
          },
          bundle: true,
          // Split at dynamic imports, so a server child never loads (or even parses) client code.
          splitting: true,
          outdir,
          entryNames: 'main',
          plugins: [externalPackages(pmcpFromSource)],
          conditions: pmcpFromSource ? ['@pmcp/source'] : [],
          platform: 'node',
          format: 'esm',
          target: 'node22',
          write: false,
          logLevel: 'silent',
        }).then((result) => {
          mkdirSync(outdir, { recursive: true });
          for (const file of result.outputFiles) {
            // Written under a unique name and renamed, so two harnesses building at once never see half a file.
            const temporary = `${file.path}.${process.pid}.tmp`;
            writeFileSync(temporary, file.contents);
            renameSync(temporary, file.path);
          }
        }),
      );
    }
  }
  await Promise.all(jobs);
  bundlesBuilt = true;
}

let pmcpFromSource = true;

/** Whether children load pmcp from its TypeScript source (the default) or from each package's dist. */
export function setPmcpFromSource(fromSource: boolean): void {
  pmcpFromSource = fromSource;
}

/** How pmcp is loaded, for the report. */
export function pmcpBuild(): 'source' | 'dist' {
  return pmcpFromSource ? 'source' : 'dist';
}

/** The command line of a child of `sdk`. */
export function childCommand(script: ChildScript, sdk: SdkId, args: readonly string[]): ChildCommand {
  if (!bundlesBuilt) throw new Error('children are not bundled yet: await buildChildBundles() first');
  return {
    command: process.execPath,
    args: ['--expose-gc', `${bundleDirectory}${script}-${sdk}/main.js`, ...args],
  };
}

/** The stdio server child of `sdk` with `toolCount` tools. */
export function stdioServerCommand(sdk: SdkId, toolCount: number, memoryProbe = false): ChildCommand {
  return childCommand('stdio-server', sdk, [String(toolCount), ...(memoryProbe ? ['probe'] : [])]);
}

/** A running HTTP server child. */
export interface HttpChild {
  url: string;
  memory(): Promise<MemoryReading>;
  close(): Promise<void>;
}

/** Starts the HTTP server child of `sdk`; resolves once it listens, or rejects with its reason. */
export async function startHttpChild(sdk: SdkId, mode: HttpMode, toolCount: number): Promise<HttpChild> {
  const { command, args } = childCommand('http-server', sdk, [mode, String(toolCount)]);
  const child: ChildProcess = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
      else reject(new Error(`HTTP child said "${line}"`));
    });
    child.once('exit', (code) => reject(new Error(`HTTP child exited with ${code}: ${stderr.trim()}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/mcp`,
    async memory() {
      return (await (await fetch(`${base}/__memory`)).json()) as MemoryReading;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
