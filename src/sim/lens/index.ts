/** Mass models and ray shooting: a lens is a list of components whose deflections and Hessians add. */
import { LensfindError } from '../../errors.js';
import { sheetConvergence, sheetDeflection, sheetHessian, type ConvergenceParams } from './convergence.js';
import { shearDeflection, shearHessian, type ShearParams } from './shear.js';
import { sieConvergence, sieDeflection, sieHessian, type SieParams } from './sie.js';
import { sisConvergence, sisDeflection, sisHessian, type SisParams } from './sis.js';
import type { Coords, HessianOut } from './types.js';

export type { SisParams, SieParams, ShearParams, ConvergenceParams };
export type MassComponent = SisParams | SieParams | ShearParams | ConvergenceParams;
export { shearPolar } from './shear.js';

function unknown(c: { type: string }): never {
  throw new LensfindError(
    'E_SIM',
    `unknown mass component type '${c.type}' (expected SIS, SIE, SHEAR or CONVERGENCE)`,
  );
}

/** Deflection angles alpha (arcsec) of the sum of `components` at the points (x, y). */
export function deflection(
  components: readonly MassComponent[],
  x: Coords,
  y: Coords,
): { x: Float64Array; y: Float64Array } {
  const out = { ax: new Float64Array(x.length), ay: new Float64Array(x.length) };
  for (const c of components) {
    if (c.type === 'SIS') sisDeflection(c, x, y, out);
    else if (c.type === 'SIE') sieDeflection(c, x, y, out);
    else if (c.type === 'SHEAR') shearDeflection(c, x, y, out);
    else if (c.type === 'CONVERGENCE') sheetDeflection(c, x, y, out);
    else unknown(c);
  }
  return { x: out.ax, y: out.ay };
}

/** Convergence kappa of the sum (shear contributes none). */
export function convergence(components: readonly MassComponent[], x: Coords, y: Coords): Float64Array {
  const out = new Float64Array(x.length);
  for (const c of components) {
    if (c.type === 'SIS') sisConvergence(c, x, y, out);
    else if (c.type === 'SIE') sieConvergence(c, x, y, out);
    else if (c.type === 'CONVERGENCE') sheetConvergence(c, x, y, out);
    else if (c.type !== 'SHEAR') unknown(c);
  }
  return out;
}

/** Hessian of the lensing potential (f_xx, f_yy, f_xy). */
export function hessian(components: readonly MassComponent[], x: Coords, y: Coords): HessianOut {
  const n = x.length;
  const out = { fxx: new Float64Array(n), fyy: new Float64Array(n), fxy: new Float64Array(n) };
  for (const c of components) {
    if (c.type === 'SIS') sisHessian(c, x, y, out);
    else if (c.type === 'SIE') sieHessian(c, x, y, out);
    else if (c.type === 'SHEAR') shearHessian(c, x, y, out);
    else if (c.type === 'CONVERGENCE') sheetHessian(c, x, y, out);
    else unknown(c);
  }
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
