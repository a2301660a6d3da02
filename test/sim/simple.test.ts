import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/sim/rng.js';
import { simpleSchema } from '../../src/sim/simple/config.js';
import { renderSimple } from '../../src/sim/simple/render.js';

const quiet = { noise: { gaussian_std: 0, poisson_lambda: 0, psf_sigma: 0 } };

function bandSums(image: Float32Array, bands: number): number[] {
  const per = image.length / bands;
  return Array.from({ length: bands }, (_, b) =>
    image.subarray(b * per, (b + 1) * per).reduce((a, v) => a + v, 0),
  );
}

test('a cutout depends only on its generator: same stream, same bytes; another index, other bytes', () => {
  const cfg = simpleSchema.parse({});
  const a = renderSimple(cfg, Rng.forItem(3, 11), { label: 1, size: 32, bands: 3 });
  const b = renderSimple(cfg, Rng.forItem(3, 11), { label: 1, size: 32, bands: 3 });
  const c = renderSimple(cfg, Rng.forItem(3, 12), { label: 1, size: 32, bands: 3 });
  assert.deepEqual(Buffer.from(a.image.buffer), Buffer.from(b.image.buffer));
  assert.notDeepEqual(Buffer.from(a.image.buffer), Buffer.from(c.image.buffer));
  assert.equal(a.image.length, 3 * 32 * 32);
});

test('the galaxy holds its analytic flux 2 pi amp sigma^2 q per unit colour, and the PSF conserves it', () => {
  const cfg = simpleSchema.parse({
    ...quiet,
    galaxy: { brightness: 2, size: 2.5, ellipticity: 0.3, companion_fraction: 0 },
  });
  const { image, meta } = renderSimple(cfg, Rng.forItem(0, 5), { label: 0, size: 48, bands: 3 });
  const expected = 2 * Math.PI * 2 * 2.5 ** 2 * 0.7;
  assert.equal(meta.galaxy_q, 0.7);
  const sums = bandSums(image, 3);
  [0.6, 1.0, 1.3].forEach((colour, b) =>
    assert.ok(Math.abs(sums[b] / (colour * expected) - 1) < 1e-5, `band ${b}: ${sums[b]}`),
  );
  const blurred = simpleSchema.parse({
    ...quiet,
    noise: { ...quiet.noise, psf_sigma: 1.5 },
    galaxy: cfg.galaxy,
  });
  const sumsBlurred = bandSums(
    renderSimple(blurred, Rng.forItem(0, 5), { label: 0, size: 48, bands: 3 }).image,
    3,
  );
  sumsBlurred.forEach((s, b) => assert.ok(Math.abs(s / sums[b] - 1) < 1e-4, `band ${b}: ${s} vs ${sums[b]}`));
});

test('lenses add blue arcs: the g/i flux ratio rises above the red galaxy colour 0.6/1.3', () => {
  const cfg = simpleSchema.parse({ ...quiet, galaxy: { companion_fraction: 0 } });
  for (let i = 0; i < 5; i++) {
    const lens = renderSimple(cfg, Rng.forItem(1, i), { label: 1, size: 64, bands: 3 });
    const non = renderSimple(cfg, Rng.forItem(1, i), { label: 0, size: 64, bands: 3 });
    const [gl, , il] = bandSums(lens.image, 3);
    const [gn, , inn] = bandSums(non.image, 3);
    assert.ok(Math.abs(gn / inn - 0.6 / 1.3) < 1e-4, `non-lens g/i ${gn / inn}`);
    assert.ok(gl / il > 0.6 / 1.3 + 0.01, `lens g/i ${gl / il}`);
    assert.ok(Number(lens.meta.n_arcs) >= 1 && Number(lens.meta.n_arcs) <= 2);
    assert.equal(non.meta.n_arcs, 0);
  }
});

test('noise variance matches gaussian_std^2 + poisson_lambda, with zero mean after sky subtraction', () => {
  const cfg = simpleSchema.parse({
    galaxy: { brightness: 0, companion_fraction: 0 },
    noise: { gaussian_std: 0.5, poisson_lambda: 4, psf_sigma: 0 },
  });
  const { image } = renderSimple(cfg, Rng.forItem(2, 0), { label: 0, size: 128, bands: 2 });
  const n = image.length;
  const mean = image.reduce((a, v) => a + v, 0) / n;
  const variance = image.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  // 32768 samples: the standard error of the variance is about 4.25 * sqrt(2 / n) ~ 0.033.
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 4.25) < 0.15, `variance ${variance}`);
});

test('colours interpolate blue-to-red for other band counts', () => {
  const cfg = simpleSchema.parse({ ...quiet, galaxy: { companion_fraction: 0 } });
  const one = renderSimple(cfg, Rng.forItem(0, 1), { label: 0, size: 32, bands: 1 });
  const five = renderSimple(cfg, Rng.forItem(0, 1), { label: 0, size: 32, bands: 5 });
  const s1 = bandSums(one.image, 1)[0];
  const s5 = bandSums(five.image, 5);
  assert.ok(Math.abs(s5[2] / s1 - 1) < 1e-6); // the middle band of five has the 1-band colour (1.0)
  assert.ok(s5[0] < s5[1] && s5[1] < s5[2] && s5[2] < s5[3] && s5[3] < s5[4]);
});
