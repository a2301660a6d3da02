/**
 * Fast elliptical Sérsic evaluation for rendering: the same profile as sersicAdd (sersic.ts), I = I0
 * exp(-b_n (R / R_sersic)^(1/n)), with the radial function tabulated per call on the squared radius u = R^2 /
 * R_sersic^2 instead of two exp and one log per sample. The loops run in WebAssembly (wasm/sim/sersic.ts), four
 * samples at a time in float32.
 *
 * The table is indexed by u's float32 bits: the exponent (octave) and the top 5 mantissa bits give 32 cells per
 * octave, and the remaining 18 bits the position tau in the cell. Each cell holds a cubic Hermite interpolant of
 * F(u) built from exact F and dF/dln(u) at its two ends (nodes shared with the neighbour cells), so the fit is C1
 * across octaves; its coefficients are stored as float32. Cells are built lazily, only where samples fall (a few
 * hundred per profile). The relative error is < 1e-5 where I > 1e-4 I0, and every sample is within 5e-7 I0
 * (test/sim/fast-render.test.ts checks it against sersicAdd); the tail beyond the cut of sersicAdd is skipped the
 * same way.
 */
import { ellipticityToPhiQ } from '../ellipticity.js';
import type { SieShearPass } from '../lens/ray-shoot-fast.js';
import { lensedPixelsOn, lightAddAt, type SersicForm } from '../wasm/kernels.js';
import { sersicBn, type SersicEllipseParams, type SersicParams } from './sersic.js';

const R_SMOOTH2 = 1e-10; // sersic.ts: R floor 1e-5 arcsec, squared
const CUT = 36.8; // sersic.ts: profile below e^-36.8 of the centre is skipped

/** The profile's constants: amplitude, b_n, the quadratic form of u (rotation and ellipse folded in), floor, cut. */
export function sersicForm(p: SersicEllipseParams | SersicParams): SersicForm {
  const { phi, q } = p.type === 'SERSIC_ELLIPSE' ? ellipticityToPhiQ(p.e1, p.e2) : { phi: 0, q: 1 };
  const invR2 = 1 / (p.R_sersic * p.R_sersic);
  const c = Math.cos(phi),
    s = Math.sin(phi);
  const bn = sersicBn(p.n_sersic);
  return {
    shape: 'sersic',
    a: p.amp * Math.exp(bn),
    bn,
    half: 0.5 / p.n_sersic,
    A: (c * c * q + (s * s) / q) * invR2,
    B: 2 * c * s * (q - 1 / q) * invR2,
    C: (s * s * q + (c * c) / q) * invR2,
    cx: p.center_x ?? 0,
    cy: p.center_y ?? 0,
    uMin: R_SMOOTH2 * invR2,
    cut: Math.pow(1 + CUT / bn, 2 * p.n_sersic),
  };
}

/** Adds scale * I(x, y) into out, like sersicAdd, through the per-call table. */
export function sersicAddFast(
  p: SersicEllipseParams | SersicParams,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array,
  scale = 1,
): void {
  lightAddAt(sersicForm(p), x, y, out, scale);
}

/** A sample grid (raster.ts SampleGrid): immutable coordinates and each pixel's first sample. */
export interface SampleLayout {
  x: Float64Array;
  y: Float64Array;
  start: Int32Array;
}

/**
 * Pixel values of a lensed Sérsic source straight from the samples: out[p] = scale * mean of I(beta) over pixel p's
 * samples (k in start[p] .. start[p + 1]), beta = theta - alpha(theta) for an SIE + shear on four float32 lanes
 * (accuracy in ray-shoot-fast.ts). Also writes beta to `beta` (bx, by) when given.
 */
export function sersicPixelsLensed(
  p: SersicEllipseParams | SersicParams,
  lens: SieShearPass,
  grid: SampleLayout,
  out: Float64Array,
  scale = 1,
  beta?: { bx: Float64Array; by: Float64Array },
): void {
  lensedPixelsOn(sersicForm(p), lens, grid, out, scale, beta);
}
