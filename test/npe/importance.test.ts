import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adaptiveImportanceSample,
  cholesky,
  effectiveSampleSize,
  resampleSystematic,
  StudentT,
  temperForEss,
  weightedMoments,
  type Proposal,
} from '../../src/npe/importance.js';
import { ensembleSample, sersicLogPosterior } from '../../src/npe/mcmc.js';
import { loadSersicConfig } from '../../src/npe/config.js';
import { makeRenderer } from '../../src/npe/data.js';
import { summarise } from '../../src/npe/posterior.js';
import { Rng } from '../../src/sim/rng.js';

/** A Gaussian N(mu, diag(sd²)) as a proposal. */
function gaussian(mu: number[], sd: number[], rng: Rng): Proposal {
  const D = mu.length;
  return {
    sample: (S) => Float64Array.from({ length: S * D }, (_, i) => mu[i % D] + sd[i % D] * rng.normal()),
    logDensity: (z, S) =>
      Float64Array.from({ length: S }, (_, s) => {
        let l = 0;
        for (let i = 0; i < D; i++) {
          const u = (z[s * D + i] - mu[i]) / sd[i];
          l += -0.5 * u * u - Math.log(sd[i]) - 0.5 * Math.log(2 * Math.PI);
        }
        return l;
      }),
  };
}

test('the Student-t density: the closed form for 3 degrees of freedom, and it integrates to 1 in 2-D', () => {
  // t with ν = 3, location 0.5, scale 2: 6√3 / (π (3 + u²)²) / 2 with u = (x - 0.5) / 2
  const t1 = new StudentT(Float64Array.of(0.5), Float64Array.of(2), 3, new Rng(1));
  for (const x of [-3, 0.5, 1.7, 9]) {
    const u = (x - 0.5) / 2;
    const expected = (6 * Math.sqrt(3)) / (Math.PI * (3 + u * u) ** 2) / 2;
    assert.ok(Math.abs(Math.exp(t1.logDensity(Float64Array.of(x), 1)[0]) / expected - 1) < 1e-12, `x = ${x}`);
  }
  // a correlated 2-D t with ν = 7 on a grid out to 40 scale lengths
  const L = cholesky(Float64Array.of(2, 0.6, 0.6, 1), 2)!;
  const t2 = new StudentT(Float64Array.of(0.3, -0.2), L, 7, new Rng(1));
  const h = 0.05,
    n = 1600;
  const z = new Float64Array(n * 2);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      z[2 * j] = -40 + (i + 0.5) * h;
      z[2 * j + 1] = -40 + (j + 0.5) * h;
    }
    for (const l of t2.logDensity(z, n)) total += Math.exp(l) * h * h;
  }
  assert.ok(Math.abs(total - 1) < 1e-4, `integral ${total}`);
});

test('Cholesky, weighted moments, ESS, tempering and systematic resampling on known values', () => {
  const L = cholesky(Float64Array.of(4, 2, 2, 5), 2)!;
  assert.deepEqual(Array.from(L), [2, 0, 1, 2]);
  assert.equal(cholesky(Float64Array.of(1, 2, 2, 1), 2), null);
  // draws 0, 1, 2 with weights 1, 2, 1: mean 1, variance 0.5
  const m = weightedMoments(Float64Array.of(0, 1, 2), [0, Math.log(2), 0], 1);
  assert.ok(Math.abs(m.mean[0] - 1) < 1e-15 && Math.abs(m.cov[0] - 0.5) < 1e-15);
  // equal weights: ESS = S; one weight of 1 against three of 0: ESS = 1
  assert.ok(Math.abs(effectiveSampleSize([3, 3, 3, 3]).ess - 4) < 1e-12);
  assert.ok(Math.abs(effectiveSampleSize([0, -Infinity, -Infinity, -Infinity]).ess - 1) < 1e-12);
  assert.deepEqual(effectiveSampleSize([-Infinity, -Infinity]), { ess: 0, logMean: -Infinity });
  // logMean: the log of the mean weight
  assert.ok(Math.abs(effectiveSampleSize([Math.log(1), Math.log(3)]).logMean - Math.log(2)) < 1e-12);
  // tempering: the largest beta with ESS >= the floor
  const logW = Float64Array.from({ length: 100 }, (_, i) => -0.2 * i);
  const beta = temperForEss(logW, 40);
  assert.ok(beta < 1);
  assert.ok(Math.abs(effectiveSampleSize(logW.map((v) => beta * v)).ess - 40) < 1e-6);
  assert.equal(temperForEss(logW, 2), 1);
  // systematic resampling: every draw appears floor or ceil of n w times
  const counts = [0, 0, 0];
  for (const i of resampleSystematic([Math.log(0.5), Math.log(0.25), Math.log(0.25)], 4, new Rng(3)))
    counts[i]++;
  assert.deepEqual(counts, [2, 1, 1]);
  const counts7 = [0, 0, 0];
  for (const i of resampleSystematic([Math.log(0.5), Math.log(0.3), Math.log(0.2)], 7, new Rng(5)))
    counts7[i]++;
  assert.ok(counts7[0] >= 3 && counts7[0] <= 4 && counts7[1] >= 2 && counts7[1] <= 3 && counts7[2] >= 1);
  assert.equal(counts7[0] + counts7[1] + counts7[2], 7);
});

