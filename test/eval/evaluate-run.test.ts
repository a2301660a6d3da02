import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../src/io/csv.js';
import { rocAuc } from '../../src/metrics/index.js';
import { evaluateRun } from '../../src/eval/evaluate-run.js';
import { readEvaluationMetrics } from '../../src/eval/metrics-file.js';
import { writeCsv } from '../../src/io/csv.js';
import { writeNpy } from '../../src/io/npy.js';
import { tinyCutout, tinyRun, writeTinyDeepLense } from '../predict/tiny-run.js';

test('evaluate a tiny trained run: files exist, metrics.json AUC equals rocAuc of predictions.csv', async (t) => {
  const t0 = Date.now();
  const { runDir, root } = await tinyRun('e2e');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const trained = Date.now();
  const rep = await evaluateRun(runDir, { bootstrap: 100, workers: 0 });
  console.log(`train ${(trained - t0) / 1000}s, evaluate ${(Date.now() - trained) / 1000}s`);
  assert.equal(rep.split, 'test');
  const out = path.join(runDir, 'eval', 'data');
  assert.equal(rep.outDir, out);
  for (const f of [
    'metrics.json',
    'predictions.csv',
    'config.yaml',
    'roc.png',
    'roc.svg',
    'roc_logfpr.png',
    'pr.svg',
    'confusion.png',
    'reliability.png',
    'score_histogram.png',
    'history.png',
    'errors.png',
    'candidates.png',
  ]) {
    assert.ok(existsSync(path.join(out, f)), `${f} exists`);
  }
  const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8'));
  const rows = readCsv(path.join(out, 'predictions.csv'));
  assert.equal(rows.length, 32);
  assert.equal(metrics.n, 32);
  const labels = rows.map((r) => Number(r.label));
  const scores = rows.map((r) => Number(r.score));
  // snake_case keys, as in metrics.jsonl; readEvaluationMetrics gives the library's camelCase back.
  assert.equal(metrics.roc_auc, rocAuc(labels, scores));
  assert.ok(
    metrics.intervals.roc_auc.lower <= metrics.roc_auc && metrics.roc_auc <= metrics.intervals.roc_auc.upper,
  );
  assert.equal(metrics.rocAuc, undefined);
  assert.ok('max_f1' in metrics.thresholds && 'expected_purity' in metrics.thresholds);
  assert.equal(readEvaluationMetrics(path.join(out, 'metrics.json')).rocAuc, metrics.roc_auc);
  // Uncalibrated: score = sigmoid(logit).
  for (const r of rows) assert.ok(Math.abs(Number(r.score) - 1 / (1 + Math.exp(-Number(r.logit)))) < 1e-9);
  assert.ok(rows.every((r) => r.id.startsWith('test_')));

  await t.test('a DeepLense folder with only test_* folders', async () => {
    const data = writeTinyDeepLense(path.join(path.dirname(path.dirname(runDir)), 'testonly'), { test: 5 });
    const res = await evaluateRun(runDir, { data, bootstrap: 0, workers: 0, plots: false });
    assert.equal(res.split, 'test');
    assert.equal(res.outDir, path.join(runDir, 'eval', 'testonly'));
    assert.equal(res.summary.n, 10);
    assert.equal(res.summary.positives, 5);
    // Other data that declares no test or val split is evaluated whole, not split again.
    const trainOnly = writeTinyDeepLense(path.join(path.dirname(path.dirname(runDir)), 'trainonly'), {
      train: 4,
    });
    const whole = await evaluateRun(runDir, { data: trainOnly, bootstrap: 0, workers: 0, plots: false });
    assert.equal(whole.split, 'all');
    assert.equal(whole.summary.n, 8);
  });

  await t.test('metadata columns give per-bin metrics and a metric-vs-theta_E plot', async () => {
    const data = path.join(path.dirname(path.dirname(runDir)), 'withmeta');
    const rows = [];
    for (let i = 0; i < 24; i++) {
      const label = i % 2;
      writeNpy(path.join(data, 'images', `${i}.npy`), tinyCutout(label, 500 + i), [3, 16, 16]);
      rows.push({
        id: `m${i}`,
        split: 'test',
        label,
        path: `images/${i}.npy`,
        theta_E: label ? 0.5 + 0.1 * i : 0,
        negative_kind: label ? 'none' : i % 4 === 0 ? 'spiral' : 'elliptical',
      });
    }
    writeCsv(path.join(data, 'manifest.csv'), rows);
    const res = await evaluateRun(runDir, { data, bootstrap: 200, workers: 0 });
    assert.ok(existsSync(path.join(res.outDir, 'metric_vs_theta_E.png')));
    assert.ok(existsSync(path.join(res.outDir, 'metric_vs_negative_kind.svg')));
    // Units on the axis, bootstrap error bars, the threshold stated; categories as points only.
    const thetaSvg = readFileSync(path.join(res.outDir, 'metric_vs_theta_E.svg'), 'utf8');
    assert.ok(thetaSvg.includes('Einstein radius θ_E (arcsec)'));
    assert.ok(thetaSvg.includes('aria-roledescription="errorbar"'));
    assert.ok(thetaSvg.includes('lens if probability ≥ 0.5'));
    const kindSvg = readFileSync(path.join(res.outDir, 'metric_vs_negative_kind.svg'), 'utf8');
    assert.ok(!kindSvg.includes('aria-roledescription="line mark"'));
    const metrics = JSON.parse(readFileSync(path.join(res.outDir, 'metrics.json'), 'utf8'));
    const bins = metrics.by_bin.theta_E as {
      count: number;
      tpr: number;
      lower: number;
      upper: number;
      tpr_interval: [number, number];
    }[];
    for (const b of bins) {
      const [lo, hi] = b.tpr_interval;
      assert.ok(lo <= b.tpr && b.tpr <= hi && lo >= 0 && hi <= 1, `${JSON.stringify(b)}`);
    }
    assert.equal(
      bins.reduce((a, b) => a + b.count, 0),
      12,
    ); // lenses only
    const preds = readCsv(path.join(res.outDir, 'predictions.csv'));
    assert.deepEqual(Object.keys(preds[0]), ['id', 'label', 'score', 'logit', 'theta_E', 'negative_kind']);
    for (const b of bins) {
      const inBin = preds.filter(
        (r) =>
          r.label === '1' &&
          Number(r.theta_E) >= b.lower &&
          (Number(r.theta_E) < b.upper || b === bins.at(-1)),
      );
      assert.equal(inBin.length, b.count);
      assert.equal(b.tpr, inBin.filter((r) => Number(r.score) >= 0.5).length / b.count);
    }
    const kinds = metrics.by_bin.negative_kind.map((b: { bin: string }) => b.bin).sort();
    assert.deepEqual(kinds, ['elliptical', 'none', 'spiral']);
  });
});
