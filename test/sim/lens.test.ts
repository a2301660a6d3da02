import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as sim from '../../src/sim/index.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/sim/sie_bn.json', import.meta.url), 'utf8'));

function ring(n: number, r: number, cx = 0, cy = 0) {
  const x = new Float64Array(n),
    y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = cx + r * Math.cos((2 * Math.PI * i) / n);
    y[i] = cy + r * Math.sin((2 * Math.PI * i) / n);
  }
  return { x, y };
}

test('SIS: |alpha| = theta_E everywhere, pointing away from the centre', () => {
  for (const r of [0.01, 0.5, 1.3, 7]) {
    const { x, y } = ring(17, r, 0.3, -0.2);
    const a = sim.deflection([{ type: 'SIS', theta_E: 1.4, center_x: 0.3, center_y: -0.2 }], x, y);
    for (let i = 0; i < x.length; i++) {
      assert.ok(Math.abs(Math.hypot(a.x[i], a.y[i]) - 1.4) < 1e-12);
      assert.ok(a.x[i] * (x[i] - 0.3) + a.y[i] * (y[i] + 0.2) > 0);
    }
  }
});

test('SIE tends to SIS as q -> 1 (both branches of the closed form)', () => {
  const { x, y } = ring(11, 1.7);
  const sis = sim.deflection([{ type: 'SIS', theta_E: 1.1 }], x, y);
  for (const e of [1e-3, 1e-5, 1e-7, 1e-9, 0]) {
    const sie = sim.deflection(
      [{ type: 'SIE', theta_E: 1.1, e1: e, e2: e / 2, center_x: 0, center_y: 0 }],
      x,
      y,
    );
    for (let i = 0; i < x.length; i++) {
      assert.ok(Math.abs(sie.x[i] - sis.x[i]) < 5 * e + 1e-9, `e=${e}: ${sie.x[i]} vs ${sis.x[i]}`);
      assert.ok(Math.abs(sie.y[i] - sis.y[i]) < 5 * e + 1e-9);
    }
  }
});

test('SIE deflection matches scipy quadrature of the lenstronomy-convention convergence', () => {
  let worst = 0;
  for (const c of fixture.sie) {
    const a = sim.deflection([{ type: 'SIE', ...c.params }], c.x, c.y);
    for (let i = 0; i < c.x.length; i++) {
      worst = Math.max(worst, Math.abs(a.x[i] - c.alpha_x[i]), Math.abs(a.y[i] - c.alpha_y[i]));
    }
  }
  assert.ok(worst < 1e-9, `max |delta alpha| = ${worst}`);
});

test('SIE Hessian: trace is 2 kappa and matches finite differences of the deflection', () => {
  const comps: sim.MassComponent[] = [
    { type: 'SIE', theta_E: 1.3, e1: 0.2, e2: -0.1, center_x: 0.1, center_y: 0.05 },
    { type: 'SHEAR', gamma1: 0.05, gamma2: -0.03 },
    { type: 'CONVERGENCE', kappa: 0.1 },
  ];
  const x = [0.7, -1.2, 2.1, 0.3],
    y = [1.1, 0.4, -0.9, -1.6];
  const h = sim.hessian(comps, x, y);
  const k = sim.convergence(comps, x, y);
  const d = 1e-6;
  for (let i = 0; i < x.length; i++) {
    assert.ok(Math.abs(h.fxx[i] + h.fyy[i] - 2 * k[i]) < 1e-12);
    const ap = sim.deflection(comps, [x[i] + d], [y[i]]),
      am = sim.deflection(comps, [x[i] - d], [y[i]]);
    const bp = sim.deflection(comps, [x[i]], [y[i] + d]),
      bm = sim.deflection(comps, [x[i]], [y[i] - d]);
    assert.ok(Math.abs((ap.x[0] - am.x[0]) / (2 * d) - h.fxx[i]) < 1e-6);
    assert.ok(Math.abs((bp.y[0] - bm.y[0]) / (2 * d) - h.fyy[i]) < 1e-6);
    assert.ok(Math.abs((bp.x[0] - bm.x[0]) / (2 * d) - h.fxy[i]) < 1e-6);
    assert.ok(Math.abs((ap.y[0] - am.y[0]) / (2 * d) - h.fxy[i]) < 1e-6);
  }
});

