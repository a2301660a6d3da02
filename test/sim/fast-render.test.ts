// The renderer's fast paths against the exact functions they replace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as sim from '../../src/sim/index.js';
import { sersicAddFast, sersicPixelsLensed } from '../../src/sim/light/sersic-fast.js';
import { rayShootInto, sieShearPass } from '../../src/sim/lens/ray-shoot-fast.js';
import { convolveSeparableInto } from '../../src/sim/psf.js';
import { convolveSymmetric8, lightAddAt } from '../../src/sim/wasm/kernels.js';
import { shapeForm } from '../../src/sim/light/shapes.js';
import { downsampleInto } from '../../src/sim/raster.js';
import type { MassComponent } from '../../src/sim/lens/index.js';

const grid = sim.sampleGrid(48, 0.2, { factor: 2, centralFactor: 2, centralRadius: 0 });

test('tabulated Sérsic matches the exact profile (relative 1e-5 above 1e-4 of the peak) and its flux', () => {
  for (const [n, R, q, cx] of [
    [0.3, 0.1, 0.5, 0.03],
    [0.5, 0.05, 0.8, 0],
    [0.7, 0.3, 0.4, -0.4],
    [1, 0.5, 0.9, 0.1],
    [2.5, 0.2, 0.6, 0.05],
    [4, 1.5, 0.7, 0.037],
    [8, 0.5, 0.3, 0],
    [1.5, 2e10, 0.8, 0], // a floor below the table's range: the direct float64 formula
  ]) {
    const { e1, e2 } = sim.phiQToEllipticity(0.6, q);
    const p = {
      type: 'SERSIC_ELLIPSE' as const,
      amp: 2,
      R_sersic: R,
      n_sersic: n,
      e1,
      e2,
      center_x: cx,
      center_y: -0.05,
    };
    const exact = sim.surfaceBrightness(p, grid.x, grid.y);
    const fast = new Float64Array(grid.x.length);
    sersicAddFast(p, grid.x, grid.y, fast);
    const peak = exact.reduce((m, v) => Math.max(m, v), 0);
    let worst = 0,
      fe = 0,
      ff = 0;
    for (let i = 0; i < exact.length; i++) {
      fe += exact[i];
      ff += fast[i];
      if (exact[i] > 1e-4 * peak) worst = Math.max(worst, Math.abs(fast[i] / exact[i] - 1));
      assert.ok(Math.abs(fast[i] - exact[i]) < 5e-7 * peak, `n=${n} sample ${i}`); // float32
    }
    assert.ok(worst < 1e-5, `n=${n}: worst relative error ${worst}`);
    assert.ok(Math.abs(ff / fe - 1) < 1e-6, `n=${n}: flux ${ff} vs ${fe}`);
  }
});

test('tabulated Sérsic integrates to the analytic total flux within 0.1% (light.test.ts grid)', () => {
  const g = sim.sampleGrid(480, 0.05, { factor: 3, centralFactor: 32, centralRadius: 5 });
  const pix = new Float64Array(480 * 480);
  const s = new Float64Array(g.x.length);
  for (const [n, R, q] of [
    [1, 0.5, 0.8],
    [4, 0.15, 0.9],
  ]) {
    const { e1, e2 } = sim.phiQToEllipticity(0.7, q);
    const p = { type: 'SERSIC_ELLIPSE' as const, amp: 3, R_sersic: R, n_sersic: n, e1, e2 };
    s.fill(0);
    sersicAddFast(p, g.x, g.y, s);
    downsampleInto(g, s, pix, 0.05 * 0.05);
    const flux = pix.reduce((a, v) => a + v, 0);
    assert.ok(Math.abs(flux / sim.sersicTotalFlux(3, R, n) - 1) < 1e-3, `n=${n}: ${flux}`);
  }
});

test("the renderer's float32 spirals and rings match spiralAdd and ringAdd (5e-6 of the peak)", () => {
  const g = sim.sampleGrid(64, 0.2, { factor: 2, centralFactor: 6, centralRadius: 2 });
  const shapes: (sim.SpiralParams | sim.RingParams)[] = [
    {
      type: 'SPIRAL',
      flux: 10,
      h: 0.8,
      arms: 2,
      pitch: 0.3,
      amplitude: 0.8,
      phase: 1.1,
      e1: 0.1,
      e2: -0.05,
      center_x: 0.05,
    },
    { type: 'SPIRAL', flux: 3, h: 0.4, arms: 3, pitch: 0.2, amplitude: 0.95, phase: -2, e1: 0, e2: 0.2 },
    {
      type: 'SPIRAL',
      flux: 3,
      h: 1.4,
      arms: 4,
      pitch: 0.5,
      amplitude: 0.5,
      phase: 0.3,
      e1: -0.2,
      e2: 0.1,
      center_x: 0.5,
    },
    { type: 'RING', flux: 5, R_ring: 1.2, width: 0.15, e1: 0.1, e2: 0.1, center_x: -0.02 },
    { type: 'RING', flux: 5, R_ring: 0.4, width: 0.3, e1: 0, e2: 0 },
  ];
  for (const p of shapes) {
    const exact = sim.surfaceBrightness(p, g.x, g.y);
    const fast = new Float64Array(exact.length);
    const form = shapeForm(p);
    assert.ok(form);
    lightAddAt(form, g.x, g.y, fast, 1);
    const peak = exact.reduce((m, v) => Math.max(m, v), 0);
    let fe = 0,
      ff = 0;
    for (let i = 0; i < exact.length; i++) {
      fe += exact[i];
      ff += fast[i];
      assert.ok(
        Math.abs(fast[i] - exact[i]) < 5e-6 * peak,
        `${p.type} sample ${i}: ${fast[i]} vs ${exact[i]}`,
      );
    }
    assert.ok(Math.abs(ff / fe - 1) < 1e-6, `${p.type}: flux ${ff} vs ${fe}`);
  }
  // spirals with a fractional number of arms stay on the TypeScript path
  assert.equal(shapeForm({ ...(shapes[0] as sim.SpiralParams), arms: 2.5 }), undefined);
});

