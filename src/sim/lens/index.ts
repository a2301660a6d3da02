/** Mass models and ray shooting: a lens is a list of components whose deflections and Hessians add. */
import type { ConvergenceParams } from './convergence.js';
import { massProfile, type MassComponent } from './profiles.js';
import type { ShearParams } from './shear.js';
import type { SieParams } from './sie.js';
import type { SisParams } from './sis.js';
import type { Coords, HessianOut } from './types.js';

export type { SisParams, SieParams, ShearParams, ConvergenceParams, MassComponent };
export { MASS_PROFILES, MASS_PROFILE_NAMES, massProfile } from './profiles.js';
export type { MassProfile, MassProfileName } from './profiles.js';
export { shearPolar } from './shear.js';

/** Lensing potential psi (arcsec^2) of the sum of `components` at the points (x, y). */
export function potential(components: readonly MassComponent[], x: Coords, y: Coords): Float64Array {
  const out = new Float64Array(x.length);
  for (const c of components) massProfile(c).potential(c, x, y, out);
  return out;
}

/** Deflection angles alpha (arcsec) of the sum of `components` at the points (x, y). */
export function deflection(
  components: readonly MassComponent[],
  x: Coords,
  y: Coords,
): { x: Float64Array; y: Float64Array } {
  const out = { ax: new Float64Array(x.length), ay: new Float64Array(x.length) };
  for (const c of components) massProfile(c).deflection(c, x, y, out);
  return { x: out.ax, y: out.ay };
}

/** Convergence kappa of the sum (shear contributes none). */
export function convergence(components: readonly MassComponent[], x: Coords, y: Coords): Float64Array {
  const out = new Float64Array(x.length);
  for (const c of components) massProfile(c).convergence(c, x, y, out);
  return out;
}

/** Hessian of the lensing potential (f_xx, f_yy, f_xy). */
export function hessian(components: readonly MassComponent[], x: Coords, y: Coords): HessianOut {
  const n = x.length;
  const out = { fxx: new Float64Array(n), fyy: new Float64Array(n), fxy: new Float64Array(n) };
  for (const c of components) massProfile(c).hessian(c, x, y, out);
  return out;
}

/** Signed magnification 1 / det(I - H), the inverse of the lens-equation Jacobian's determinant. */
export function magnification(components: readonly MassComponent[], x: Coords, y: Coords): Float64Array {
  const h = hessian(components, x, y);
  const mu = new Float64Array(x.length);
  for (let i = 0; i < mu.length; i++) {
    const det = (1 - h.fxx[i]) * (1 - h.fyy[i]) - h.fxy[i] * h.fxy[i];
    mu[i] = 1 / det;
  }
  return mu;
}

/** Ray shooting: the source-plane position beta = theta - alpha(theta) of each image-plane point. */
export function rayShoot(
  components: readonly MassComponent[],
  x: Coords,
  y: Coords,
): { x: Float64Array; y: Float64Array } {
  const a = deflection(components, x, y);
  for (let i = 0; i < x.length; i++) {
    a.x[i] = x[i] - a.x[i];
    a.y[i] = y[i] - a.y[i];
  }
  return a;
}
