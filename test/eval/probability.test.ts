import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  averagePrecision,
  brier,
  expectedCalibrationError,
  logLoss,
  reliabilityCurve,
  rocAuc,
  rocCurve,
  confusion,
} from '../../src/eval/index.js';
import { Mulberry32Rng } from '../../src/rng/index.js';
import { LensfindError } from '../../src/errors.js';

const isOneClass = (e: unknown) => e instanceof LensfindError && e.code === 'E_ONE_CLASS';
const isInput = (e: unknown) => e instanceof LensfindError && e.code === 'E_EVAL_INPUT';

test('ECE is ~0 on a perfectly calibrated synthetic set, large on a miscalibrated one', () => {
  const rng = new Mulberry32Rng(7);
  const n = 200_000;
  const p = Array.from({ length: n }, () => rng.next());
  const y = p.map((q) => (rng.next() < q ? 1 : 0));
  const ece = expectedCalibrationError(y, p);
  assert.ok(ece < 0.005, `ECE ${ece}`);
  const squashed = p.map((q) => 0.5 + (q - 0.5) * 0.5);
  const ece2 = expectedCalibrationError(y, squashed);
  assert.ok(Math.abs(ece2 - 0.125) < 0.01, `ECE ${ece2}`); // |p - (0.5 + (p-0.5)/2)| averages 1/8
});

test('reliability curve keeps 15 bins with edges k/15', () => {
  const bins = reliabilityCurve([0, 1, 1], [0, 1 / 15, 1]);
  assert.equal(bins.length, 15);
  assert.equal(bins[0].count, 2); // 1/15 sits on an inner edge: lower bin, as sklearn
  assert.equal(bins[14].count, 1);
  assert.ok(Number.isNaN(bins[5].meanPredicted));
});

test('brier and log loss by hand', () => {
  assert.equal(brier([1, 0], [0.75, 0.25]), 0.0625);
  assert.ok(Math.abs(logLoss([1, 0], [0.75, 0.25]) - -Math.log(0.75)) < 1e-15);
  assert.ok(Math.abs(logLoss([1, 0], [0, 1]) - -Math.log(Number.EPSILON)) < 1e-9);
});

test('degenerate inputs: documented errors and NaN', () => {
  assert.throws(() => rocAuc([1, 1, 1], [0.1, 0.2, 0.3]), isOneClass);
  assert.throws(() => averagePrecision([0, 0], [0.1, 0.2]), isOneClass);
  assert.throws(() => logLoss([0, 0], [0.1, 0.2]), isOneClass);
  // Like sklearn: the ROC curve itself is NaN on the undefined axis; brier and confusion are defined.
  assert.ok(rocCurve([1, 1], [0.1, 0.2]).fpr.every(Number.isNaN));
  assert.equal(brier([0, 0], [0, 0.5]), 0.125);
  assert.deepEqual(confusion([0, 0], [0.2, 0.7], 0.5), { tp: 0, fp: 1, tn: 1, fn: 0 });
  assert.throws(() => rocAuc([0, 1], [0.1]), isInput);
  assert.throws(() => rocAuc([0, 2], [0.1, 0.2]), isInput);
  assert.throws(() => rocAuc([0, 1], [0.1, NaN]), isInput);
  assert.throws(() => brier([0, 1], [0.1, 1.2]), isInput);
});