test('a proposal equal to the target gives equal weights: ESS = draws and the evidence exactly', () => {
  // target: N(mu, sd²) times e^2.5 (unnormalised); proposal: the same Gaussian; no mixture (defensive = 1)
  const mu = [1, -2, 0.5],
    sd = [0.3, 2, 1];
  const proposal = gaussian(mu, sd, new Rng(7));
  const target = (z: Float64Array, S: number) => proposal.logDensity(z, S).map((v) => v + 2.5);
  const r = adaptiveImportanceSample(target, proposal, 3, new Rng(8), {
    defensive: 1,
    roundDraws: 50,
    draws: 300,
  });
  // every round's draws are pooled: 50 + 300, all of equal weight
  assert.ok(Math.abs(r.ess - 350) < 1e-9, `ess ${r.ess}`);
  assert.ok(Math.abs(r.logEvidence - 2.5) < 1e-12, `log evidence ${r.logEvidence}`);
  assert.equal(r.roundEss.length, 2); // the first round met the target efficiency
});

test('adaptive importance sampling recovers a narrow correlated Gaussian from a proposal 30x too wide', () => {
  // target: mean (0.4, -1, 2), sd (0.01, 0.02, 0.005), correlation 0.8 between the first two
  const m = [0.4, -1, 2],
    s = [0.01, 0.02, 0.005],
    rho = 0.8;
  const target = (z: Float64Array, S: number) =>
    Float64Array.from({ length: S }, (_, k) => {
      const a = (z[3 * k] - m[0]) / s[0],
        b = (z[3 * k + 1] - m[1]) / s[1],
        c = (z[3 * k + 2] - m[2]) / s[2];
      return -(a * a - 2 * rho * a * b + b * b) / (2 * (1 - rho * rho)) - 0.5 * c * c;
    });
  const run = () =>
    adaptiveImportanceSample(
      target,
      gaussian([0.5, -0.8, 2.1], [0.3, 0.6, 0.15], new Rng(1)),
      3,
      new Rng(2),
      {
        draws: 2000,
      },
    );
  const r = run();
  assert.ok(r.roundEss[0] < 20, `the wide proposal alone is poor: ESS ${r.roundEss[0]}`);
  assert.ok(r.ess > 600, `final ESS ${r.ess} of 2000 after ${r.roundEss.length} rounds`);
  const { mean, cov } = weightedMoments(r.z, r.logWeights, 3);
  for (let i = 0; i < 3; i++) {
    assert.ok(Math.abs(mean[i] - m[i]) < 0.1 * s[i], `mean ${i}: ${mean[i]}`);
    assert.ok(Math.abs(Math.sqrt(cov[i * 3 + i]) / s[i] - 1) < 0.1, `sd ${i}: ${Math.sqrt(cov[i * 3 + i])}`);
  }
  const corr = cov[1] / Math.sqrt(cov[0] * cov[4]);
  assert.ok(Math.abs(corr - rho) < 0.05, `correlation ${corr}`);
  // same seeds, same draws and weights
  const again = run();
  assert.deepEqual(Array.from(again.z), Array.from(r.z));
  assert.deepEqual(Array.from(again.logWeights), Array.from(r.logWeights));
});

test('importance sampling and the ensemble sampler agree on the exact posterior of a simulated galaxy', () => {
  const { config } = loadSersicConfig({ preset: 'quick', overrides: ['image_size=16'] });
  const renderer = makeRenderer(config);
  const space = renderer.space;
  const D = space.dim;
  const theta = new Float64Array(D);
  const rng = Rng.forItem(4, 0, 3);
  space.samplePrior(rng, theta);
  // bright enough for a narrow posterior, and small enough to fit in the 3.2" cutout
  theta[0] = Math.max(space.bounds(0)[0] + 0.5, 20);
  theta[space.index('R_sersic')] = 0.5;
  theta[space.index('n_sersic')] = 1.5;
  const image = renderer.render(theta, rng);
  const logPost = sersicLogPosterior(renderer, space, image);
  const z0 = new Float64Array(D);
  space.toZ(theta, z0);
  // the reference: the ensemble sampler started around the truth
  const W = 32;
  const init = Float64Array.from({ length: W * D }, (_, i) => z0[i % D] + 1e-3 * rng.normal());
  const mc = ensembleSample(logPost, init, D, new Rng(1), { walkers: W, steps: 1200, burn: 600 });
  const M = mc.chain.length / D;
  // importance sampling from a wide Gaussian around a point 0.2 away from the truth in every z
  const proposal = gaussian(
    Array.from(z0, (v) => v + 0.2),
    Array.from(z0, () => 0.5),
    new Rng(2),
  );
  const target = (z: Float64Array, S: number) =>
    Float64Array.from({ length: S }, (_, k) => logPost(z.subarray(k * D, (k + 1) * D)));
  const r = adaptiveImportanceSample(target, proposal, D, new Rng(3), { draws: 2000 });
  assert.ok(r.ess > 200, `ESS ${r.ess} after ${r.roundEss.length} rounds`);
  const idx = resampleSystematic(r.logWeights, 2000, new Rng(4));
  const zis = new Float64Array(2000 * D);
  idx.forEach((i, k) => zis.set(r.z.subarray(i * D, (i + 1) * D), k * D));
  for (let j = 0; j < D; j++) {
    const a = summarise(mc.chain, j, M, D);
    const b = summarise(zis, j, 2000, D);
    assert.ok(Math.abs(a.mean - b.mean) < 0.3 * a.std, `z${j}: means ${a.mean} vs ${b.mean} (sd ${a.std})`);
    assert.ok(Math.abs(b.std / a.std - 1) < 0.2, `z${j}: sd ${b.std} vs ${a.std}`);
  }
});
