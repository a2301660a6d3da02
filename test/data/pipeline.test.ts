import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createDataPipeline, dataConfigSchema } from '../../src/data/index.js';

const root = path.join(import.meta.dirname, '../fixtures/data');

test('pipeline from the data config: splits, posWeight auto, stored normalisation reproduces eval batches', async () => {
  const cfg = dataConfigSchema.parse({
    path: path.join(root, 'stack/stack.npz'),
    val_fraction: 0.2,
    pos_weight: 'auto',
    sampler: 'balanced',
    workers: 0,
    augmentation: { rotate: 5, noise: 0.1 },
  });
  const p = await createDataPipeline(cfg, { seed: 3 });
  assert.equal(p.train.length + p.val.length, 10);
  assert.equal(p.val.length, 2); // round(0.2 * 3) = 1 lens, round(0.2 * 7) = 1 non-lens
  const trainLabels = p.train.map((i) => p.dataset.items[i].label);
  assert.equal(
    p.posWeight,
    trainLabels.filter((l) => l === 0).length / trainLabels.filter((l) => l === 1).length,
  );
  let n = 0;
  for await (const b of p.trainBatches(0, 4)) n += b.shape[0];
  assert.equal(n, p.train.length);
  const first: Float32Array[] = [];
  for await (const b of p.evalBatches(p.val, 8)) first.push(b.x);
  await p.close();
  // Evaluate later from the stored parameters (as JSON): the same batches.
  const again = await createDataPipeline(cfg, {
    seed: 3,
    normalization: JSON.parse(JSON.stringify(p.normalization)),
  });
  const second: Float32Array[] = [];
  for await (const b of again.evalBatches(again.val, 8)) second.push(b.x);
  await again.close();
  assert.deepEqual(second, first);
  await assert.rejects(createDataPipeline(dataConfigSchema.parse({}), { seed: 0 }), /data\.path is not set/);
});
