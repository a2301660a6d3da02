import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sim from '../../src/sim/index.js';

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
};

test('Gaussian and Moffat kernels sum to 1 and have the requested FWHM', () => {
  const g = sim.psfKernel({ type: 'gaussian', fwhm: 0.8 }, 0.1);
  const m = sim.psfKernel({ type: 'moffat', fwhm: 0.8, beta: 3 }, 0.1);
  for (const k of [g, m]) {
    assert.equal(k.size % 2, 1);
    assert.ok(Math.abs(sum(k.data) - 1) < 1e-12);
  }
  // Gaussian: second moment sigma^2 + 1/12 (pixel integration), sigma = FWHM / 2.3548 in pixels
  const h = (g.size - 1) / 2;
  let m2 = 0;
  for (let r = 0; r < g.size; r++)
    for (let c = 0; c < g.size; c++) m2 += g.data[r * g.size + c] * (c - h) ** 2;
  const sigma = 8 * sim.FWHM_TO_SIGMA;
  assert.ok(Math.abs(m2 - (sigma * sigma + 1 / 12)) < 1e-3 * sigma * sigma, `${m2}`);
  // Moffat: centre-pixel profile falls to half at FWHM/2 (checked on the kernel's central row, 4 px = 0.4")
  const c0 = m.data[((m.size - 1) / 2) * m.size + (m.size - 1) / 2];
  const c4 = m.data[((m.size - 1) / 2) * m.size + (m.size - 1) / 2 + 4];
  assert.ok(Math.abs(c4 / c0 - 0.5) < 0.03, `${c4 / c0}`);
});

test('convolution conserves flux; separable, direct and FFT paths agree', () => {
  const n = 48;
  const img = new Float64Array(n * n);
  for (let i = 0; i < 40; i++) img[(12 + (i % 20)) * n + 10 + ((i * 7) % 25)] += 1 + i;
  const g = sim.psfKernel({ type: 'gaussian', fwhm: 0.7 }, 0.2, 15);
  const sep = sim.convolveSeparable(img, n, n, g.separable!);
  const fft = sim.convolveFft(img, n, n, g);
  const dir = sim.convolveDirect(img, n, n, g);
  assert.ok(Math.abs(sum(sep) / sum(img) - 1) < 1e-12);
  for (let i = 0; i < img.length; i++) {
    assert.ok(Math.abs(sep[i] - fft[i]) < 1e-10 && Math.abs(sep[i] - dir[i]) < 1e-10);
  }
  const m = sim.psfKernel({ type: 'moffat', fwhm: 0.9, beta: 3.5 }, 0.2, 21);
  const mc = sim.convolve(img, n, n, m);
  assert.ok(Math.abs(sum(mc) / sum(img) - 1) < 1e-12);
  // a point source's image is the kernel itself
  const pt = new Float64Array(n * n);
  pt[24 * n + 24] = 1;
  const k = sim.convolve(pt, n, n, m);
  const hk = (m.size - 1) / 2;
  assert.ok(Math.abs(k[(24 - 3) * n + 24 + 2] - m.data[(hk - 3) * m.size + hk + 2]) < 1e-14);
});

test('the valid part of a symmetric separable convolution equals the same-size convolution there, bit for bit', () => {
  // a 46 x 46 window of a noisy image (a cutout of 32 and a 15-pixel PSF's margin), and a wider, non-square one
  for (const [h, w, fwhm, size] of [
    [46, 46, 0.7, 15],
    [30, 41, 1.1, 9],
  ]) {
    const img = new Float64Array(h * w);
    for (let i = 0; i < img.length; i++)
      img[i] = Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
    const k = sim.psfKernel({ type: 'gaussian', fwhm }, 0.2, size).separable!;
    const half = (k.length - 1) / 2;
    const same = sim.convolveSeparable(img, h, w, k);
    const valid = new Float64Array((h - 2 * half) * (w - 2 * half));
    sim.convolveSymmetricValid(img, h, w, k, valid);
    const ow = w - 2 * half;
    for (let r = 0; r < h - 2 * half; r++)
      for (let c = 0; c < ow; c++)
        assert.equal(valid[r * ow + c], same[(r + half) * w + c + half], `(${r}, ${c})`);
  }
  assert.throws(() =>
    sim.convolveSymmetricValid(new Float64Array(25), 5, 5, Float64Array.from([1, 2, 3]), new Float64Array(9)),
  );
});

test('noise: the pixel variance matches the expected (S + B) T + N_exp RN^2 over T^2, mean is sky-subtracted', () => {
  const band = {
    exposure_time: 30,
    num_exposures: 4,
    sky_brightness: 21,
    zero_point: 27,
    seeing: 0.7,
    psf: 'gaussian' as const,
    moffat_beta: 3.5,
  };
  const model = sim.noiseModel(band, 0.2, 5);
  assert.ok(Math.abs(model.skyPerPixel - 10 ** (-0.4 * (21 - 27)) * 0.04) < 1e-12);
  assert.equal(model.exposureTotal, 120);
  assert.equal(model.readVariance, 100);
  const S = 3.5;
  const expected = ((S + model.skyPerPixel) * 120 + 100) / 120 ** 2;
  assert.ok(Math.abs(sim.pixelVariance(model, S) - expected) < 1e-15);
  const N = 200000;
  const img = new Float64Array(N).fill(S);
  sim.addNoise(img, model, new sim.Rng(7));
  const mean = sum(img) / N;
  const v = img.reduce((s, x) => s + (x - mean) ** 2, 0) / (N - 1);
  assert.ok(Math.abs(mean - S) < 5 * Math.sqrt(expected / N), `mean ${mean}`);
  assert.ok(Math.abs(v / expected - 1) < 0.015, `variance ${v} vs ${expected}`);
});

test('arc SNR: summed arc over its noise where the arc exceeds 1 sigma, else the best pixel', () => {
  // T = 100 s, sky 1 e-/s, read variance 100 e-^2: a pixel of signal S has variance (S + 2) / 100
  const model = { exposureTotal: 100, skyPerPixel: 1, readVariance: 100 };
  const total = [2, 7, 0, 48]; // variances 0.04, 0.09, 0.02, 0.5
  assert.ok(Math.abs(sim.pixelVariance(model, 48) - 0.5) < 1e-15);
  // pixels 0 (1 > 0.2) and 3 (2 > 0.707) count; 0.1 < 0.3 and the negative pixel do not
  assert.ok(Math.abs(sim.arcSnr([1, 0.1, -1, 2], total, model) - 3 / Math.sqrt(0.54)) < 1e-12);
  // no pixel above 1 sigma: the best single pixel, 0.5 / sqrt(0.5)
  assert.ok(Math.abs(sim.arcSnr([0.1, 0.2, -1, 0.5], total, model) - Math.SQRT1_2) < 1e-12);
  assert.equal(sim.arcSnr([0, 0, 0, 0], total, model), 0);
  assert.throws(() => sim.arcSnr([1, 2], total, model), /arcSnr: 2 arc pixels, 4 total/);
});
