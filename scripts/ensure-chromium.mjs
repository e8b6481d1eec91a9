// The browser tests drive Debian's chromium through playwright-core (never a test tool's own browser download).
// Installs it with apt-get when missing and this user may; otherwise says exactly what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.PMCP_CHROMIUM_PATH ?? '/usr/bin/chromium';

export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return { ok: true, path: CHROMIUM_PATH };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (isRoot && hasApt) {
    console.log(
      'chromium not found: installing Debian package "chromium" with apt-get (browser tests need it)',
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env,
    });
    if (existsSync(CHROMIUM_PATH)) return { ok: true, path: CHROMIUM_PATH };
  }
  return {
    ok: false,
    reason: `chromium is not installed at ${CHROMIUM_PATH}: install it (Debian/Ubuntu: sudo apt-get install chromium) or set PMCP_CHROMIUM_PATH`,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = ensureChromium();
  if (!result.ok) {
    console.error(result.reason);
    process.exit(1);
  }
  console.log(`chromium: ${result.path}`);
}
