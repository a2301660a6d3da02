import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  expectedPurity,
  operatingPointAtFpr,
  purityCompletenessCurve,
  thresholdChoices,
  tpr0,
  tpr10,
  tprAtFpr,
  tprBeforeFalsePositives,
  maxF1Threshold,
  youdenThreshold,
  metricsAtThreshold,
} from '../../src/eval/index.js';
import { LensfindError } from '../../src/errors.js';

// Ranked by score: L L N L L N N L N ... (L = lens, N = non-lens)
const labels = [1, 1, 0, 1, 1, 0, 0, 1, 0, 0];
const scores = [0.99, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3];

test('TPR0 counts lenses strictly above the best-scoring non-lens', () => {
  assert.equal(tpr0(labels, scores), 2 / 5);
});

test('TPR0 with a lens tied to the top non-lens does not count the tied lens', () => {
  const s = [0.99, 0.9, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]; // lens 2 tied with the first non-lens
  assert.equal(tpr0(labels, s), 1 / 5);
});

test('TPR before n false positives on a hand-checkable ranking', () => {
  assert.equal(tprBeforeFalsePositives(labels, scores, 2), 4 / 5); // one FP allowed: L L N L L
  assert.equal(tprBeforeFalsePositives(labels, scores, 4), 5 / 5); // three FPs: ... N N L
  // Fewer than ten non-lenses: TPR10 reaches every lens.
  assert.equal(tpr10(labels, scores), 1);
});

test('TPR10 allows nine false positives, not ten', () => {
  // 9 non-lenses above the 2nd lens, the 10th non-lens above the 3rd lens.
  const y = [1, ...Array(9).fill(0), 1, 0, 1];
  const s = y.map((_, i) => 1 - i / 100);
  assert.equal(tpr10(y, s), 2 / 3);
  assert.equal(tpr0(y, s), 1 / 3);
});

test('tprAtFpr takes the highest TPR with FPR <= target, without interpolation', () => {
  // 5 negatives: FPR steps of 0.2.
  assert.equal(tprAtFpr(labels, scores, 0), 2 / 5);
  assert.equal(tprAtFpr(labels, scores, 0.19), 2 / 5);
  assert.equal(tprAtFpr(labels, scores, 0.2), 4 / 5);
  assert.equal(tprAtFpr(labels, scores, 0.6), 1);
  const p = operatingPointAtFpr(labels, scores, 0.2);
  assert.deepEqual(p, { threshold: 0.8, tpr: 0.8, fpr: 0.2, tp: 4, fp: 1 });
});

test('expected purity at a prevalence', () => {
  assert.equal(expectedPurity(1, 0, 1e-3), 1);
  assert.ok(Math.abs(expectedPurity(0.5, 1e-3) - 0.5e-3 / (0.5e-3 + 1e-3 * 0.999)) < 1e-15);
  assert.ok(Number.isNaN(expectedPurity(0, 0)));
  const curve = purityCompletenessCurve(labels, scores, 0.5);
  assert.deepEqual(curve.completeness.slice(0, 3), [0.2, 0.4, 0.4]);
  assert.deepEqual(curve.purity.slice(0, 3), [1, 1, 2 / 3]);
  // At prevalence 1/2 with 5 lenses and 5 non-lenses, expected purity equals measured purity.
  curve.purity.forEach((p, i) => assert.ok(Math.abs(p - curve.expectedPurity[i]) < 1e-12));
});

test('threshold choices: max F1, Youden J, FPR target, 0.5', () => {
  // F1 per threshold (TP, FP): .99 (1,0) .33; .95 (2,0) .57; .9 (2,1) .5; .85 (3,1) .67; .8 (4,1) .8;
  // .7 (4,2) .73; .6 (4,3) .67; .5 (5,3) .77 -> best 0.8.
  assert.equal(maxF1Threshold(labels, scores), 0.8);
  // J: .8 -> 0.8 - 0.2 = 0.6; .5 -> 1 - 0.6 = 0.4 -> best 0.8.
  assert.equal(youdenThreshold(labels, scores), 0.8);
  const t = thresholdChoices(labels, scores, { fpr: 0 });
  assert.equal(t.atFpr.threshold, 0.95);
  assert.equal(t.half.threshold, 0.5);
  assert.equal(t.half.tp, 5);
  const m = metricsAtThreshold(labels, scores, 0.8);
  assert.equal(m.precision, 0.8);
  assert.equal(m.recall, 0.8);
  assert.equal(m.specificity, 0.8);
  assert.equal(m.npv, 0.8);
  assert.equal(m.accuracy, 0.8);
  assert.ok(Math.abs(m.mcc - 0.6) < 1e-15);
});

test('one class: ranking metrics throw E_ONE_CLASS', () => {
  const isOneClass = (e: unknown) => e instanceof LensfindError && e.code === 'E_ONE_CLASS';
  assert.throws(() => tpr0([0, 0, 0], [0.1, 0.2, 0.3]), isOneClass);
  assert.throws(() => tprAtFpr([1, 1], [0.1, 0.2], 0.01), isOneClass);
});

test('an FPR no threshold reaches selects nothing with a finite threshold above every score', () => {
  const y = [0, 1, 0, 1];
  const s = [0.9, 0.8, 0.3, 0.2];
  const p = operatingPointAtFpr(y, s, 0.1);
  assert.deepEqual(p, { threshold: 1.9, tpr: 0, fpr: 0, tp: 0, fp: 0 });
  assert.equal(metricsAtThreshold(y, s, p.threshold).tp + metricsAtThreshold(y, s, p.threshold).fp, 0);
});
