import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binnedCoverage,
  calibrationReport,
  credibilityLevels,
  coverageCurve,
  sbcRanks,
  tarp,
} from '../../src/npe/calibration.js';
import { Rng } from '../../src/sim/rng.js';

/**
 * A conjugate toy: theta ~ N(0, 1)^D, x = theta + N(0, s^2), so the exact posterior is N(x / (1 + s^2),
 * s^2 / (1 + s^2)). `widthScale` < 1 makes the posterior over-confident; a shift biases it.
 */
function toy(n: number, S: number, D: number, widthScale: number, seed: number, shift = 0) {
  const rng = new Rng(seed);
  const s2 = 0.5 ** 2;
  const truths = new Float64Array(n * D);
  const samples = new Float64Array(n * S * D);
  for (let g = 0; g < n; g++)
    for (let j = 0; j < D; j++) {
      const th = rng.normal();
      const x = th + Math.sqrt(s2) * rng.normal();
      truths[g * D + j] = th;
      const mu = x / (1 + s2) + shift,
        sd = Math.sqrt(s2 / (1 + s2)) * widthScale;
      for (let k = 0; k < S; k++) samples[(g * S + k) * D + j] = mu + sd * rng.normal();
    }
  return { n, s: S, d: D, samples, truths };
}

/** The toy squashed into the unit box (a monotone map per coordinate: TARP's distances still order the same way). */
function unit(set: ReturnType<typeof toy>) {
  const f = (v: number) => 1 / (1 + Math.exp(-v / 2));
  return { ...set, samples: Float64Array.from(set.samples, f), truths: Float64Array.from(set.truths, f) };
}

test('an exactly calibrated posterior covers at the nominal levels and passes TARP', () => {
  const set = toy(2000, 200, 3, 1, 1);
  const r = calibrationReport(set, ['a', 'b', 'c'], [undefined, undefined, undefined], unit(set), new Rng(2));
  for (const p of r.parameters) {
    assert.ok(Math.abs(p.coverage68 - 0.6827) < 0.03, `${p.name}: 68% coverage ${p.coverage68}`);
    // binomial sd 0.005 at N = 2000, plus the 1 / S quantisation of a rank among 200 draws
    assert.ok(Math.abs(p.coverage95 - 0.9545) < 0.02, `${p.name}: 95% coverage ${p.coverage95}`);
    assert.ok(p.passed);
    // the SBC histogram is flat: no bin off by more than 5 sigma of a multinomial count
    const mean = 2000 / 20;
    for (const h of p.sbcHistogram) assert.ok(Math.abs(h - mean) < 5 * Math.sqrt(mean), `sbc bin ${h}`);
  }
  assert.ok(r.tarp.passed, `TARP KS ${r.tarp.ks} vs ${r.tarp.critical}`);
  assert.ok(Math.abs(r.tarp.atc) < 1, `ATC ${r.tarp.atc}`);
  assert.ok(r.passed);
});

test('an over-confident posterior (half the width) is flagged by coverage and TARP', () => {
  const set = toy(2000, 200, 3, 0.5, 3);
  const r = calibrationReport(set, ['a', 'b', 'c'], [undefined, undefined, undefined], unit(set), new Rng(4));
  for (const p of r.parameters) {
    // a N(0, 1) truth inside +-0.5 sigma: 38%; inside +-1 sigma: 68%
    assert.ok(Math.abs(p.coverage68 - 0.383) < 0.04, `${p.name}: ${p.coverage68}`);
    assert.ok(Math.abs(p.coverage95 - 0.683) < 0.04, `${p.name}: ${p.coverage95}`);
    assert.equal(p.passed, false);
  }
  assert.equal(r.tarp.passed, false);
  assert.equal(r.passed, false);
});

test('a biased posterior of the right width fails TARP', () => {
  const set = toy(1000, 200, 3, 1, 5, 0.6);
  const t = tarp(unit(set), new Rng(6));
  assert.equal(t.passed, false, `KS ${t.ks}`);
});

