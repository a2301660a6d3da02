import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensembleSample } from '../../src/npe/mcmc.js';
import { Rng } from '../../src/sim/rng.js';

test('the ensemble sampler recovers a correlated 2-D Gaussian', () => {
  // mean (1, -2), sd (2, 0.5), correlation 0.9
  const m = [1, -2],
    s = [2, 0.5],
    rho = 0.9;
  const logProb = (x: Float64Array) => {
    const a = (x[0] - m[0]) / s[0],
      b = (x[1] - m[1]) / s[1];
    return -(a * a - 2 * rho * a * b + b * b) / (2 * (1 - rho * rho));
  };
  const rng = new Rng(1);
  const W = 16;
  const init = Float64Array.from({ length: W * 2 }, () => rng.normal() * 0.1);
  const { chain, acceptance } = ensembleSample(logProb, init, 2, rng, { walkers: W, steps: 3000, burn: 500 });
  const n = chain.length / 2;
  let m0 = 0,
    m1 = 0;
  for (let i = 0; i < n; i++) {
    m0 += chain[2 * i];
    m1 += chain[2 * i + 1];
  }
  m0 /= n;
  m1 /= n;
  let v0 = 0,
    v1 = 0,
    c = 0;
  for (let i = 0; i < n; i++) {
    const a = chain[2 * i] - m0,
      b = chain[2 * i + 1] - m1;
    v0 += a * a;
    v1 += b * b;
    c += a * b;
  }
  v0 /= n;
  v1 /= n;
  c /= n;
  assert.ok(acceptance > 0.3 && acceptance < 0.9, `acceptance ${acceptance}`);
  assert.ok(Math.abs(m0 - 1) < 0.15 && Math.abs(m1 + 2) < 0.04, `mean ${m0}, ${m1}`);
  assert.ok(Math.abs(Math.sqrt(v0) - 2) < 0.15, `sd0 ${Math.sqrt(v0)}`);
  assert.ok(Math.abs(Math.sqrt(v1) - 0.5) < 0.04, `sd1 ${Math.sqrt(v1)}`);
  assert.ok(Math.abs(c / Math.sqrt(v0 * v1) - 0.9) < 0.03, `corr ${c / Math.sqrt(v0 * v1)}`);
});
