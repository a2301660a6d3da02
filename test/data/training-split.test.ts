// Training (TrainingData.prepare) and the data pipeline (createDataPipeline) open, split and fit through the same
// steps (data/training-split.ts): they give the same splits and statistics, and refuse an empty training split
// with the same message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDataPipeline, dataConfigSchema } from '../../src/data/index.js';
import { trainConfigSchema } from '../../src/train/schema.js';
import { TrainingData } from '../../src/train/training-data.js';
import { createDeferredLogger } from '../../src/log/logger.js';

const fixture = path.join(import.meta.dirname, '../fixtures/data/lensfind');

/** A copy of the lensfind fixture whose manifest rows of split `from` are moved to split `to`. */
function datasetWithout(from: string, to: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-split-'));
  cpSync(fixture, dir, { recursive: true });
  const manifest = path.join(dir, 'manifest.csv');
  const rows = readFileSync(manifest, 'utf8').replaceAll(`,${from},`, `,${to},`);
  writeFileSync(manifest, rows);
  return dir;
}

const quiet = () => createDeferredLogger({ console: false });

test('an empty training split: the same clear error from training and from the pipeline', async (t) => {
  const dir = datasetWithout('train', 'val');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const message = `${dir}: no training items (split 'train' is empty); the normalisation and pos_weight are fitted on them`;
  const data = { path: dir, workers: 0, pos_weight: 'auto' as const };
  await assert.rejects(createDataPipeline(dataConfigSchema.parse(data), { seed: 1 }), {
    code: 'E_DATA',
    message,
  });
  const config = trainConfigSchema.parse({ data, model: { name: 'lensnet' } });
  await assert.rejects(TrainingData.prepare(config, null, quiet()), { code: 'E_DATA', message });
});

test('the same splits, normalisation and pos_weight from training and from the pipeline', async () => {
  const data = { path: fixture, workers: 0, pos_weight: 'auto' as const };
  const p = await createDataPipeline(dataConfigSchema.parse(data), { seed: 5 });
  await p.close();
  const config = trainConfigSchema.parse({ seed: 5, data, model: { name: 'lensnet' } });
  const td = await TrainingData.prepare(config, null, quiet());
  await td.close();
  assert.deepEqual(td.trainIdx, p.train);
  assert.deepEqual(td.valIdx, p.val);
  assert.deepEqual(td.normalization, p.normalization);
  assert.equal(td.posWeight, p.posWeight);
  // the fixture's usable train items: lenses sim-000, sim-single; non-lenses sim-001, sim-004, sim-fits
  // (sim-006 holds a NaN and is skipped)
  assert.deepEqual(
    p.train.map((i) => p.dataset.items[i].id),
    ['sim-000', 'sim-001', 'sim-004', 'sim-single', 'sim-fits'],
  );
  assert.equal(p.posWeight, 3 / 2);
});
