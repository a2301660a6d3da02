import { ellipticityToPhiQ } from '../ellipticity.js';
import type { Coords, DeflectionOut, HessianOut } from './types.js';
import { isothermalHessianFromKappa } from './sis.js';

/**
 * Singular isothermal ellipsoid with lenstronomy's `SIE` conventions (its NIE with core s -> 0):
 * kappa = theta_E / (2 sqrt(q x'^2 + y'^2 / q)) with x' along the major axis at angle phi = atan2(e2, e1) / 2 and
 * q = (1 - |e|) / (1 + |e|), i.e. lenstronomy's b = theta_E sqrt(q) (theta_E is the Einstein radius along the
 * intermediate axis sqrt(a b), and the elliptical critical curve has the area of the theta_E circle). Kormann et al.
 * (1994) / Keeton's closed form in the major-axis frame:
 *   alpha_x' = b / sqrt(1-q^2) atan(sqrt(1-q^2) x' / psi),  alpha_y' = b / sqrt(1-q^2) atanh(sqrt(1-q^2) y' / psi),
 *   psi = sqrt(q^2 x'^2 + y'^2).
 */
export interface SieParams {
  type: 'SIE';
  theta_E: number;
  e1: number;
  e2: number;
  center_x?: number;
  center_y?: number;
}

// For q this close to 1 the closed form loses precision (0/0); the SIS limit is exact to O(1-q).
const Q_ROUND = 1 - 1e-8;
const R_MIN = 1e-12;

/** The axis ratio, centre, and cosine and sine of the position angle of an SIE. */
function sieFrame(p: SieParams): { q: number; cx: number; cy: number; c: number; s: number } {
  const { phi, q } = ellipticityToPhiQ(p.e1, p.e2);
  return { q, cx: p.center_x ?? 0, cy: p.center_y ?? 0, c: Math.cos(phi), s: Math.sin(phi) };
}

export function sieDeflection(p: SieParams, x: Coords, y: Coords, out: DeflectionOut): void {
  const { q, cx, cy, c, s } = sieFrame(p);
  if (q >= Q_ROUND) {
    for (let i = 0; i < x.length; i++) {
      const dx = x[i] - cx,
        dy = y[i] - cy;
      const r = Math.sqrt(dx * dx + dy * dy);
      if (r < R_MIN) continue;
      out.ax[i] += (p.theta_E * dx) / r;
      out.ay[i] += (p.theta_E * dy) / r;
    }
    return;
  }
  const b = p.theta_E * Math.sqrt(q);
  const sq = Math.sqrt(1 - q * q);
  const f = b / sq;
  const q2 = q * q;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - cx,
      dy = y[i] - cy;
    const xr = c * dx + s * dy;
    const yr = -s * dx + c * dy;
    const psi = Math.sqrt(q2 * xr * xr + yr * yr);
    if (psi < R_MIN) continue;
    const axr = f * Math.atan((sq * xr) / psi);
    const ayr = f * Math.atanh((sq * yr) / psi);
    out.ax[i] += c * axr - s * ayr;
    out.ay[i] += s * axr + c * ayr;
  }
}

/** psi = (x - x_c) . alpha: an isothermal potential is homogeneous of degree 1 (Euler), as lenstronomy's SIE. */
export function siePotential(p: SieParams, x: Coords, y: Coords, out: Float64Array): void {
  const a = { ax: new Float64Array(x.length), ay: new Float64Array(x.length) };
  sieDeflection(p, x, y, a);
  const cx = p.center_x ?? 0,
    cy = p.center_y ?? 0;
  for (let i = 0; i < x.length; i++) out[i] += (x[i] - cx) * a.ax[i] + (y[i] - cy) * a.ay[i];
}

function sieKappaAt(theta_E: number, q: number, c: number, s: number, dx: number, dy: number): number {
  const xr = c * dx + s * dy;
  const yr = -s * dx + c * dy;
  return theta_E / (2 * Math.max(R_MIN, Math.sqrt(q * xr * xr + (yr * yr) / q)));
}

export function sieConvergence(p: SieParams, x: Coords, y: Coords, out: Float64Array): void {
  const { q, cx, cy, c, s } = sieFrame(p);
  for (let i = 0; i < x.length; i++) out[i] += sieKappaAt(p.theta_E, q, c, s, x[i] - cx, y[i] - cy);
}

export function sieHessian(p: SieParams, x: Coords, y: Coords, out: HessianOut): void {
  const { q, cx, cy, c, s } = sieFrame(p);
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - cx,
      dy = y[i] - cy;
    isothermalHessianFromKappa(sieKappaAt(p.theta_E, q, c, s, dx, dy), dx, dy, out, i);
  }
}
