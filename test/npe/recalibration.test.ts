import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { npe } from '../../src/index.js';
import { coverageCurve, credibilityLevels } from '../../src/npe/calibration.js';
import { Rng } from '../../src/sim/rng.js';

const { fitWidthScaling, applyWidthScaling, scalingMatrices, scaleAt, componentDirection } = npe;

// A toy with known miscalibration, in 3 coordinates: an axis (0) and a plane (1, 2) whose posteriors are elongated
// along the direction of their mean (radial) or across it (tangential). Each galaxy's posterior is a Gaussian
// N(mu, sd² I); the truth is drawn from it, so the exact posterior is calibrated. The "flow" draws are too wide by
// `wide` (the axis and the radial direction) when log SNR > 5, and too narrow by 2 (tangential) everywhere.
const COMPONENTS: npe.ComponentSpec[] = [
  { kind: 'axis', name: 'a', dims: [0] },
  { kind: 'radial', name: 'r', dims: [1, 2] },
  { kind: 'tangential', name: 't', dims: [1, 2] },
];
const D = 3;

function toy(n: number, S: number, seed: number, wide = 2) {
  const rng = new Rng(seed);
  const z = new Float64Array(n * S * D);
  const truth = new Float64Array(n * D);
  const logSnr = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    logSnr[g] = 2 + 6 * rng.next();
    const k = logSnr[g] > 5 ? wide : 1;
    const sd = Math.exp(-0.5 * logSnr[g]);
    const a = 2 * Math.PI * rng.next(),
      rad = 0.5 + rng.next();
    const mu = [rng.normal(), rad * Math.cos(a), rad * Math.sin(a)];
    const [er, et] = [
      [Math.cos(a), Math.sin(a)],
      [-Math.sin(a), Math.cos(a)],
    ];
    const point = (out: Float64Array, at: number, kAxis: number, kR: number, kT: number) => {
      const u = rng.normal() * sd * kR,
        v = rng.normal() * sd * kT;
      out[at] = mu[0] + rng.normal() * sd * kAxis;
      out[at + 1] = mu[1] + u * er[0] + v * et[0];
      out[at + 2] = mu[2] + u * er[1] + v * et[1];
    };
    point(truth, g * D, 1, 1, 1);
    for (let s = 0; s < S; s++) point(z, (g * S + s) * D, k, k, 0.5);
  }
  return { z, truth, logSnr };
}

test('width recalibration: the fitted factors undo a known miscalibration, bin by bin and per direction', () => {
  const n = 8000,
    S = 200;
  const { z, truth, logSnr } = toy(n, S, 1);
  const cal = fitWidthScaling(z, truth, logSnr, n, S, D, COMPONENTS, 8);
  assert.equal(cal.components.length, 3);
  const [axis, radial, tangential] = cal.components;
  for (const c of cal.components) {
    assert.equal(
      c.galaxies.reduce((a, b) => a + b, 0),
      n,
    );
    assert.ok(
      c.logSnr.every((v, i) => i === 0 || v >= c.logSnr[i - 1]),
      'knots ascend',
    );
  }
  // bins 0-2 lie wholly below log SNR 5 (k = 1), bins 5-7 wholly above (k = 2): factors 1 and 1/2; tangential 2
  for (const b of [0, 1, 2]) {
    assert.ok(Math.abs(axis.scale[b] - 1) < 0.08, `axis bin ${b}: ${axis.scale[b]}`);
    assert.ok(Math.abs(radial.scale[b] - 1) < 0.08, `radial bin ${b}: ${radial.scale[b]}`);
  }
  for (const b of [5, 6, 7]) {
    assert.ok(Math.abs(axis.scale[b] - 0.5) < 0.04, `axis bin ${b}: ${axis.scale[b]}`);
    assert.ok(Math.abs(radial.scale[b] - 0.5) < 0.04, `radial bin ${b}: ${radial.scale[b]}`);
  }
  for (const s of tangential.scale) assert.ok(Math.abs(s - 2) < 0.16, `tangential ${s}`);

  // on a fresh set from the same model: the recalibrated draws cover 68% and 95% of truths, in each half
  const fresh = toy(4000, S, 2);
  const covered = (samples: Float64Array, j: number, keep: (g: number) => boolean) => {
    const idx = Array.from({ length: 4000 }, (_, g) => g).filter(keep);
    const sub = new Float64Array(idx.length * S * D),
      tr = new Float64Array(idx.length * D);
    idx.forEach((g, i) => {
      sub.set(samples.subarray(g * S * D, (g + 1) * S * D), i * S * D);
      tr.set(fresh.truth.subarray(g * D, (g + 1) * D), i * D);
    });
    return coverageCurve(
      credibilityLevels({ n: idx.length, s: S, d: D, samples: sub, truths: tr }, j),
      [0.68, 0.95],
    );
  };
  const bright = (g: number) => fresh.logSnr[g] > 5.5;
  const [before68] = covered(fresh.z, 0, bright);
  assert.ok(before68 > 0.9, `too wide before: ${before68}`);
  applyWidthScaling(cal, fresh.z, fresh.logSnr, S, D);
  for (const keep of [bright, (g: number) => fresh.logSnr[g] < 4.5]) {
    const [c68, c95] = covered(fresh.z, 0, keep);
    assert.ok(Math.abs(c68 - 0.68) < 0.04 && Math.abs(c95 - 0.95) < 0.025, `axis after: ${c68} ${c95}`);
  }
});

