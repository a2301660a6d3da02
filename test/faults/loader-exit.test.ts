// The data loader's worker threads never keep a process from ending: a loader left open, or closed after a long
// synchronous step (a training step) while results were still queued, used to hang or exit with code 13.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeToyDeepLense } from '../train/toy-data.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const data = writeToyDeepLense({ perClass: 16, seed: 3 });

/** Runs `body` in a fresh Node process with a one-worker loader `loader` over `data`; a hang fails after 30 s. */
function runWithLoader(body: string): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-loader-'));
  const script = path.join(dir, 'main.mts');
  const src = (f: string) => JSON.stringify(pathToFileURL(path.join(ROOT, 'src/data', f)).href);
  writeFileSync(
    script,
    `import { openDataset } from ${src('open.ts')};
import { BatchLoader } from ${src('loader.ts')};
const dataset = await openDataset(${JSON.stringify(data)}, {});
const loader = new BatchLoader(dataset, { normalization: { kind: 'per-image' }, seed: 0, workers: 1, prefetch: 4 });
const epoch = loader.epoch(dataset.items.map((_, i) => i), { epoch: 0, batchSize: 4, sampler: 'shuffle', augment: true });
${body}
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit within 30 s (hung)\n${output}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('a loader never closed does not keep the process alive', async () => {
  // An error between making the loader and training (bad --init-weights) left the process hanging.
  const r = await runWithLoader(`console.log('made', typeof epoch.next);`);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /^made function$/m);
});

test('closing after a long synchronous step, with results queued meanwhile, returns (no exit 13)', async () => {
  const r = await runWithLoader(`
try {
  for await (const b of epoch) {
    const until = Date.now() + 1500;
    while (Date.now() < until); // the workers finish the prefetched batches; their results wait in the queue
    throw new Error('diverged');
  }
} catch (err) {
  console.log('caught', err.message);
} finally {
  await loader.close();
  console.log('closed');
}`);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /caught diverged\nclosed/);
});
