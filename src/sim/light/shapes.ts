/**
 * Non-Sérsic light shapes for hard negatives. Each is normalised so `flux` is its total flux (per arcsec^2 surface
 * brightness integrates to flux), using lenstronomy's product-average elliptical radius R^2 = q x'^2 + y'^2 / q.
 */
import { ellipticityToPhiQ } from '../ellipticity.js';
import { erf } from '../psf.js';
import type { RingForm, SpiralForm } from '../wasm/kernels.js';

/** A Gaussian ring (ring galaxies): I ∝ exp(-(R - R_ring)^2 / (2 width^2)). */
export interface RingParams {
  type: 'RING';
  flux: number;
  R_ring: number;
  width: number;
  e1: number;
  e2: number;
  center_x?: number;
  center_y?: number;
}

/**
 * Exponential disk with m logarithmic spiral arms: I = I0 exp(-R / h) (1 + A cos(m (theta - ln(R/h) / tan(pitch)))).
 * The cosine term averages to ~0 around each ellipse, so the total flux is the disk's 2 pi h^2 I0.
 */
export interface SpiralParams {
  type: 'SPIRAL';
  flux: number;
  h: number;
  arms: number;
  /** Pitch angle, radians. */
  pitch: number;
  /** Arm contrast 0..1. */
  amplitude: number;
  /** Arm phase, radians. */
  phase: number;
  e1: number;
  e2: number;
  center_x?: number;
  center_y?: number;
}

/** A shape's centre and elliptical frame: x' = (c dx + s dy) sqrt(q), y' = (-s dx + c dy) / sqrt(q). */
function shapeFrame(p: RingParams | SpiralParams) {
  const { phi, q } = ellipticityToPhiQ(p.e1, p.e2);
  return { cx: p.center_x ?? 0, cy: p.center_y ?? 0, c: Math.cos(phi), s: Math.sin(phi), sq: Math.sqrt(q) };
}

/** Adds `brightness(x', y')` at every point, (x', y') the point in the shape's elliptical frame. */
function addInFrame(
  p: RingParams | SpiralParams,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array,
  brightness: (xr: number, yr: number) => number,
): void {
  const { cx, cy, c, s, sq } = shapeFrame(p);
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - cx,
      dy = y[i] - cy;
    out[i] += brightness((c * dx + s * dy) * sq, (-s * dx + c * dy) / sq);
  }
}

export function ringTotal(R0: number, w: number): number {
  // ∫_0^∞ exp(-(R-R0)^2/2w^2) 2 pi R dR
  return (
    2 *
    Math.PI *
    (w * w * Math.exp((-R0 * R0) / (2 * w * w)) +
      R0 * w * Math.sqrt(Math.PI / 2) * (1 + erf(R0 / (w * Math.SQRT2))))
  );
}

/** The ring's surface brightness on its ridge (R = R_ring): flux over the profile's integral. */
function ringPeak(p: RingParams): number {
  return p.flux / ringTotal(p.R_ring, p.width);
}

/** The spiral disk's central surface brightness I0 = flux / (2 pi h^2). */
function spiralCentre(p: SpiralParams): number {
  return p.flux / (2 * Math.PI * p.h * p.h);
}

export function ringAdd(
  p: RingParams,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array,
  scale = 1,
): void {
  const a = scale * ringPeak(p);
  const inv = 1 / (2 * p.width * p.width);
  addInFrame(p, x, y, out, (xr, yr) => {
    const d = Math.sqrt(xr * xr + yr * yr) - p.R_ring;
    return a * Math.exp(-d * d * inv);
  });
}

export function spiralAdd(
  p: SpiralParams,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array,
  scale = 1,
): void {
  const a = scale * spiralCentre(p);
  const wind = 1 / Math.tan(p.pitch);
  addInFrame(p, x, y, out, (xr, yr) => {
    const R = Math.max(1e-6, Math.sqrt(xr * xr + yr * yr));
    const theta = Math.atan2(yr, xr);
    const arm = 1 + p.amplitude * Math.cos(p.arms * (theta - wind * Math.log(R / p.h)) + p.phase);
    return a * Math.exp(-R / p.h) * arm;
  });
}

/**
 * The form of a ring or spiral for the renderer's kernels (wasm/sim/shapes.ts: the formulas of ringAdd and
 * spiralAdd in float32), or undefined for spirals whose number of arms is not a whole number from 1 to 16.
 */
export function shapeForm(p: RingParams | SpiralParams): RingForm | SpiralForm | undefined {
  const at = shapeFrame(p);
  if (p.type === 'RING') return { shape: 'ring', a: ringPeak(p), ...at, ring: p.R_ring, width: p.width };
  if (!Number.isInteger(p.arms) || p.arms < 1 || p.arms > 16) return undefined;
  return {
    shape: 'spiral',
    a: spiralCentre(p),
    ...at,
    h: p.h,
    arms: p.arms,
    pitch: p.pitch,
    amplitude: p.amplitude,
    phase: p.phase,
  };
}