test('width recalibration: the scaling matrix scales along each direction and leaves the mean', () => {
  const cal: npe.WidthScaling = {
    method: 'width-scaling',
    galaxies: 0,
    samples: 0,
    components: [
      { ...COMPONENTS[0], logSnr: [2, 4], scale: [1, 0.25], galaxies: [] },
      { ...COMPONENTS[1], logSnr: [3], scale: [0.5], galaxies: [] },
      { ...COMPONENTS[2], logSnr: [3], scale: [3], galaxies: [] },
    ],
  };
  // log-linear between knots, constant outside
  assert.equal(scaleAt(cal.components[0], 1), 1);
  assert.ok(Math.abs(scaleAt(cal.components[0], 3) - 0.5) < 1e-12);
  assert.equal(scaleAt(cal.components[0], 9), 0.25);
  const mean = [0.3, 3, 4];
  const A = scalingMatrices(cal, (_g, j) => mean[j], [3], D);
  const er = componentDirection({ kind: 'radial' }, [3, 4]);
  const et = componentDirection({ kind: 'tangential' }, [3, 4]);
  assert.deepEqual(er, [0.6, 0.8]);
  const mul = (v: number[]) =>
    [0, 1, 2].map((a) => A[a * 3] * v[0] + A[a * 3 + 1] * v[1] + A[a * 3 + 2] * v[2]);
  const close = (x: number[], y: number[]) => x.every((v, i) => Math.abs(v - y[i]) < 1e-6);
  assert.ok(close(mul([1, 0, 0]), [0.5, 0, 0]));
  assert.ok(close(mul([0, er[0], er[1]]), [0, 0.5 * er[0], 0.5 * er[1]]));
  assert.ok(close(mul([0, et[0], et[1]]), [0, 3 * et[0], 3 * et[1]]));
  // applied to draws: their means stay, their deviations scale
  const z = Float64Array.from([0.3 + 1, 3 + er[0], 4 + er[1], 0.3 - 1, 3 - er[0], 4 - er[1]]);
  applyWidthScaling(cal, z, [3], 2, D);
  assert.ok(close(Array.from(z), [0.8, 3.3, 4.4, -0.2, 2.7, 3.6]), Array.from(z).join(' '));
});

test('width recalibration: imageLogSnr reads the matched-filter SNR off asinh-normalised pixels', () => {
  // a blank image of pure unit noise reads ~0; one pixel of 100 sigma on an empty image reads log(1 + 100)
  const blank = new Float32Array(64).fill(Math.asinh(1));
  assert.equal(npe.imageLogSnr(blank, 1)[0], 0);
  const spot = new Float32Array(64);
  spot[10] = Math.asinh(Math.sqrt(100 ** 2 + 64));
  assert.ok(Math.abs(npe.imageLogSnr(spot, 1)[0] - Math.log1p(100)) < 1e-6);
});

test('width recalibration: the file round-trips, and a malformed one names its field', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-recal-'));
  const space = new npe.ParamSpace(npe.priorsSchema.parse({}));
  const { z, truth, logSnr } = toy(200, 50, 3);
  const specs = npe.scaledComponents(space);
  assert.deepEqual(
    specs.map((c) => c.kind),
    ['axis', 'axis', 'axis', 'radial', 'tangential', 'axis', 'axis'],
  );
  // the toy's 3 coordinates padded into the 7 of the space: fit on the first three only
  const cal = fitWidthScaling(z, truth, logSnr, 200, 50, D, COMPONENTS, 4);
  npe.writeRecalibration(dir, cal);
  const back = npe.readRecalibration(dir, space);
  assert.deepEqual(back, cal);
  writeFileSync(
    path.join(dir, npe.RECALIBRATION_FILE),
    JSON.stringify({
      method: 'width-scaling',
      components: [{ kind: 'axis', dims: [0], scale: [1, -2], log_snr: [1, 2] }],
    }),
  );
  assert.throws(
    () => npe.readRecalibration(dir, space),
    /recalibration\.json: components\[0\]\.scale: expected positive numbers/,
  );
});
