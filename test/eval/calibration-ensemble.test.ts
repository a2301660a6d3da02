import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrap,
  fitTemperature,
  logLoss,
  metricsByBin,
  rocAuc,
  sigmoid,
  temperatureNll,
  tprAtFpr,
} from '../../src/eval/index.js';
import { applyTemperature, combineScores } from '../../src/infer/index.js';
import { Mulberry32Rng } from '../../src/rng/index.js';

function synthetic(n: number, seed: number, separation = 3) {
  const rng = new Mulberry32Rng(seed);
  const trueLogits = Array.from({ length: n }, () => separation * rng.normal());
  const labels = trueLogits.map((z) => (rng.next() < sigmoid(z) ? 1 : 0));
  return { trueLogits, labels };
}

test('temperature scaling recovers a known temperature', () => {
  const { trueLogits, labels } = synthetic(20_000, 1);
  for (const T0 of [0.5, 2.5]) {
    // An over- (T0 > 1) or under-confident model: its logits are the true ones times T0.
    const logits = trueLogits.map((z) => z * T0);
    const T = fitTemperature(logits, labels);
    assert.ok(Math.abs(T / T0 - 1) < 0.05, `fitted ${T} for ${T0}`);
    // T is the NLL minimum: nudging it either way increases the loss.
    const nll = temperatureNll(logits, labels, T);
    assert.ok(nll < temperatureNll(logits, labels, T * 1.01));
    assert.ok(nll < temperatureNll(logits, labels, T * 0.99));
    const before = logLoss(labels, logits.map(sigmoid));
    const after = logLoss(labels, applyTemperature(logits, T));
    assert.ok(after <= before);
  }
});

test('ensemble of identical score arrays equals the input', () => {
  const rng = new Mulberry32Rng(3);
  const s = Array.from({ length: 100 }, () => rng.next());
  s[0] = 0;
  s[1] = 1;
  for (const method of ['mean', 'logit-mean', 'weighted'] as const) {
    const out = combineScores([s, s, s], method, [1, 2, 3]);
    out.forEach((v, i) => assert.ok(Math.abs(v - s[i]) < 1e-12, `${method}[${i}]: ${v} vs ${s[i]}`));
  }
});

test('ensemble methods by hand', () => {
  assert.deepEqual(combineScores([[0.2], [0.6]], 'mean'), [0.4]);
  assert.ok(Math.abs(combineScores([[0.2], [0.6]], 'weighted', [3, 1])[0] - 0.3) < 1e-15);
  const lm = combineScores([[0.2], [0.8]], 'logit-mean')[0];
  assert.ok(Math.abs(lm - 0.5) < 1e-15);
  assert.throws(() => combineScores([[0.2], [0.6]], 'weighted'));
  assert.throws(() => combineScores([[0.2], [0.6, 0.1]], 'mean'));
});

test('bootstrap intervals are seeded, contain the estimate and narrow with more data', () => {
  const { trueLogits, labels } = synthetic(400, 5, 1.5);
  const scores = trueLogits.map(sigmoid);
  const a = bootstrap(labels, scores, rocAuc, { n: 200, seed: 11 });
  const b = bootstrap(labels, scores, rocAuc, { n: 200, seed: 11 });
  const c = bootstrap(labels, scores, rocAuc, { n: 200, seed: 12 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.lower < a.estimate && a.estimate < a.upper);
  assert.equal(a.resamples + a.skipped, 200);
  const big = synthetic(4000, 6, 1.5);
  const wide = bootstrap(big.labels, big.trueLogits, rocAuc, { n: 200, seed: 11 });
  assert.ok(wide.upper - wide.lower < (a.upper - a.lower) / 2);
  const t = bootstrap(labels, scores, (y, s) => tprAtFpr(y, s, 0.1), { n: 50, seed: 1 });
  assert.ok(t.lower <= t.estimate && t.estimate <= t.upper);
});

test('bootstrap skips one-class resamples', () => {
  const r = bootstrap([1, 0], [0.9, 0.1], rocAuc, { n: 100, seed: 0 });
  assert.equal(r.estimate, 1);
  assert.ok(r.skipped > 20 && r.skipped < 80, `skipped ${r.skipped}`);
  assert.equal(r.lower, 1);
});

test('metrics by numeric and categorical bins', () => {
  const labels = [1, 1, 1, 1, 0, 0, 0];
  const scores = [0.9, 0.2, 0.8, 0.7, 0.6, 0.1, 0.3];
  const thetaE = [0.5, 0.6, 1.2, 2.0, NaN, NaN, NaN];
  const rows = metricsByBin(labels, scores, thetaE, [0, 1, 2]);
  assert.deepEqual(
    rows.map((r) => [r.bin, r.count, r.tpr]),
    [
      ['[0, 1)', 2, 0.5],
      ['[1, 2]', 2, 1],
    ],
  );
  assert.ok(Number.isNaN(rows[0].fpr) && Number.isNaN(rows[0].auc));
  const kind = ['lens', 'lens', 'lens', 'lens', 'spiral', 'ring', 'spiral'];
  const byKind = metricsByBin(labels, scores, kind, 'categorical');
  assert.deepEqual(
    byKind.map((r) => [r.bin, r.count, r.fpr]),
    [
      ['lens', 4, NaN],
      ['spiral', 2, 0.5],
      ['ring', 1, 0],
    ],
  );
});
