import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sim } from '../../src/index.js';
import { LensfindError } from '../../src/errors.js';

/**
 * A value for every parameter name a profile may declare (lenstronomy's names, shared across profiles): each
 * registered profile is built from its own `params`, so a new profile is tested as soon as it is registered (or
 * fails here, naming the parameter that needs a value).
 */
const VALUES: Record<string, number> = {
  theta_E: 1.3,
  e1: 0.12,
  e2: -0.09,
  center_x: 0.11,
  center_y: -0.07,
  gamma1: 0.04,
  gamma2: -0.03,
  kappa: 0.23,
  amp: 2.5,
  R_sersic: 0.35,
  n_sersic: 1.5,
  flux: 3.2,
  R_ring: 0.8,
  width: 0.12,
  h: 0.4,
  arms: 2,
  pitch: 0.35,
  amplitude: 0.6,
  phase: 0.9,
};

function build<T>(type: string, params: readonly string[]): T {
  const p: Record<string, unknown> = { type };
  for (const name of params) {
    assert.ok(name in VALUES, `${type}: parameter ${name} has no test value`);
    p[name] = VALUES[name];
  }
  return p as T;
}

/** Points in an annulus 0.2-2.5 arcsec about the centre (a singular isothermal centre is left out). */
function points(n: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n),
    y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = 0.2 + (2.3 * i) / (n - 1),
      a = 2.399963 * i; // golden angle: directions spread over the circle
    x[i] = VALUES.center_x + r * Math.cos(a);
    y[i] = VALUES.center_y + r * Math.sin(a);
  }
  return { x, y };
}

const shifted = (v: Float64Array, d: number) => v.map((t) => t + d);

test('the registries list the profiles by their lenstronomy names', () => {
  assert.deepEqual([...sim.MASS_PROFILE_NAMES].sort(), ['CONVERGENCE', 'SHEAR', 'SIE', 'SIS']);
  assert.deepEqual([...sim.LIGHT_PROFILE_NAMES].sort(), ['RING', 'SERSIC', 'SERSIC_ELLIPSE', 'SPIRAL']);
});

for (const name of sim.MASS_PROFILE_NAMES) {
  test(`mass profile ${name}: alpha = grad psi, Hessian = the Jacobian of alpha (symmetric), tr = 2 kappa`, () => {
    const c = build<sim.MassComponent>(name, sim.MASS_PROFILES[name].params);
    const { x, y } = points(40);
    const h = 1e-5;
    const a = sim.deflection([c], x, y);
    const psi = (dx: number, dy: number) => sim.potential([c], shifted(x, dx), shifted(y, dy));
    const [pxp, pxm, pyp, pym] = [psi(h, 0), psi(-h, 0), psi(0, h), psi(0, -h)];
    const def = (dx: number, dy: number) => sim.deflection([c], shifted(x, dx), shifted(y, dy));
    const [axp, axm, ayp, aym] = [def(h, 0), def(-h, 0), def(0, h), def(0, -h)];
    const H = sim.hessian([c], x, y);
    const kappa = sim.convergence([c], x, y);
    let checked = 0;
    for (let i = 0; i < x.length; i++) {
      const close = (got: number, want: number, what: string) =>
        assert.ok(
          Math.abs(got - want) < 2e-7 * Math.max(1, Math.abs(want)),
          `${name} ${what} at ${i}: ${got} vs ${want}`,
        );
      close((pxp[i] - pxm[i]) / (2 * h), a.x[i], 'dpsi/dx = alpha_x');
      close((pyp[i] - pym[i]) / (2 * h), a.y[i], 'dpsi/dy = alpha_y');
      const dxax = (axp.x[i] - axm.x[i]) / (2 * h),
        dyay = (ayp.y[i] - aym.y[i]) / (2 * h);
      const dyax = (ayp.x[i] - aym.x[i]) / (2 * h),
        dxay = (axp.y[i] - axm.y[i]) / (2 * h);
      close(H.fxx[i], dxax, 'f_xx');
      close(H.fyy[i], dyay, 'f_yy');
      close(H.fxy[i], dyax, 'f_xy = d alpha_x / dy');
      close(H.fxy[i], dxay, 'f_xy = d alpha_y / dx');
      close(dxax + dyay, 2 * kappa[i], 'div alpha = 2 kappa');
      checked++;
    }
    assert.equal(checked, 40);
    // the profile does something at these parameters: no check above passes on zeros alone
    assert.ok(a.x.some((v) => Math.abs(v) > 1e-3));
  });
}

/** The integral of a light profile over a box of half-width L about its centre, midpoint rule with step d. */
function integrate(c: sim.LightComponent, L: number, d: number): number {
  const n = Math.round((2 * L) / d);
  const x = new Float64Array(n),
    y = new Float64Array(n);
  let total = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      x[i] = VALUES.center_x - L + (i + 0.5) * d;
      y[i] = VALUES.center_y - L + (j + 0.5) * d;
    }
    const row = sim.surfaceBrightness(c, x, y);
    for (let i = 0; i < n; i++) total += row[i];
  }
  return total * d * d;
}

for (const name of sim.LIGHT_PROFILE_NAMES) {
  test(`light profile ${name}: the surface brightness integrates to the stated total flux`, () => {
    const profile = sim.LIGHT_PROFILES[name] as sim.LightProfile;
    const c = build<sim.LightComponent>(name, profile.params);
    const want = profile.totalFlux(c);
    assert.ok(want > 0);
    const got = integrate(c, 9, 0.01);
    assert.ok(Math.abs(got / want - 1) < 1e-4, `${name}: integral ${got} vs total flux ${want}`);
  });
}

test('an unknown profile name: the error lists the registered ones', () => {
  const x = [0.5],
    y = [0.5];
  assert.throws(
    () => sim.deflection([{ type: 'NFW' } as unknown as sim.MassComponent], x, y),
    (e: unknown) =>
      e instanceof LensfindError &&
      /unknown mass component type 'NFW'/.test(e.message) &&
      sim.MASS_PROFILE_NAMES.every((n) => e.message.includes(n)),
  );
  assert.throws(
    () => sim.surfaceBrightness({ type: 'HERNQUIST' } as unknown as sim.LightComponent, x, y),
    (e: unknown) =>
      e instanceof LensfindError &&
      /unknown light component type 'HERNQUIST'/.test(e.message) &&
      sim.LIGHT_PROFILE_NAMES.every((n) => e.message.includes(n)),
  );
  // a name inherited from Object is no profile either
  assert.throws(
    () => sim.convergence([{ type: 'toString' } as unknown as sim.MassComponent], x, y),
    /toString/,
  );
});
