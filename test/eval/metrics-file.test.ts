// metrics.json keys: snake_case when written (like metrics.jsonl), and files of either spelling read the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { camelCase, snakeCase, snakeCaseKeys } from '../../src/io/snake-keys.js';
import { readEvaluationMetrics } from '../../src/eval/metrics-file.js';
import { DataError } from '../../src/errors.js';

test('camelCase keys become snake_case and back; snake_case and names like theta_E are left alone', () => {
  const pairs: [string, string][] = [
    ['rocAuc', 'roc_auc'],
    ['averagePrecision', 'average_precision'],
    ['tprAtFpr@0.001', 'tpr_at_fpr@0.001'],
    ['maxF1', 'max_f1'],
    ['expectedPurity', 'expected_purity'],
    ['magAbsErrorMedian', 'mag_abs_error_median'],
  ];
  for (const [camel, snake] of pairs) {
    assert.equal(snakeCase(camel), snake);
    assert.equal(camelCase(snake), camel);
  }
  for (const same of ['val_auc', 'theta_E', 'coverage68', 'n', 'val_tpr_fpr1e-2'])
    assert.equal(snakeCase(same), same);
});

test('data keys under a kept key (column names) are not renamed, the objects below them are', () => {
  const out = snakeCaseKeys({ byBin: { galaxyMag: [{ meanScore: 1 }], theta_E: [] }, rocAuc: 0.9 }, [
    'byBin',
  ]);
  assert.deepEqual(out, { by_bin: { galaxyMag: [{ mean_score: 1 }], theta_E: [] }, roc_auc: 0.9 });
});

test('a metrics.json of either spelling reads as the same object; anything else is a one-line error', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-metrics-'));
  const old = {
    n: 4,
    rocAuc: 0.75,
    intervals: { rocAuc: { lower: 0.5, upper: 1, level: 0.95 } },
    byBin: { theta_E: [{ bin: 'a', meanScore: 0.2 }] },
    threshold: 0.5,
  };
  const now = snakeCaseKeys(old, ['byBin']);
  writeFileSync(path.join(dir, 'old.json'), JSON.stringify(old));
  writeFileSync(path.join(dir, 'new.json'), JSON.stringify(now));
  const a = readEvaluationMetrics(path.join(dir, 'old.json'));
  const b = readEvaluationMetrics(path.join(dir, 'new.json'));
  assert.deepEqual(a, b);
  assert.equal(b.rocAuc, 0.75);
  assert.equal(b.intervals.rocAuc.upper, 1);
  assert.equal(b.byBin.theta_E[0].meanScore, 0.2);
  writeFileSync(path.join(dir, 'other.json'), '{"epoch": 1}');
  assert.throws(
    () => readEvaluationMetrics(path.join(dir, 'other.json')),
    (e: Error) => e instanceof DataError && /other\.json: not an evaluation's metrics\.json/.test(e.message),
  );
});
