import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sim from '../../src/sim/index.js';

test('streams are deterministic and independent per (seed, index)', () => {
  const a = sim.Rng.forItem(42, 7),
    b = sim.Rng.forItem(42, 7),
    c = sim.Rng.forItem(42, 8),
    d = sim.Rng.forItem(43, 7);
  const xa = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(
    xa,
    Array.from({ length: 5 }, () => b.nextUint32()),
  );
  assert.notDeepEqual(
    xa,
    Array.from({ length: 5 }, () => c.nextUint32()),
  );
  assert.notDeepEqual(
    xa,
    Array.from({ length: 5 }, () => d.nextUint32()),
  );
});

test('uniform, normal, logNormal, int moments', () => {
  const r = new sim.Rng(1);
  const N = 100000;
  let su = 0,
    sn = 0,
    sn2 = 0,
    sl = 0;
  const counts = [0, 0, 0];
  for (let i = 0; i < N; i++) {
    const u = r.uniform(2, 4);
    assert.ok(u >= 2 && u < 4);
    su += u;
    const z = r.normal(1, 2);
    sn += z;
    sn2 += (z - 1) ** 2;
    sl += Math.log(r.logNormal(0.5, 0.3));
    counts[r.int(0, 3)]++;
  }
  assert.ok(Math.abs(su / N - 3) < 0.01);
  assert.ok(Math.abs(sn / N - 1) < 0.03 && Math.abs(sn2 / N - 4) < 0.08);
  assert.ok(Math.abs(sl / N - 0.5) < 0.005);
  for (const c of counts) assert.ok(Math.abs(c / N - 1 / 3) < 0.01);
});

test('poisson: mean and variance equal lambda for small and large lambda (both algorithms)', () => {
  const r = new sim.Rng(3);
  for (const lam of [0.3, 4, 12, 97.5, 5000]) {
    const N = 60000;
    let s = 0,
      s2 = 0;
    for (let i = 0; i < N; i++) {
      const k = r.poisson(lam);
      assert.ok(Number.isInteger(k) && k >= 0);
      s += k;
      s2 += k * k;
    }
    const mean = s / N,
      v = s2 / N - mean * mean;
    assert.ok(Math.abs(mean - lam) < 5 * Math.sqrt(lam / N), `lambda ${lam}: mean ${mean}`);
    assert.ok(Math.abs(v / lam - 1) < 0.04, `lambda ${lam}: var ${v}`);
  }
  // P(0) for lambda = 12 is exp(-12): the tail is right, not just the moments
  let zeros = 0;
  for (let i = 0; i < 200000; i++) if (r.poisson(2) === 0) zeros++;
  assert.ok(Math.abs(zeros / 200000 - Math.exp(-2)) < 0.004);
});

test('distribution specs: fixed, uniform, normal (clipped), lognormal, choice; schema rejects bad ones', () => {
  const r = new sim.Rng(5);
  assert.equal(sim.sampleDistribution(3, r), 3);
  assert.equal(sim.sampleDistribution({ fixed: 2 }, r), 2);
  for (let i = 0; i < 1000; i++) {
    const u = sim.sampleDistribution({ uniform: [1, 2] }, r);
    assert.ok(u >= 1 && u < 2);
    const n = sim.sampleDistribution({ normal: [0, 1], min: -0.5, max: 0.5 }, r);
    assert.ok(n >= -0.5 && n <= 0.5);
    assert.ok(sim.sampleDistribution({ lognormal: [0, 1] }, r) > 0);
    assert.ok([1, 5].includes(sim.sampleDistribution({ choice: [1, 5], weights: [1, 0] }, r)));
    assert.equal(sim.sampleDistribution({ choice: [1, 5], weights: [1, 0] }, r), 1);
  }
  assert.ok(sim.distributionSchema.safeParse({ uniform: [2, 1] }).error);
  assert.ok(sim.distributionSchema.safeParse({ gauss: [0, 1] }).error);
  assert.ok(sim.distributionSchema.safeParse({ choice: [1, 2], weights: [1] }).error);
  assert.ok(sim.distributionSchema.safeParse({ normal: [0, 1] }).success);
});
