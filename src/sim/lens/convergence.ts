import type { Coords, DeflectionOut, HessianOut } from './types.js';

/** Uniform mass sheet, lenstronomy `CONVERGENCE` (ra_0 = dec_0 = 0): psi = kappa r^2 / 2, alpha = kappa (x, y). */
export interface ConvergenceParams {
  type: 'CONVERGENCE';
  kappa: number;
}

export function sheetDeflection(p: ConvergenceParams, x: Coords, y: Coords, out: DeflectionOut): void {
  for (let i = 0; i < x.length; i++) {
    out.ax[i] += p.kappa * x[i];
    out.ay[i] += p.kappa * y[i];
  }
}

export function sheetPotential(p: ConvergenceParams, x: Coords, y: Coords, out: Float64Array): void {
  for (let i = 0; i < x.length; i++) out[i] += 0.5 * p.kappa * (x[i] * x[i] + y[i] * y[i]);
}

export function sheetConvergence(p: ConvergenceParams, x: Coords, _y: Coords, out: Float64Array): void {
  for (let i = 0; i < x.length; i++) out[i] += p.kappa;
}

export function sheetHessian(p: ConvergenceParams, x: Coords, _y: Coords, out: HessianOut): void {
  for (let i = 0; i < x.length; i++) {
    out.fxx[i] += p.kappa;
    out.fyy[i] += p.kappa;
  }
}