test('fast ray shooting equals rayShoot to 1e-9 arcsec for SIE + shear, any q, and other component orders', () => {
  const bx = new Float64Array(grid.x.length),
    by = new Float64Array(grid.x.length);
  for (const q of [0.05, 0.15, 0.4, 0.8, 0.999, 1]) {
    const { e1, e2 } = sim.phiQToEllipticity(0.4, q);
    const sie = { type: 'SIE' as const, theta_E: 1.3, e1, e2, center_x: 0.03, center_y: -0.02 };
    const shear = { type: 'SHEAR' as const, gamma1: 0.03, gamma2: -0.05 };
    const models: MassComponent[][] = [
      [sie, shear],
      [sie],
      [shear, sie, { type: 'CONVERGENCE', kappa: 0.1 }],
      [{ type: 'SIS', theta_E: 0.5, center_x: 1 }, sie, sie],
    ];
    for (const mass of models) {
      const ref = sim.rayShoot(mass, grid.x, grid.y);
      rayShootInto(mass, grid.x, grid.y, bx, by);
      let worst = 0;
      for (let i = 0; i < bx.length; i++)
        worst = Math.max(worst, Math.abs(bx[i] - ref.x[i]), Math.abs(by[i] - ref.y[i]));
      assert.ok(worst < 1e-9, `q=${q}, ${mass.map((m) => m.type)}: ${worst}`);
    }
  }
});

test('the lensed Sérsic pass (float32 ray shooting) matches rayShoot and the exact source', () => {
  const n = grid.x.length;
  const src = {
    type: 'SERSIC_ELLIPSE' as const,
    amp: 1,
    R_sersic: 0.3,
    n_sersic: 1.2,
    e1: 0.1,
    e2: -0.2,
    center_x: 0.2,
    center_y: 0.1,
  };
  // elliptical SIEs, a nearly round one, and q = 1 (the SIS limit), each with shear
  for (const q of [0.12, 0.4, 0.6, 0.85, 0.9999, 1]) {
    const bx = new Float64Array(n),
      by = new Float64Array(n);
    const fast = new Float64Array(48 * 48);
    const { e1, e2 } = sim.phiQToEllipticity(1.1, q);
    const mass: MassComponent[] = [
      { type: 'SIE', theta_E: 1.2, e1, e2, center_x: 0.02, center_y: 0.01 },
      { type: 'SHEAR', gamma1: 0.04, gamma2: 0.02 },
    ];
    const pass = sieShearPass(mass);
    assert.ok(pass);
    assert.equal(pass.q === 1, q === 1);
    sersicPixelsLensed(src, pass, grid, fast, 0.04, { bx, by });
    const ref = sim.rayShoot(mass, grid.x, grid.y);
    let worst = 0;
    for (let i = 0; i < n; i++)
      worst = Math.max(worst, Math.abs(bx[i] - ref.x[i]), Math.abs(by[i] - ref.y[i]));
    assert.ok(worst < 1e-6, `q=${q}: beta off by ${worst} arcsec`);
    // the pixels against the exact profile at the exact source-plane positions
    const exact = new Float64Array(48 * 48);
    downsampleInto(grid, sim.surfaceBrightness(src, ref.x, ref.y), exact, 0.04);
    const peak = exact.reduce((m, v) => Math.max(m, v), 0);
    assert.ok(peak > 0);
    for (let i = 0; i < exact.length; i++)
      assert.ok(Math.abs(fast[i] - exact[i]) < 1e-5 * peak, `q=${q} pixel ${i}: ${fast[i]} vs ${exact[i]}`);
  }
  const { e1, e2 } = sim.phiQToEllipticity(1.1, 0.6);
  const sie: MassComponent = { type: 'SIE', theta_E: 1.2, e1, e2 };
  assert.equal(sieShearPass([{ type: 'SHEAR', gamma1: 0.04, gamma2: 0.02 }, sie]), undefined);
  assert.equal(sieShearPass([{ ...sie, ...sim.phiQToEllipticity(0, 0.05) }]), undefined); // q < 0.1: direct formulas
});