test('angles: coverage on arcs sees through the 0/180 wrap', () => {
  // truths near 0 and posteriors centred on them, sampled across the wrap: calibrated by construction
  const rng = new Rng(7);
  const n = 1500,
    S = 200;
  const truths = new Float64Array(n);
  const samples = new Float64Array(n * S);
  const centres = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    const centre = (rng.normal() * 5 + 180) % 180;
    const t = (centre + 8 * rng.normal() + 360) % 180;
    truths[g] = t;
    centres[g] = centre;
    for (let k = 0; k < S; k++) samples[g * S + k] = (centre + 8 * rng.normal() + 360) % 180;
  }
  const set = { n, s: S, d: 1, samples, truths };
  const [c68, c95] = coverageCurve(credibilityLevels(set, 0, 180), [0.6827, 0.9545]);
  assert.ok(Math.abs(c68 - 0.6827) < 0.035, `arc 68%: ${c68}`);
  assert.ok(Math.abs(c95 - 0.9545) < 0.02, `arc 95%: ${c95}`);
  // half the width around the same centres: flagged
  const narrow = Float64Array.from(samples);
  for (let g = 0; g < n; g++)
    for (let k = 0; k < S; k++) {
      const dv = ((((samples[g * S + k] - centres[g]) % 180) + 270) % 180) - 90;
      narrow[g * S + k] = (centres[g] + 0.5 * dv + 180) % 180;
    }
  const [n68] = coverageCurve(credibilityLevels({ ...set, samples: narrow }, 0, 180), [0.6827]);
  assert.ok(Math.abs(n68 - 0.383) < 0.04, `half-width arcs: ${n68}`);
});

test('SBC ranks count the samples below the truth', () => {
  const set = { n: 1, s: 4, d: 1, samples: [0.1, 0.5, 0.2, 0.9], truths: [0.3] };
  assert.equal(sbcRanks(set, 0, 5).ranks[0], 2);
});

test('coverage in bins of a covariate finds the one bin whose posteriors are too wide', () => {
  // galaxies 0..999 exact, 1000..1999 twice as wide; the covariate is the galaxy's index
  const exact = toy(1000, 200, 2, 1, 11);
  const wide = toy(1000, 200, 2, 2, 12);
  const join = (a: Float64Array, b: Float64Array) => Float64Array.from([...a, ...b]);
  const set = {
    n: 2000,
    s: 200,
    d: 2,
    samples: join(exact.samples, wide.samples),
    truths: join(exact.truths, wide.truths),
  };
  const index = Float64Array.from({ length: 2000 }, (_, g) => g);
  const bins = binnedCoverage(set, ['a', 'b'], [undefined, undefined], index, [0, 1000, Infinity, Infinity]);
  assert.deepEqual(
    bins.map((b) => [b.lower, b.upper, b.galaxies]),
    [
      [0, 1000, 1000],
      [1000, null, 1000],
    ],
  );
  for (const p of bins[0].parameters)
    assert.ok(Math.abs(p.coverage68 - 0.6827) < 0.045, `${p.name} ${p.coverage68}`);
  // twice the width: the 68% interval is +-2 of the errors' sd, which holds 95.45% of them
  for (const p of bins[1].parameters)
    assert.ok(Math.abs(p.coverage68 - 0.9545) < 0.025, `${p.name} ${p.coverage68}`);
  // and the same levels as the whole-set report, bin by bin
  const whole = calibrationReport(set, ['a', 'b'], [undefined, undefined], set, new Rng(1));
  for (let j = 0; j < 2; j++) {
    const mean = (bins[0].parameters[j].coverage68 + bins[1].parameters[j].coverage68) / 2;
    assert.ok(Math.abs(mean - whole.parameters[j].coverage68) < 1e-12);
  }
});
