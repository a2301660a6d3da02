// Fresh simulations in the batch loader (data.sim): what each epoch renders, and that it is the same for any number
// of worker threads and for a pass that starts mid-epoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchLoader, openDataset, type Batch } from '../../src/data/index.js';
import { augmentImage } from '../../src/data/augment.js';
import { applyNormalization, type NormalizationParams } from '../../src/data/normalize.js';
import { simEpochItems, simSeeds, type SimStream } from '../../src/data/sim-stream.js';
import { loadSimulateConfig } from '../../src/sim/dataset/load-config.js';
import { loadSurvey, renderCutout } from '../../src/sim/render.js';
import { writeToyDeepLense } from '../train/toy-data.js';

const PER_EPOCH = 24;
const config = loadSimulateConfig({
  preset: 'lsst',
  flags: { seed: 1234, image_size: 16, balance: 0.25 },
});
const stream: SimStream = { config, perEpoch: PER_EPOCH };
// The loader's dataset (validation data) must have the stream's shape: 3 bands, 16x16.
const toy = await openDataset(writeToyDeepLense({ perClass: 4, seed: 1 }), {});
const norm: NormalizationParams = {
  kind: 'asinh-robust',
  scope: 'dataset',
  softening: 1,
  bands: 3,
  center: [0.01, 0.02, 0.03],
  scale: [0.5, 0.4, 0.3],
};
const augmentation = { flip: true, rot90: true, rotate: 0, shift: 0, noise: 0, brightness: 0 };

async function epochBatches(
  workers: number,
  epoch: number,
  o: { augment?: boolean; startBatch?: number; batchSize?: number } = {},
): Promise<Batch[]> {
  const loader = new BatchLoader(toy, {
    normalization: norm,
    augmentation,
    seed: 5,
    workers,
    prefetch: 2,
    sim: stream,
  });
  const out: Batch[] = [];
  try {
    for await (const b of loader.simEpoch(epoch, {
      batchSize: o.batchSize ?? 8,
      augment: o.augment ?? true,
      startBatch: o.startBatch,
      dropLast: true,
    }))
      out.push(b);
  } finally {
    await loader.close();
  }
  return out;
}

const bytes = (b: Batch) => Buffer.from(b.x.buffer, b.x.byteOffset, b.x.byteLength);

test('the items of an epoch: simulation indices e * n + p, exactly balance * n lenses, new positions every epoch', () => {
  const e0 = simEpochItems(stream, 0);
  const e3 = simEpochItems(stream, 3);
  assert.deepEqual(
    e3.map((it) => it.index),
    Array.from({ length: PER_EPOCH }, (_, p) => 3 * PER_EPOCH + p),
  );
  assert.deepEqual(
    e3.slice(0, 2).map((it) => it.id),
    ['000072', '000073'],
  );
  for (const e of [e0, e3]) assert.equal(e.filter((it) => it.label === 1).length, 6);
  assert.notDeepEqual(
    e0.map((it) => it.label),
    e3.map((it) => it.label),
  );
  // A pure function of (seed, epoch).
  assert.deepEqual(simEpochItems({ config: { ...config }, perEpoch: PER_EPOCH }, 3), e3);

  const seeds = simSeeds(0);
  assert.deepEqual(simSeeds(0), seeds);
  assert.notEqual(seeds.train, seeds.val);
  assert.notEqual(simSeeds(1).train, seeds.train);
  assert.ok(Number.isSafeInteger(seeds.train) && seeds.train >= 0);
});

test('a rendered batch holds renderCutout(scene, survey, {seed, index, label}) of its items, normalised', async () => {
  const [first] = await epochBatches(0, 2, { augment: false });
  const plan = simEpochItems(stream, 2);
  assert.deepEqual(first.shape, [8, 3, 16, 16]);
  assert.deepEqual(
    first.indices,
    plan.slice(0, 8).map((it) => it.index),
  );
  assert.deepEqual(
    first.ids,
    plan.slice(0, 8).map((it) => it.id),
  );
  assert.deepEqual(
    Array.from(first.y),
    plan.slice(0, 8).map((it) => it.label),
  );
  const survey = loadSurvey('lsst');
  const per = 3 * 16 * 16;
  for (let k = 0; k < 8; k++) {
    const cut = renderCutout(config.scene, survey, {
      seed: 1234,
      index: plan[k].index,
      label: plan[k].label,
      size: 16,
      bands: ['g', 'r', 'i'],
    });
    assert.equal(cut.meta.label, plan[k].label);
    const expected = applyNormalization(norm, cut.image);
    assert.deepEqual(first.x.subarray(k * per, (k + 1) * per), expected, `item ${k}`);
  }
  // Augmented: flips and quarter turns drawn from (loader seed, epoch, position), as for stored data.
  const [aug] = await epochBatches(0, 2);
  for (const k of [0, 5]) {
    const raw = renderCutout(config.scene, survey, {
      seed: 1234,
      index: plan[k].index,
      label: plan[k].label,
      size: 16,
    }).image;
    const expected = augmentImage(raw, toy, augmentation, (img) => applyNormalization(norm, img), 5, 2, k);
    assert.deepEqual(aug.x.subarray(k * per, (k + 1) * per), expected);
  }
  assert.notDeepEqual(bytes(aug), bytes(first), 'augmentation changed the batch');
});

test('the same batches with 0, 1 and 2 worker threads; another epoch renders other cutouts', async () => {
  const main = await epochBatches(0, 1);
  assert.equal(main.length, 3);
  for (const workers of [1, 2]) {
    const other = await epochBatches(workers, 1);
    assert.equal(other.length, main.length);
    other.forEach((b, j) => {
      assert.deepEqual(b.indices, main[j].indices);
      assert.deepEqual(b.y, main[j].y);
      assert.ok(bytes(b).equals(bytes(main[j])), `batch ${j} with ${workers} workers`);
    });
  }
  const next = await epochBatches(1, 2);
  const seen = new Set(main.flatMap((b) => b.indices));
  assert.ok(
    next.every((b) => b.indices.every((i) => !seen.has(i))),
    'no cutout of epoch 1 again in epoch 2',
  );
  for (let j = 0; j < main.length; j++) assert.ok(!bytes(next[j]).equals(bytes(main[j])));
});

test('a pass that starts at batch k renders exactly batches k.. of the full epoch', async () => {
  const full = await epochBatches(1, 4, { batchSize: 5 });
  assert.deepEqual(
    full.map((b) => b.batchIndex),
    [0, 1, 2, 3],
  );
  const tail = await epochBatches(1, 4, { batchSize: 5, startBatch: 2 });
  assert.deepEqual(
    tail.map((b) => b.batchIndex),
    [2, 3],
  );
  tail.forEach((b, j) => {
    assert.deepEqual(b.indices, full[j + 2].indices);
    assert.ok(bytes(b).equals(bytes(full[j + 2])));
  });
});

test('simEpoch on a loader without a simulation stream is refused', async () => {
  const loader = new BatchLoader(toy, { normalization: norm, seed: 0, workers: 0, prefetch: 1 });
  await assert.rejects(async () => {
    for await (const _ of loader.simEpoch(0, { batchSize: 4, augment: false })) break;
  }, /loader\.simEpoch: the loader has no simulation stream/);
  await loader.close();
});
