import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  BatchLoader,
  fitNormalization,
  openDataset,
  type Batch,
  type SkippedItem,
} from '../../src/data/index.js';
import { fixtureEpoch } from '../helpers/fixture-epoch.js';

const root = path.join(import.meta.dirname, '../fixtures/data');

async function collect(
  workers: number,
  epoch: number,
): Promise<{ batches: Batch[]; skipped: SkippedItem[] }> {
  // the NaN item reaches the loader, which must skip it
  const { batches, skipped } = await fixtureEpoch(
    workers,
    { seed: 42, prefetch: 2 },
    { epoch, batchSize: 3 },
  );
  return { batches, skipped };
}

test('batches are identical with 0, 1 and 2 workers; bad files are skipped and reported', async () => {
  const a = await collect(0, 1);
  const b = await collect(1, 1);
  const c = await collect(2, 1);
  for (const other of [b, c]) {
    assert.equal(other.batches.length, a.batches.length);
    other.batches.forEach((bt, k) => {
      assert.deepEqual(bt.ids, a.batches[k].ids);
      assert.deepEqual(bt.y, a.batches[k].y);
      assert.deepEqual(bt.x, a.batches[k].x);
    });
    assert.deepEqual(other.skipped.map((s) => s.source).sort(), a.skipped.map((s) => s.source).sort());
  }
  // The train split holds the NaN item, the 6x6 file and the missing file besides five good cutouts.
  const sources = a.skipped.map((s) => path.basename(s.source)).sort();
  assert.deepEqual(sources, ['missing.npy', 'shard-00001.npy#2', 'small.npy']);
  const ids = a.batches.flatMap((bt) => bt.ids).sort();
  assert.deepEqual(ids, ['sim-000', 'sim-001', 'sim-004', 'sim-fits', 'sim-single']);
  for (const bt of a.batches) {
    assert.deepEqual(bt.shape.slice(1), [2, 8, 8]);
    assert.equal(bt.x.length, bt.shape[0] * 2 * 8 * 8);
    assert.equal(bt.y.length, bt.shape[0]);
    assert.ok(bt.x.every(Number.isFinite));
  }
});

test('another epoch gives another order and other augmentations', async () => {
  const a = await collect(0, 1);
  const b = await collect(0, 2);
  assert.notDeepEqual(
    a.batches.map((bt) => bt.x),
    b.batches.map((bt) => bt.x),
  );
});

test('without augmentation a batch holds exactly the normalised images', async () => {
  const ds = await openDataset(path.join(root, 'stack/stack.npy'), { valFraction: 0 });
  const normalization = await fitNormalization(ds, [0, 1, 2, 3], { kind: 'per-image' });
  const loader = new BatchLoader(ds, { normalization, seed: 1, workers: 1, prefetch: 1 });
  const got: Batch[] = [];
  for await (const b of loader.epoch([0, 1, 2, 3, 4], {
    epoch: 0,
    batchSize: 2,
    sampler: 'none',
    augment: false,
  }))
    got.push(b);
  await loader.close();
  assert.deepEqual(
    got.map((b) => b.indices),
    [[0, 1], [2, 3], [4]],
  );
  const img = await ds.load(3);
  const plane = 64;
  let m = 0;
  for (let i = 0; i < plane; i++) m += img[i];
  m /= plane;
  let v = 0;
  for (let i = 0; i < plane; i++) v += (img[i] - m) ** 2;
  const sd = Math.sqrt(v / plane);
  assert.ok(Math.abs(got[1].x[2 * plane * 1 + 5] - (img[5] - m) / sd) < 1e-5);
});
