import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../src/io/csv.js';
import { rocAuc } from '../../src/eval/curves.js';
import { evaluateRun } from '../../src/eval/evaluate-run.js';
import { tinyRun } from '../predict/tiny-run.js';

test('evaluate a tiny trained run: files exist, metrics.json AUC equals rocAuc of predictions.csv', async () => {
  const t0 = Date.now();
  const { runDir } = await tinyRun('e2e');
  const trained = Date.now();
  const rep = await evaluateRun(runDir, { bootstrap: 200, workers: 0 });
  console.log(`train ${(trained - t0) / 1000}s, evaluate ${(Date.now() - trained) / 1000}s`);
  assert.equal(rep.split, 'test');
  const out = path.join(runDir, 'eval', 'data');
  assert.equal(rep.outDir, out);
  for (const f of ['metrics.json', 'predictions.csv', 'config.yaml', 'roc.png', 'roc.svg', 'roc_logfpr.png', 'pr.svg',
    'confusion.png', 'reliability.png', 'score_histogram.png', 'history.png', 'errors.png', 'candidates.png']) {
    assert.ok(existsSync(path.join(out, f)), `${f} exists`);
  }
  const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8'));
  const rows = readCsv(path.join(out, 'predictions.csv'));
  assert.equal(rows.length, 32);
  assert.equal(metrics.n, 32);
  const labels = rows.map((r) => Number(r.label));
  const scores = rows.map((r) => Number(r.score));
  assert.equal(metrics.rocAuc, rocAuc(labels, scores));
  assert.ok(metrics.intervals.rocAuc.lower <= metrics.rocAuc && metrics.rocAuc <= metrics.intervals.rocAuc.upper);
  // Uncalibrated: score = sigmoid(logit).
  for (const r of rows) assert.ok(Math.abs(Number(r.score) - 1 / (1 + Math.exp(-Number(r.logit)))) < 1e-9);
  assert.ok(rows.every((r) => r.id.startsWith('test_')));
});
