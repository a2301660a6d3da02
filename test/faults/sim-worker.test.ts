// Failures of the data workers that render fresh simulations (`train --sim`): an error while rendering keeps its
// class (a ConfigError stays one, so the CLI exits 2 naming the key); a worker that stops mid-epoch ends the run
// with a message and summary.json `status: "failed"`, never a hang or a silent exit 13.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deepMerge } from '../../src/config/load.js';
import { BatchLoader, openDataset, type Batch } from '../../src/data/index.js';
import { ConfigError } from '../../src/errors.js';
import { loadSimulateConfig } from '../../src/sim/dataset/load-config.js';
import { trainConfigSchema } from '../../src/train/schema.js';
import { train } from '../../src/train/trainer.js';
import { writeToyDeepLense } from '../train/toy-data.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-simworker-'));
const toy = writeToyDeepLense({ perClass: 8, seed: 2 });

test('a rendering error in a worker rejects the epoch with its class and message, as on the main thread', async () => {
  // A survey file that is gone by the time the worker loads it (the main thread never looked at it here).
  const gone = path.join(dir, 'gone.yaml');
  const config = {
    ...loadSimulateConfig({ preset: 'lsst', flags: { seed: 1, image_size: 16 } }),
    survey: gone,
  };
  const dataset = await openDataset(toy, {});
  const errors: unknown[] = [];
  for (const workers of [1, 0]) {
    const loader = new BatchLoader(dataset, {
      normalization: { kind: 'per-image', scope: 'image', softening: 1, bands: 3, center: [], scale: [] },
      seed: 0,
      workers,
      prefetch: 2,
      sim: { config, perEpoch: 16 },
    });
    const seen: Batch[] = [];
    try {
      for await (const b of loader.simEpoch(0, { batchSize: 8, augment: false })) seen.push(b);
    } catch (err) {
      errors.push(err);
    } finally {
      await loader.close();
    }
    assert.equal(seen.length, 0);
  }
  assert.equal(errors.length, 2);
  for (const e of errors) {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.field, 'survey');
    assert.match(e.message, new RegExp(`^unknown survey '${gone}': no file`));
  }
});

test('a data worker that stops mid-epoch: train() rejects naming it, summary.json says failed, no lock left', async () => {
  const simFile = path.join(dir, 'tiny.yaml');
  writeFileSync(simFile, 'survey: lsst\nbands: [g, r, i]\nimage_size: 16\n');
  const runs = path.join(dir, 'runs');
  const config = trainConfigSchema.parse(
    deepMerge(
      {
        seed: 3,
        epochs: 2,
        batch_size: 8,
        threads: 1,
        data: { path: toy, val_fraction: 0.25, sim: { config: simFile, n_per_epoch: 32 }, workers: 1 },
        model: { name: 'lensnet', channels: [4, 8] },
        run: { dir: runs, name: 'stopped', tensorboard: false },
      },
      {},
    ),
  );
  // The fault: after the first batch of the epoch, the loader's worker thread is terminated under it.
  const original = BatchLoader.prototype.simEpoch;
  BatchLoader.prototype.simEpoch = async function* (this: BatchLoader, ...args: Parameters<typeof original>) {
    for await (const b of original.apply(this, args)) {
      yield b;
      await (this as unknown as { pool: { workers: Worker[] } }).pool.workers[0].terminate();
    }
  };
  try {
    await assert.rejects(
      () => train(config, { console: false }),
      /^Error: data worker 0 stopped \(exit code 1\) while it was still needed$/,
    );
  } finally {
    BatchLoader.prototype.simEpoch = original;
  }
  const run = path.join(runs, 'stopped');
  const summary = JSON.parse(readFileSync(path.join(run, 'summary.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(summary.status, 'failed');
  assert.match((summary.error as { message: string }).message, /data worker 0 stopped/);
  assert.ok(!existsSync(path.join(run, 'train.lock')));
  assert.match(readFileSync(path.join(run, 'train.log'), 'utf8'), /failed: data worker 0 stopped/);
  assert.ok(readdirSync(run).includes('sim.yaml'));
});
