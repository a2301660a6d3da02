import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamSpace, priorsSchema } from '../../src/npe/params.js';
import { Rng } from '../../src/sim/rng.js';
import { ConfigError } from '../../src/errors.js';

const space = new ParamSpace(priorsSchema.parse({}));

/** log|det| of a square matrix (row-major) by Gaussian elimination with partial pivoting. */
function logAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (p !== c) for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
    const piv = m[c * n + c];
    s += Math.log(Math.abs(piv));
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / piv;
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
    }
  }
  return s;
}

test('parameter names and unconstrained names follow the documented order', () => {
  assert.deepEqual(space.names, ['mag', 'R_sersic', 'n_sersic', 'q', 'phi', 'center_x', 'center_y']);
  assert.equal(space.dim, 7);
  assert.deepEqual(space.bounds(space.index('phi')), [0, 180]);
  assert.deepEqual(space.bounds(space.index('R_sersic')), [0.1, 10]);
});

test('z <-> theta round trip over prior draws, phi periodic', () => {
  const rng = new Rng(3);
  const th = new Float64Array(7),
    z = new Float64Array(7),
    back = new Float64Array(7);
  for (let k = 0; k < 200; k++) {
    space.samplePrior(rng, th);
    const lj = space.toZ(th, z);
    const ljInv = space.fromZ(z, back);
    assert.ok(Math.abs(lj + ljInv) < 1e-9, `log-Jacobians are opposite (${lj} vs ${ljInv})`);
    for (let i = 0; i < 7; i++) {
      const tol = i === 4 ? 1e-6 : 1e-9 * Math.max(1, Math.abs(th[i]));
      assert.ok(Math.abs(back[i] - th[i]) < tol, `${space.names[i]}: ${back[i]} vs ${th[i]}`);
    }
  }
  // phi = 179.9 and phi = 0.1 are close in z (no cut at 0/180)
  th.set([20, 1, 2, 0.5, 179.9, 0, 0]);
  space.toZ(th, z);
  const z2 = new Float64Array(7);
  th[4] = 0.1;
  space.toZ(th, z2);
  assert.ok(Math.hypot(z[3] - z2[3], z[4] - z2[4]) < 0.01);
});

test('bounded transform log-Jacobian equals the finite-difference determinant', () => {
  const rng = new Rng(11);
  const th = new Float64Array(7);
  const zp = new Float64Array(7),
    zm = new Float64Array(7);
  const J = new Float64Array(49);
  for (let k = 0; k < 20; k++) {
    space.samplePrior(rng, th);
    // keep away from the bounds so central differences stay inside them
    th[3] = Math.min(th[3], 0.95);
    th[4] = 10 + th[4] * 0.8;
    const lj = space.toZ(th, new Float64Array(7));
    for (let j = 0; j < 7; j++) {
      const h = 1e-6 * Math.max(1, Math.abs(th[j]));
      const p = Float64Array.from(th),
        m = Float64Array.from(th);
      p[j] += h;
      m[j] -= h;
      space.toZ(p, zp);
      space.toZ(m, zm);
      for (let i = 0; i < 7; i++) J[i * 7 + j] = (zp[i] - zm[i]) / (2 * h);
    }
    const fd = logAbsDet(J, 7);
    assert.ok(Math.abs(fd - lj) < 1e-5, `draw ${k}: finite differences ${fd}, analytic ${lj}`);
  }
});

test('the uniform prior on the shape has a finite density in z: logPriorZ is bounded near round galaxies', () => {
  const z = new Float64Array(7);
  const at = (u1: number) => {
    z[3] = u1;
    return space.logPriorZ(z);
  };
  // the density at u -> 0 approaches a finite limit (an area-preserving disk map, no 1/|u| spike)
  assert.ok(Math.abs(at(1e-6) - at(1e-3)) < 1e-5);
  assert.ok(Number.isFinite(at(0)));
});

test('the prior pushed to z is a density: logistic in each scalar, the shape integrates to 1 over the plane', () => {
  const z = new Float64Array(7);
  // scalars at z = 0 (density 1/4 each: the standard logistic), the shape integrated on a grid in (u1, u2)
  let s = 0;
  const h = 0.02;
  for (let a = -8; a <= 8; a += h)
    for (let b = -8; b <= 8; b += h) {
      z[3] = a;
      z[4] = b;
      s += Math.exp(space.logPriorZ(z));
    }
  const shape = (s * h * h) / 0.25 ** 5;
  assert.ok(Math.abs(shape - 1) < 2e-3, `shape integral ${shape}`);
  // a scalar axis: integrate over z_R with the others fixed
  z[3] = 0.3;
  z[4] = -0.2;
  const fixed = Math.exp(space.logPriorZ(z)) / 0.25;
  let t = 0;
  for (let v = -30; v <= 30; v += h) {
    z[1] = v;
    t += Math.exp(space.logPriorZ(z));
  }
  assert.ok(Math.abs((t * h) / fixed - 1) < 1e-4, `R_sersic integral ${(t * h) / fixed}`);
});

test('bad priors are ConfigErrors naming the key', () => {
  assert.throws(
    () => new ParamSpace(priorsSchema.parse({ R_sersic: { min: 0, max: 2, prior: 'log-uniform' } })),
    (e: unknown) => e instanceof ConfigError && /priors\.R_sersic/.test(e.message),
  );
  assert.throws(
    () => new ParamSpace(priorsSchema.parse({ q: { min: 0.2, max: 0.9 } })),
    (e: unknown) => e instanceof ConfigError && /priors\.q\.max/.test(e.message),
  );
});
