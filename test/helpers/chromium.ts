import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium for the browser tests (no browser download): installed with apt-get when missing and this
 * process is root; otherwise the reason the tests skip.
 */
export function ensureChromium(): string | null {
  if (existsSync(CHROMIUM)) return null;
  if (process.getuid?.() !== 0) return `${CHROMIUM} is missing: run 'apt-get install -y chromium' as root`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { stdio: 'inherit' as const, env };
  spawnSync('apt-get', ['update', '-q'], opts);
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-q', 'chromium'], opts);
  return r.status === 0 && existsSync(CHROMIUM) ? null : `apt-get install chromium failed (exit ${r.status})`;
}
