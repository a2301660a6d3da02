import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as sim from '../../src/sim/index.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/sim/sie_bn.json', import.meta.url), 'utf8'));

test('exact Sérsic b_n matches scipy.special.gammaincinv(2n, 0.5)', () => {
  fixture.sersic_bn.n.forEach((n: number, i: number) => {
    const b = sim.sersicBn(n);
    assert.ok(Math.abs(b - fixture.sersic_bn.b_n[i]) < 1e-10 * fixture.sersic_bn.b_n[i], `n=${n}: ${b}`);
    assert.ok(Math.abs(sim.gammaP(2 * n, b) - 0.5) < 1e-12);
  });
});

test('amp is the surface brightness at R_sersic along the intermediate (product-average) axis', () => {
  const q = 0.5,
    phi = 0.3;
  const { e1, e2 } = sim.phiQToEllipticity(phi, q);
  const c = {
    type: 'SERSIC_ELLIPSE' as const,
    amp: 2.5,
    R_sersic: 0.7,
    n_sersic: 3,
    e1,
    e2,
    center_x: 0.1,
    center_y: -0.1,
  };
  // on the major axis R = sqrt(q) x', so I = amp at x' = R_sersic / sqrt(q); on the minor axis at y' = R_sersic sqrt(q)
  const a = 0.7 / Math.sqrt(q),
    b = 0.7 * Math.sqrt(q);
  const xs = [0.1 + a * Math.cos(phi), 0.1 - b * Math.sin(phi)];
  const ys = [-0.1 + a * Math.sin(phi), -0.1 + b * Math.cos(phi)];
  const sb = sim.surfaceBrightness(c, xs, ys);
  assert.ok(Math.abs(sb[0] - 2.5) < 1e-12 && Math.abs(sb[1] - 2.5) < 1e-12, `${sb[0]} ${sb[1]}`);
});

test('supersampled Sérsic images integrate to the analytic total flux within 0.1%', () => {
  const grid = sim.sampleGrid(480, 0.05, { factor: 3, centralFactor: 32, centralRadius: 5 });
  for (const [n, R, q] of [
    [0.5, 0.4, 0.6],
    [1, 0.5, 0.8],
    [2.5, 0.2, 0.7],
    [4, 0.15, 0.9],
  ]) {
    const { e1, e2 } = sim.phiQToEllipticity(0.7, q);
    const comp = {
      type: 'SERSIC_ELLIPSE' as const,
      amp: 3,
      R_sersic: R,
      n_sersic: n,
      e1,
      e2,
      center_x: 0,
      center_y: 0,
    };
    const pix = sim.downsample(grid, sim.surfaceBrightness(comp, grid.x, grid.y));
    const flux = pix.reduce((s, v) => s + v, 0) * 0.05 * 0.05;
    // the profile beyond the 24" x 24" cutout: analytic 1 - P(2n, b (r/R)^(1/n)) outside the inscribed ellipse
    const total = sim.sersicTotalFlux(3, R, n);
    const outside = 1 - sim.gammaP(2 * n, sim.sersicBn(n) * Math.pow((12 * Math.sqrt(q)) / R, 1 / n));
    assert.ok(outside < 5e-4, `n=${n}: ${outside} of the flux falls outside`);
    assert.ok(Math.abs(flux / total - 1) < 1e-3, `n=${n}: ${flux} vs ${total}`);
  }
  // and without supersampling a steep n=4 core is visibly wrong, so the supersampling matters
  const coarse = sim.sampleGrid(200, 0.05, { factor: 1, centralFactor: 1, centralRadius: 0 });
  const comp = {
    type: 'SERSIC_ELLIPSE' as const,
    amp: 3,
    R_sersic: 0.3,
    n_sersic: 4,
    e1: 0,
    e2: 0,
    center_x: 0,
    center_y: 0,
  };
  const f1 =
    sim.downsample(coarse, sim.surfaceBrightness(comp, coarse.x, coarse.y)).reduce((s, v) => s + v, 0) *
    0.0025;
  assert.ok(Math.abs(f1 / sim.sersicTotalFlux(3, 0.3, 4) - 1) > 2e-3);
});

test('amp <-> magnitude through the total flux and the zero point', () => {
  const zp = 27.79,
    mag = 22.3;
  const flux = sim.magToCps(mag, zp);
  const amp = sim.sersicAmpForFlux(flux, 0.5, 1.5);
  assert.ok(Math.abs(sim.cpsToMag(sim.sersicTotalFlux(amp, 0.5, 1.5), zp) - mag) < 1e-12);
  assert.equal(sim.magToCps(zp, zp), 1);
});

test('ring shape is normalised to its flux', () => {
  const grid = sim.sampleGrid(160, 0.05, { factor: 3, centralFactor: 3, centralRadius: 0 });
  const ringC = {
    type: 'RING' as const,
    flux: 2,
    R_ring: 1.5,
    width: 0.2,
    e1: 0.1,
    e2: 0,
    center_x: 0,
    center_y: 0,
  };
  const f =
    sim.downsample(grid, sim.surfaceBrightness(ringC, grid.x, grid.y)).reduce((s, v) => s + v, 0) * 0.0025;
  assert.ok(Math.abs(f - 2) < 2e-3, `${f}`);
});
