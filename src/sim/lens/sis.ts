import type { Coords, DeflectionOut, HessianOut } from './types.js';

/** Singular isothermal sphere (lenstronomy `SIS`): kappa = theta_E / (2 r), |alpha| = theta_E. */
export interface SisParams {
  type: 'SIS';
  theta_E: number;
  center_x?: number;
  center_y?: number;
}

// Below this radius (arcsec) the point is treated as the centre: alpha = 0 there, as in lenstronomy's stabilisation.
const R_MIN = 1e-12;

export function sisDeflection(p: SisParams, x: Coords, y: Coords, out: DeflectionOut): void {
  const cx = p.center_x ?? 0,
    cy = p.center_y ?? 0,
    b = p.theta_E;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - cx,
      dy = y[i] - cy;
    const r = Math.sqrt(dx * dx + dy * dy);
    if (r < R_MIN) continue;
    out.ax[i] += (b * dx) / r;
    out.ay[i] += (b * dy) / r;
  }
}

/** psi = theta_E r. */
export function sisPotential(p: SisParams, x: Coords, y: Coords, out: Float64Array): void {
  const cx = p.center_x ?? 0,
    cy = p.center_y ?? 0;
  for (let i = 0; i < x.length; i++) out[i] += p.theta_E * Math.hypot(x[i] - cx, y[i] - cy);
}

export function sisConvergence(p: SisParams, x: Coords, y: Coords, out: Float64Array): void {
  const cx = p.center_x ?? 0,
    cy = p.center_y ?? 0;
  for (let i = 0; i < x.length; i++) {
    const r = Math.max(R_MIN, Math.hypot(x[i] - cx, y[i] - cy));
    out[i] += p.theta_E / (2 * r);
  }
}

/**
 * Hessian of any isothermal (degree-1 homogeneous) potential: (x, y) is in its null space and its trace is 2 kappa,
 * so f_xx = 2 kappa y^2 / r^2, f_yy = 2 kappa x^2 / r^2, f_xy = -2 kappa x y / r^2. Shared by SIS and SIE.
 */
export function isothermalHessianFromKappa(
  kappa: number,
  dx: number,
  dy: number,
  out: HessianOut,
  i: number,
): void {
  const r2 = Math.max(R_MIN * R_MIN, dx * dx + dy * dy);
  const k2 = (2 * kappa) / r2;
  out.fxx[i] += k2 * dy * dy;
  out.fyy[i] += k2 * dx * dx;
  out.fxy[i] -= k2 * dx * dy;
}

export function sisHessian(p: SisParams, x: Coords, y: Coords, out: HessianOut): void {
  const cx = p.center_x ?? 0,
    cy = p.center_y ?? 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - cx,
      dy = y[i] - cy;
    const r = Math.max(R_MIN, Math.hypot(dx, dy));
    isothermalHessianFromKappa(p.theta_E / (2 * r), dx, dy, out, i);
  }
}
