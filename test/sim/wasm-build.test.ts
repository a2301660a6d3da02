import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The simulator's kernels are committed as a .wasm so the simulator needs no build step; this keeps the binary
// honest: compiling wasm/sim/kernels.ts with the pinned AssemblyScript gives the committed bytes.
test('src/sim/wasm/sim-kernels.wasm is what `npm run build:wasm` makes of wasm/sim/kernels.ts', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-wasm-'));
  try {
    const out = path.join(dir, 'sim-kernels.wasm');
    const asc = path.resolve('node_modules/assemblyscript/bin/asc.js');
    execFileSync(process.execPath, [asc, '--config', 'wasm/sim/asconfig.json', '--outFile', out], {
      stdio: 'pipe',
    });
    const built = readFileSync(out);
    const committed = readFileSync('src/sim/wasm/sim-kernels.wasm');
    assert.ok(
      built.equals(committed),
      'src/sim/wasm/sim-kernels.wasm is stale: run `npm run build:wasm` and commit the result',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
