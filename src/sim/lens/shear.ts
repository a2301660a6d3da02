import type { Coords, DeflectionOut, HessianOut } from './types.js';

/**
 * External shear, lenstronomy `SHEAR` with ra_0 = dec_0 = 0: psi = gamma1 (x^2 - y^2) / 2 + gamma2 x y,
 * alpha = (gamma1 x + gamma2 y, gamma2 x - gamma1 y).
 */
export interface ShearParams {
  type: 'SHEAR';
  gamma1: number;
  gamma2: number;
}

export function shearDeflection(p: ShearParams, x: Coords, y: Coords, out: DeflectionOut): void {
  for (let i = 0; i < x.length; i++) {
    out.ax[i] += p.gamma1 * x[i] + p.gamma2 * y[i];
    out.ay[i] += p.gamma2 * x[i] - p.gamma1 * y[i];
  }
}

export function shearPotential(p: ShearParams, x: Coords, y: Coords, out: Float64Array): void {
  for (let i = 0; i < x.length; i++)
    out[i] += 0.5 * p.gamma1 * (x[i] * x[i] - y[i] * y[i]) + p.gamma2 * x[i] * y[i];
}

export function shearHessian(p: ShearParams, x: Coords, _y: Coords, out: HessianOut): void {
  for (let i = 0; i < x.length; i++) {
    out.fxx[i] += p.gamma1;
    out.fyy[i] -= p.gamma1;
    out.fxy[i] += p.gamma2;
  }
}

/** Shear magnitude and angle (phi = atan2(gamma2, gamma1) / 2), as lenstronomy's shear_cartesian2polar. */
export function shearPolar(gamma1: number, gamma2: number): { gamma: number; phi: number } {
  return { gamma: Math.hypot(gamma1, gamma2), phi: Math.atan2(gamma2, gamma1) / 2 };
}
