import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epochOrder, type Batch, type EpochOptions, type SkippedItem } from '../../src/data/index.js';
import { fixtureEpoch } from '../helpers/fixture-epoch.js';

/** Every batch of one training epoch from `startBatch` on, and the files skipped on the way. */
async function collect(
  workers: number,
  o: Pick<EpochOptions, 'batchSize' | 'dropLast' | 'startBatch'>,
): Promise<{ batches: Batch[]; skipped: SkippedItem[]; order: number[] }> {
  // the bad items reach the loader: batch numbering must count them too
  const { batches, skipped, ds, train } = await fixtureEpoch(
    workers,
    { seed: 7, prefetch: 1 },
    { epoch: 3, ...o },
  );
  const labels = train.map((i) => ds.items[i].label);
  return { batches, skipped, order: epochOrder(train, labels, { kind: 'shuffle', seed: 7, epoch: 3 }) };
}

for (const workers of [0, 1]) {
  test(`startBatch=k gives exactly batches k.. of the full epoch (${workers} workers)`, async () => {
    for (const batchSize of [2, 3]) {
      const full = await collect(workers, { batchSize });
      const nBatches = Math.ceil(8 / batchSize); // 8 training items, 3 of them bad
      assert.deepEqual(
        full.batches.map((b) => b.batchIndex),
        [...Array(nBatches).keys()].filter((k) => full.batches.some((b) => b.batchIndex === k)),
      );
      assert.equal(full.skipped.length, 3);
      // The full epoch follows the sampler's order, bad items dropped from their batch.
      full.batches.forEach((b) => {
        const chunk = full.order.slice(b.batchIndex * batchSize, (b.batchIndex + 1) * batchSize);
        assert.deepEqual(
          b.indices,
          chunk.filter((i) => b.indices.includes(i)),
        );
        assert.ok(b.indices.length > 0);
      });
      for (let k = 0; k <= nBatches; k++) {
        const part = await collect(workers, { batchSize, startBatch: k });
        const expected = full.batches.filter((b) => b.batchIndex >= k);
        assert.equal(part.batches.length, expected.length, `batchSize ${batchSize}, startBatch ${k}`);
        part.batches.forEach((b, j) => {
          const e = expected[j];
          assert.equal(b.batchIndex, e.batchIndex);
          assert.deepEqual(b.indices, e.indices);
          assert.deepEqual(b.ids, e.ids);
          assert.deepEqual(b.shape, e.shape);
          assert.deepEqual(Buffer.from(b.y.buffer), Buffer.from(e.y.buffer));
          assert.deepEqual(Buffer.from(b.x.buffer), Buffer.from(e.x.buffer));
        });
        // The earlier batches were not read: only the bad files of batches k.. are reported.
        const good = new Set(full.batches.flatMap((b) => b.indices));
        const badLater = full.order.slice(k * batchSize).filter((i) => !good.has(i));
        assert.equal(part.skipped.length, badLater.length, `skips from batch ${k}`);
        assert.deepEqual(part.skipped, full.skipped.slice(full.skipped.length - badLater.length));
      }
    }
  });
}

test('startBatch with dropLast drops the same last batch; a negative start is refused', async () => {
  const full = await collect(0, { batchSize: 3, dropLast: true });
  const part = await collect(0, { batchSize: 3, dropLast: true, startBatch: 1 });
  assert.ok(full.batches.every((b) => b.batchIndex < 2));
  assert.deepEqual(
    part.batches.map((b) => [b.batchIndex, ...b.indices]),
    full.batches.filter((b) => b.batchIndex >= 1).map((b) => [b.batchIndex, ...b.indices]),
  );
  await assert.rejects(collect(0, { batchSize: 3, startBatch: -1 }), /startBatch must be a non-negative/);
});
