import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../src/io/csv.js';
import { calibrateRun, evaluateEnsemble, evaluateRun } from '../../src/eval/evaluate-run.js';
import { gatherScores } from '../../src/infer/score-stream.js';
import { openDataset } from '../../src/data/open.js';
import { splitIndices } from '../../src/data/split.js';
import { loadRun } from '../../src/infer/load-run.js';
import { fitTemperature } from '../../src/eval/temperature.js';
import { sigmoid } from '../../src/metrics/index.js';
import { tinyRun } from '../predict/tiny-run.js';

const fast = { bootstrap: 50, workers: 0, plots: false } as const;

test('ensemble of identical models equals the model; temperature is fitted, stored and applied', async (t) => {
  const { runDir, root } = await tinyRun('ens');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const single = await evaluateRun(runDir, fast);

  await t.test('mean, logit-mean and weighted ensembles of one model twice equal the model', async () => {
    for (const method of ['mean', 'logit-mean', 'weighted'] as const) {
      const out = path.join(root, `ens-${method}`);
      const ens = await evaluateEnsemble([runDir, runDir], {
        ...fast,
        out,
        method,
        weights: method === 'weighted' ? [1, 3] : undefined,
      });
      assert.deepEqual(ens.scores.ids, single.scores.ids);
      ens.scores.score.forEach((s, k) =>
        assert.ok(Math.abs(s - single.scores.score[k]) < 1e-12, `${method} item ${k}`),
      );
      assert.equal(ens.summary.rocAuc, single.summary.rocAuc);
      const rows = readCsv(path.join(out, 'predictions.csv'));
      assert.deepEqual(Object.keys(rows[0]).slice(0, 6), [
        'id',
        'label',
        'score',
        'logit',
        'score_ens-1',
        'score_ens-2',
      ]);
      const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8'));
      assert.equal(metrics.models.length, 2);
    }
  });

  await t.test(
    'calibrate fits T on the validation split, stores it, and evaluate applies sigmoid(logit / T)',
    async () => {
      const cal = await calibrateRun(runDir, { workers: 0 });
      assert.equal(cal.split, 'val');
      assert.equal(cal.n, 20);
      // The same fit from independently computed validation logits.
      const run = loadRun(runDir);
      const ds = await openDataset(run.config.data.path!, { seed: run.config.seed });
      const val = await gatherScores([run], ds, splitIndices(ds.items, 'val'), { workers: 0 });
      assert.equal(cal.temperature, fitTemperature(val.logits[0], val.labels));
      const stored = JSON.parse(readFileSync(path.join(runDir, 'calibration.json'), 'utf8'));
      assert.equal(stored.temperature, cal.temperature);
      assert.ok(cal.after.logLoss <= cal.before.logLoss + 1e-12);
      assert.notEqual(cal.temperature, 1);
      assert.equal(loadRun(runDir).temperature, cal.temperature);

      const after = await evaluateRun(runDir, fast);
      after.scores.logit.forEach((z, k) => {
        assert.equal(z, single.scores.logit[k]); // raw logits unchanged
        assert.ok(Math.abs(after.scores.score[k] - sigmoid(z / cal.temperature)) < 1e-12);
      });
      const rows = readCsv(path.join(after.outDir, 'predictions.csv'));
      for (const r of rows)
        assert.ok(Math.abs(Number(r.score) - sigmoid(Number(r.logit) / cal.temperature)) < 1e-9);
    },
  );

  await t.test(
    'models of different architectures and input sizes, each with its own normalisation',
    async () => {
      const other = await tinyRun('wide', { size: 24, channels: [6], seed: 3 });
      t.after(() => rmSync(other.root, { recursive: true, force: true }));
      const out = path.join(root, 'ens-mixed');
      // Scored on the first run's 16x16 data: the 24-pixel model sees bilinear-resized cutouts.
      const ens = await evaluateEnsemble([runDir, other.runDir], {
        ...fast,
        out,
        data: path.join(root, 'data'),
      });
      assert.deepEqual(ens.scores.ids, single.scores.ids);
      const first = ens.scores.probs[0];
      // Member 0 is the calibrated first run: sigmoid(logit / T) of its own logits.
      const T = loadRun(runDir).temperature;
      first.forEach((p, k) => assert.ok(Math.abs(p - sigmoid(single.scores.logit[k] / T)) < 1e-12));
      ens.scores.score.forEach((s, k) =>
        assert.ok(Math.abs(s - (first[k] + ens.scores.probs[1][k]) / 2) < 1e-12),
      );
      assert.ok(ens.scores.probs[1].every(Number.isFinite));
      assert.equal(ens.models.length, 2);
    },
  );
});
