/**
 * Adaptive elliptical moments of a galaxy's light (the shape part of measure.ts): light-weighted second moments in
 * an elliptical Gaussian window iterated to the light's own axis ratio and angle.
 */
import type { Kernel } from '../sim/psf.js';

/** Second moments of a kernel about its centre, in pixels^2 (the mean of the two axes' variances). */
export function kernelVariance(k: Kernel): number {
  const h = (k.size - 1) / 2;
  let m = 0,
    s = 0;
  for (let r = 0; r < k.size; r++)
    for (let c = 0; c < k.size; c++) {
      const v = k.data[r * k.size + c];
      m += v * ((r - h) ** 2 + (c - h) ** 2);
      s += v;
    }
  return m / s / 2;
}

/** A symmetric 2x2 matrix [[xx, xy], [xy, yy]]. */
export interface Sym2 {
  xx: number;
  yy: number;
  xy: number;
}

function inverse(m: Sym2): Sym2 {
  const det = m.xx * m.yy - m.xy * m.xy;
  return { xx: m.yy / det, yy: m.xx / det, xy: -m.xy / det };
}

/** Axis ratio and angle of a covariance (x right, y up). */
export function axes(m: Sym2): { q: number; phi: number } {
  const tr = (m.xx + m.yy) / 2,
    dd = Math.hypot((m.xx - m.yy) / 2, m.xy);
  const l1 = tr + dd,
    l2 = tr - dd;
  return { q: l1 > 0 && l2 > 0 ? Math.sqrt(l2 / l1) : NaN, phi: 0.5 * Math.atan2(2 * m.xy, m.xx - m.yy) };
}

/** The covariance of axis ratio q and angle phi with geometric-mean variance s2. */
function shapeMatrix(q: number, phi: number, s2: number): Sym2 {
  const a = s2 / q,
    b = s2 * q,
    c = Math.cos(phi),
    sn = Math.sin(phi);
  return { xx: a * c * c + b * sn * sn, yy: a * sn * sn + b * c * c, xy: (a - b) * c * sn };
}

/** Light-weighted second moments of `values` over `pixels` about (xc, yc) in the window of inverse covariance wi. */
export function windowMoments(
  values: ArrayLike<number>,
  pixels: Int32Array,
  size: number,
  xc: number,
  yc: number,
  wi: Sym2,
): Sym2 | undefined {
  const h = (size - 1) / 2;
  let xx = 0,
    yy = 0,
    xy = 0,
    f = 0;
  for (const p of pixels) {
    const x = (p % size) - h - xc,
      y = h - Math.floor(p / size) - yc;
    const u = wi.xx * x * x + 2 * wi.xy * x * y + wi.yy * y * y;
    if (u > 50) continue; // weight below 1.4e-11
    const w = Math.exp(-0.5 * u) * values[p];
    xx += w * x * x;
    yy += w * y * y;
    xy += w * x * y;
    f += w;
  }
  return f > 0 ? { xx: xx / f, yy: yy / f, xy: xy / f } : undefined;
}

export interface WindowShape {
  /** The observed light's axis ratio and angle (window divided out as for a Gaussian). */
  q: number;
  phi: number;
  /** The final window's inverse covariance and the axis ratio of the raw moments in it. */
  wi: Sym2;
  raw: number;
}

/**
 * Second moments in an elliptical Gaussian window of geometric-mean variance s2 (pixels^2) whose shape is iterated
 * to the light's: the window is divided out as for a Gaussian, C = (Q^-1 - W^-1)^-1, and C's shape is the next
 * window's. For an elliptical profile the fixed point is the profile's own axis ratio and angle.
 */
export function windowShape(
  d: Float64Array,
  pixels: Int32Array,
  size: number,
  xc: number,
  yc: number,
  s2: number,
): WindowShape {
  let q = 1,
    phi = 0;
  let wi = inverse(shapeMatrix(q, phi, s2));
  let raw = 1;
  for (let it = 0; it < 50; it++) {
    wi = inverse(shapeMatrix(q, phi, s2));
    const m = windowMoments(d, pixels, size, xc, yc, wi);
    if (!m) break;
    raw = axes(m).q;
    const qi = inverse(m);
    const e = axes(inverse({ xx: qi.xx - wi.xx, yy: qi.yy - wi.yy, xy: qi.xy - wi.xy }));
    if (!(e.q > 0)) break;
    const moved = Math.abs(e.q - q) + Math.abs(Math.sin(e.phi - phi));
    q = e.q;
    phi = e.phi;
    if (moved < 1e-4) break;
  }
  return { q, phi, wi, raw };
}