test('a centred source maps to the Einstein ring at theta_E (SIS and round SIE)', () => {
  for (const comp of [
    { type: 'SIS' as const, theta_E: 1.6 },
    { type: 'SIE' as const, theta_E: 1.6, e1: 0, e2: 0, center_x: 0, center_y: 0 },
  ]) {
    const { x, y } = ring(36, 1.6);
    const b = sim.rayShoot([comp], x, y);
    for (let i = 0; i < x.length; i++) assert.ok(Math.hypot(b.x[i], b.y[i]) < 1e-12);
    // just inside / outside the ring the source position is on opposite sides
    const inside = sim.rayShoot([comp], [1.5], [0]),
      outside = sim.rayShoot([comp], [1.7], [0]);
    assert.ok(inside.x[0] < 0 && outside.x[0] > 0);
  }
});

test('SIE critical curve: the elliptical Einstein radius encloses the theta_E circle area', () => {
  // for lenstronomy's convention, the tangential critical curve of an SIE is kappa = 1/2, i.e.
  // q x'^2 + y'^2 / q = theta_E^2, an ellipse of area pi theta_E^2; check det(A) = 0 on it.
  const q = 0.6,
    e = (1 - q) / (1 + q),
    tE = 1.2;
  const comps: sim.MassComponent[] = [{ type: 'SIE', theta_E: tE, e1: e, e2: 0, center_x: 0, center_y: 0 }];
  for (let i = 0; i < 12; i++) {
    const t = (2 * Math.PI * i) / 12;
    const x = (tE / Math.sqrt(q)) * Math.cos(t),
      y = tE * Math.sqrt(q) * Math.sin(t);
    const mu = sim.magnification(comps, [x], [y])[0];
    assert.ok(Math.abs(1 / mu) < 1e-9, `det A = ${1 / mu}`);
  }
});

test('SIS point-source images at beta +- theta_E have magnification |theta| / (|theta| - theta_E)', () => {
  const tE = 1.3;
  for (const beta of [0.1, 0.4, 0.9]) {
    for (const th of [beta + tE, beta - tE]) {
      const b = sim.rayShoot([{ type: 'SIS', theta_E: tE }], [th], [0]);
      assert.ok(Math.abs(b.x[0] - beta) < 1e-12, 'image position solves the lens equation');
      const mu = sim.magnification([{ type: 'SIS', theta_E: tE }], [th], [0])[0];
      const expected = Math.abs(th) / (Math.abs(th) - tE); // = 1 / (1 - theta_E / |theta|)
      assert.ok(Math.abs(mu - expected) < 1e-12 * Math.abs(expected), `${mu} vs ${expected}`);
    }
    // total magnification of the pair: 2 theta_E / beta
    const m1 = sim.magnification([{ type: 'SIS', theta_E: tE }], [beta + tE], [0])[0];
    const m2 = sim.magnification([{ type: 'SIS', theta_E: tE }], [beta - tE], [0])[0];
    assert.ok(Math.abs(Math.abs(m1) + Math.abs(m2) - (2 * tE) / beta) < 1e-9);
  }
});

test('SHEAR and CONVERGENCE follow lenstronomy (ra_0 = dec_0 = 0)', () => {
  const a = sim.deflection([{ type: 'SHEAR', gamma1: 0.1, gamma2: 0.05 }], [2], [1]);
  assert.deepEqual([a.x[0], a.y[0]], [0.1 * 2 + 0.05 * 1, 0.05 * 2 - 0.1 * 1]);
  const k = sim.deflection([{ type: 'CONVERGENCE', kappa: 0.2 }], [2], [-1]);
  assert.deepEqual([k.x[0], k.y[0]], [0.4, -0.2]);
  assert.throws(
    () => sim.deflection([{ type: 'NFW' } as never], [0], [0]),
    /unknown mass component type 'NFW'/,
  );
});
