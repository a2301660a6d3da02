#!/usr/bin/env node
// The package's `install` script: builds the libtorch addon from the libtorch on this machine (native/build.mjs).
// Without libtorch the install still succeeds (the simulator, data tools and plots need no addon) and says how to
// get the engine; `lensfind info`, `train` and `predict` then name the same fix.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** A digest of the addon's sources (binding.gyp and src/): two folders with equal digests build the same addon. */
function sourcesDigest(dir) {
  const hash = createHash('sha256');
  for (const f of [
    'binding.gyp',
    ...readdirSync(path.join(dir, 'src'))
      .sort()
      .map((n) => `src/${n}`),
  ]) {
    hash.update(f).update(readFileSync(path.join(dir, f)));
  }
  return hash.digest('hex');
}

// LENSFIND_NATIVE_FROM=<a checkout's native/ folder>: reuse its built addon when its sources are the same as this
// package's (a CI cache, or a second install on one machine); otherwise build as usual.
const from = process.env.LENSFIND_NATIVE_FROM;
if (from) {
  const built = path.join(from, 'build/Release/lensfind_torch.node');
  if (existsSync(built) && sourcesDigest(from) === sourcesDigest(here)) {
    mkdirSync(path.join(here, 'build/Release'), { recursive: true });
    copyFileSync(built, path.join(here, 'build/Release/lensfind_torch.node'));
    const info = path.join(from, 'build/libtorch.json');
    if (existsSync(info)) copyFileSync(info, path.join(here, 'build/libtorch.json'));
    console.log(`lensfind: reused the libtorch addon built in ${from} (same sources)`);
    process.exit(0);
  }
  console.log(`lensfind: ${from} has no addon built from these sources; building`);
}
if (process.env.LENSFIND_SKIP_NATIVE === '1') {
  console.log('lensfind: LENSFIND_SKIP_NATIVE=1, the libtorch addon is not built (train/predict need it)');
  process.exit(0);
}
if (!findLibtorch()) {
  console.warn(
    [
      'lensfind: no libtorch found, so the training/prediction engine is not built (simulate, data tools and plots work).',
      '  Install libtorch (Debian/Ubuntu: sudo apt-get install libtorch-dev g++ make python3, or set',
      '  LIBTORCH=/path/to/libtorch), then run: npm rebuild lensfind',
    ].join('\n'),
  );
  process.exit(0);
}
const status = spawnSync(process.execPath, [path.join(here, 'build.mjs')], { stdio: 'inherit' }).status;
if (status !== 0) {
  console.error(
    'lensfind: building the libtorch addon failed (see above); fix it, then run: npm rebuild lensfind',
  );
}
process.exit(status ?? 1);
