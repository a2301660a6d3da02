import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averagePrecision, rocAuc, sigmoid, summarize, tpr0, tprAtFpr } from '../../src/eval/index.js';
import { Mulberry32Rng } from '../../src/rng/index.js';

test('summary agrees with the individual metrics and is JSON-safe', () => {
  const rng = new Mulberry32Rng(2);
  const labels = Array.from({ length: 600 }, (_, i) => (i % 6 === 0 ? 1 : 0));
  const probs = labels.map((y) => sigmoid(1.5 * rng.normal() + (y ? 2 : -2)));
  const s = summarize(labels, probs, { bootstrap: 100, seed: 4 });
  assert.equal(s.n, 600);
  assert.equal(s.positives, 100);
  assert.equal(s.rocAuc, rocAuc(labels, probs));
  assert.equal(s.averagePrecision, averagePrecision(labels, probs));
  assert.equal(s.tprAtFpr['0.001'], tprAtFpr(labels, probs, 1e-3));
  assert.equal(s.tpr0, tpr0(labels, probs));
  assert.ok(s.intervals.rocAuc.lower < s.rocAuc! && s.rocAuc! < s.intervals.rocAuc.upper);
  assert.deepEqual(Object.keys(s.intervals), [
    'rocAuc',
    'averagePrecision',
    'tprAtFpr@0.01',
    'tprAtFpr@0.001',
    'tprAtFpr@0.0001',
  ]);
  assert.equal(s.thresholds!.half.threshold, 0.5);
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test('summary with one class: ranking metrics null, calibration metrics still given', () => {
  const s = summarize([0, 0, 0], [0.1, 0.2, 0.3], { bootstrap: 10 });
  assert.equal(s.rocAuc, null);
  assert.equal(s.tpr0, null);
  assert.equal(s.logLoss, null);
  assert.equal(s.thresholds, null);
  assert.deepEqual(s.intervals, {});
  assert.ok(Math.abs(s.brier - (0.01 + 0.04 + 0.09) / 3) < 1e-15);
  assert.equal(JSON.stringify(s).includes('NaN'), false);
});
