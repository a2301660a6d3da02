#!/usr/bin/env node
// The package's `install` script: builds the libtorch addon from the libtorch on this machine (native/build.mjs).
// Without libtorch the install still succeeds (the simulator, data tools and plots need no addon) and says how to
// get the engine; `lensfind info`, `train` and `predict` then name the same fix.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
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