test('symmetric and general separable passes agree; non-symmetric kernels still convolve', () => {
  const n = 20;
  const img = Float64Array.from({ length: n * n }, (_, i) => ((i * 7919) % 101) / 101);
  const sym = new Float64Array([0.1, 0.2, 0.4, 0.2, 0.1]);
  const asym = new Float64Array([0.1, 0.2, 0.4, 0.2, 0.1 + 1e-9]);
  const a = new Float64Array(n * n),
    b = new Float64Array(n * n),
    tmp = new Float64Array(n * n);
  convolveSeparableInto(img, a, tmp, n, n, sym);
  convolveSeparableInto(img, b, tmp, n, n, asym);
  const direct = sim.convolveDirect(img, n, n, {
    size: 5,
    data: Float64Array.from({ length: 25 }, (_, i) => sym[Math.floor(i / 5)] * sym[i % 5]),
  });
  for (let i = 0; i < n * n; i++) {
    assert.ok(Math.abs(a[i] - direct[i]) < 1e-14);
    assert.ok(Math.abs(b[i] - direct[i]) < 1e-8);
  }
  // non-square images: each pass's padding is clean
  const m = 13;
  const rect = img.subarray(0, m * n);
  const c = new Float64Array(m * n);
  convolveSeparableInto(rect, c, tmp, m, n, sym);
  const d = sim.convolveFft(rect, m, n, {
    size: 5,
    data: Float64Array.from({ length: 25 }, (_, i) => sym[Math.floor(i / 5)] * sym[i % 5]),
  });
  for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[i] - d[i]) < 1e-12, `pixel ${i}`);
  // wide kernels (more than 17 taps) take the looped pass
  const wide = sim.psfKernel({ type: 'gaussian', fwhm: 0.8 }, 0.1, 19);
  assert.ok(wide.size > 17);
  const ws = new Float64Array(n * n);
  convolveSeparableInto(img, ws, tmp, n, n, wide.separable!);
  const wd = sim.convolveDirect(img, n, n, wide);
  for (let i = 0; i < n * n; i++) assert.ok(Math.abs(ws[i] - wd[i]) < 1e-13);
  // a shifted (one-sided) kernel moves the image: out[c] = sum_t k[t] in[c + half - t]
  const shift = new Float64Array([0, 0, 1]);
  const pt = new Float64Array(n * n);
  pt[5 * n + 5] = 1;
  convolveSeparableInto(pt, a, tmp, n, n, shift);
  assert.equal(a[6 * n + 6], 1);
});

test('ziggurat normal deviates: mean 0, variance 1, normal tail fractions', () => {
  const rng = new sim.Rng(11);
  const N = 400000;
  let m = 0,
    v = 0,
    t2 = 0,
    t3 = 0;
  for (let i = 0; i < N; i++) {
    const z = rng.gaussZig();
    m += z;
    v += z * z;
    if (Math.abs(z) > 2) t2++;
    if (Math.abs(z) > 3) t3++;
  }
  m /= N;
  v = v / N - m * m;
  assert.ok(Math.abs(m) < 5 / Math.sqrt(N), `mean ${m}`);
  assert.ok(Math.abs(v - 1) < 5 * Math.sqrt(2 / N), `variance ${v}`);
  // P(|z| > 2) = 0.0455003, P(|z| > 3) = 0.0026998 (erfc(sqrt 2), erfc(3 / sqrt 2))
  assert.ok(Math.abs(t2 / N - 0.0455003) < 5 * Math.sqrt(0.0455 / N), `${t2 / N}`);
  assert.ok(Math.abs(t3 / N - 0.0026998) < 5 * Math.sqrt(0.0027 / N), `${t3 / N}`);
});

test("the renderer's WebAssembly pass (<= 25 taps, float32) agrees with psf.ts's float64 pass within 1e-6 of the peak", () => {
  // odd widths and short rows included (the float32 rows are padded to groups of four); 7 to 25 taps
  for (const [fwhm, taps] of [
    [0.3, 7],
    [0.9, 17],
    [1.4, 25],
  ] as const) {
    const k = sim.psfKernel({ type: 'gaussian', fwhm }, 0.2, 63).separable!;
    assert.equal(k.length, taps);
    for (const [h, w] of [
      [33, 33],
      [16, 21],
      [5, 40],
      [12, 3],
    ]) {
      const img = Float64Array.from({ length: h * w }, (_, i) => Math.sin(i * 0.37) ** 2 + (i % 7) * 1e-3);
      const a = new Float64Array(h * w),
        b = new Float64Array(h * w),
        tmp = new Float64Array(h * w);
      convolveSymmetric8(img, a, h, w, k);
      convolveSeparableInto(img, b, tmp, h, w, k);
      const peak = b.reduce((m, v) => Math.max(m, v), 0);
      let flux = 0;
      for (let i = 0; i < h * w; i++) {
        assert.ok(Math.abs(a[i] - b[i]) < 1e-6 * peak, `${h}x${w} pixel ${i}: ${a[i]} vs ${b[i]}`);
        flux += a[i] - b[i];
      }
      assert.ok(Math.abs(flux) < 1e-6 * b.reduce((t, v) => t + v, 0), `${h}x${w}: flux`);
    }
  }
});
