// The PSF convolution over part of a plane: the same bits as the whole-plane convolution where it computes, and
// exactly the zeros the whole-plane convolution gives outside a compact light's reach.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BandPlanes } from '../../src/sim/band-planes.js';
import { psfKernel } from '../../src/sim/psf.js';
import { Rng } from '../../src/sim/rng.js';
import type { NoiseModel } from '../../src/sim/noise.js';

const size = 37; // not a multiple of four: the last group of columns is partial

function planesWith(fill: (r: number, c: number, rng: Rng) => number) {
  const p = new BandPlanes(size, 1);
  const rng = new Rng(5);
  const v = p.view(p.arc(0));
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) v[r * size + c] = fill(r, c, rng);
  return p;
}

for (const [fwhm, taps] of [
  [0.6, 13], // the narrow pass (at most 15 taps)
  [1.2, 23], // the wide one
]) {
  const kernel = psfKernel({ type: 'gaussian', fwhm }, 0.2, 35);
  assert.equal(kernel.separable?.length, taps);

  test(`a compact plane through the PSF (FWHM ${fwhm}"): the same bits as the whole plane's, zero elsewhere`, () => {
    const half = (kernel.separable!.length - 1) >> 1;
    // light in rows 14..20, columns 3..9 (its reach is cut by the left edge)
    const p = planesWith((r, c, rng) => (r >= 14 && r <= 20 && c >= 3 && c <= 9 ? rng.uniform() : 0));
    const whole = new Float64Array(size * size);
    p.convolve(p.arc(0), p.psf(0), kernel);
    whole.set(p.view(p.psf(0)));
    p.view(p.arcPsf).fill(Number.NaN); // stale values must not survive
    const reach = p.convolveCompact(p.arc(0), p.arcPsf, kernel);
    assert.deepEqual(reach, { r0: 14 - half, r1: 20 + half, c0: Math.max(0, 3 - half), c1: 9 + half });
    const part = p.view(p.arcPsf);
    for (let i = 0; i < size * size; i++) assert.ok(Object.is(part[i], whole[i]), `pixel ${i}`);
    // outside the reach the whole-plane convolution is exactly +0 too
    assert.ok(Object.is(whole[0], 0) && Object.is(whole[size * size - 1], 0));
  });

  test(`a window of a full plane through the PSF (FWHM ${fwhm}"): its pixels as the whole plane's, the rest untouched`, () => {
    const p = planesWith((_r, _c, rng) => rng.uniform());
    p.convolve(p.arc(0), p.psf(0), kernel);
    const whole = Float64Array.from(p.view(p.psf(0)));
    p.view(p.psf(0)).fill(-1);
    const box = { r0: 5, r1: 11, c0: 6, c1: 13 };
    p.convolve(p.arc(0), p.psf(0), kernel, box);
    const part = p.view(p.psf(0));
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) {
        const i = r * size + c;
        if (r >= box.r0 && r <= box.r1 && c >= box.c0 && c <= box.c1) assert.equal(part[i], whole[i]);
        // outside the box only the rest of its groups of four columns may be written (with their true values)
        else if (r < box.r0 || r > box.r1 || c < 4 || c >= 16) assert.equal(part[i], -1);
      }
  });
}

test('an empty plane through the PSF: an empty reach and zeros', () => {
  const kernel = psfKernel({ type: 'gaussian', fwhm: 0.7 }, 0.2, 35);
  const p = planesWith(() => 0);
  p.view(p.arcPsf).fill(3);
  const reach = p.convolveCompact(p.arc(0), p.arcPsf, kernel);
  assert.ok(reach.r1 < reach.r0);
  assert.ok(p.view(p.arcPsf).every((v) => Object.is(v, 0)));
});

test("an arc's measures over the box where it is not 0, with the totals only there: those of the whole cutout", () => {
  const model = { exposureTotal: 900, skyPerPixel: 2.5, readVariance: 80 } as NoiseModel;
  const box = { r0: 8, r1: 16, c0: 20, c1: 30 };
  const inside = (r: number, c: number) => r >= box.r0 && r <= box.r1 && c >= box.c0 && c <= box.c1;
  for (const seed of [1, 2, 3]) {
    // an arc from 0 to ~30 sigma a pixel, bright to the box's edges; all light everywhere
    const p = planesWith((r, c, rng) => (inside(r, c) ? 0.5 * seed * rng.uniform() : 0));
    const rng = new Rng(seed);
    const total = p.view(p.total(0));
    const arc = p.view(p.arc(0));
    for (let i = 0; i < size * size; i++) total[i] = arc[i] + 0.3 * rng.uniform();
    const whole = p.arcMeasures(p.arc(0), p.total(0), model, 0.1, -0.2, 0.2);
    // outside the box the totals are never read
    for (let i = 0; i < size * size; i++) if (!inside(Math.floor(i / size), i % size)) total[i] = Number.NaN;
    const part = p.arcMeasures(p.arc(0), p.total(0), model, 0.1, -0.2, 0.2, box);
    assert.deepEqual(part, whole);
    assert.ok(whole.snr > 0 && whole.span > 0, `seed ${seed}: the arc is seen`);
  }
});

test('a plane convolved within a box and then outside it: the whole-plane convolution, bit for bit', () => {
  const kernel = psfKernel({ type: 'gaussian', fwhm: 0.7 }, 0.2, 35);
  const p = planesWith((_r, _c, rng) => rng.uniform());
  p.convolve(p.arc(0), p.psf(0), kernel);
  const whole = Float64Array.from(p.view(p.psf(0)));
  for (const box of [
    { r0: 5, r1: 11, c0: 6, c1: 13 },
    { r0: 0, r1: size - 1, c0: 3, c1: 30 }, // touching the top and bottom edges
    { r0: 0, r1: -1, c0: 0, c1: -1 }, // empty: the whole plane
  ]) {
    p.view(p.psf(0)).fill(Number.NaN);
    if (box.r0 <= box.r1) p.convolve(p.arc(0), p.psf(0), kernel, box);
    p.convolveOutside(p.arc(0), p.psf(0), kernel, box);
    const part = p.view(p.psf(0));
    for (let i = 0; i < size * size; i++) assert.ok(Object.is(part[i], whole[i]), `pixel ${i}`);
  }
});
