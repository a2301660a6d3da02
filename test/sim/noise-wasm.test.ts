import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/sim/rng.js';
import { addNoiseInto, GAUSSIAN_LIMIT_COUNTS, type NoiseModel } from '../../src/sim/noise.js';

/** The noise loop drawn in TypeScript with the Rng's own methods: what the WebAssembly kernel must reproduce. */
function referenceNoise(image: Float64Array, model: NoiseModel, rng: Rng): Float64Array {
  const t = model.exposureTotal,
    sky = model.skyPerPixel * t,
    rv = model.readVariance,
    rsd = Math.sqrt(rv);
  return image.map((v) => {
    const lambda = (v > 0 ? v : 0) * t + sky;
    const electrons =
      lambda >= GAUSSIAN_LIMIT_COUNTS
        ? lambda + Math.sqrt(lambda + rv) * rng.gaussZig()
        : rng.poisson(lambda) + (rsd > 0 ? rsd * rng.gaussZig() : 0);
    return (electrons - sky) * (1 / t);
  });
}

test('the WebAssembly noise kernel draws what the Rng draws: every regime, same values, same final state', () => {
  // exposure 100 s: signal 0..30 e-/s spans Knuth (< 10 e-), PTRS (10..1000 e-) and the normal limit (>= 1000 e-)
  const cases: NoiseModel[] = [
    { exposureTotal: 100, skyPerPixel: 0, readVariance: 0 },
    { exposureTotal: 100, skyPerPixel: 0.02, readVariance: 25 },
    { exposureTotal: 6900, skyPerPixel: 4.4, readVariance: 460 * 80 }, // LSST-like r band: all normal limit
  ];
  for (const [c, model] of cases.entries()) {
    const image = Float64Array.from({ length: 4096 }, (_, i) =>
      i % 97 === 0 ? -1 : ((i * 7919) % 3001) / 100,
    );
    const a = Rng.forItem(3, c, 7),
      b = Rng.forItem(3, c, 7);
    const expected = referenceNoise(image, model, a);
    const got = new Float64Array(image.length);
    addNoiseInto(image, got, model, b);
    assert.deepEqual(got, expected, `case ${c}`);
    assert.deepEqual(
      b.getState(),
      a.getState(),
      `case ${c}: the generator continues where the draws leave it`,
    );
  }
  // a Float32 plane gets the same values rounded once
  const image = Float64Array.from({ length: 64 }, (_, i) => i / 3);
  const model = cases[1];
  const f32 = new Float32Array(64);
  addNoiseInto(image, f32, model, Rng.forItem(1, 2, 3));
  assert.deepEqual(f32, Float32Array.from(referenceNoise(image, model, Rng.forItem(1, 2, 3))));
});
