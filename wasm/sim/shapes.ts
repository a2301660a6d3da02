// The hard negatives' light shapes of src/sim/light/shapes.ts (logarithmic spirals and Gaussian rings) at four
// samples at a time in float32, for the renderer (light.ts); same formulas, lenstronomy's elliptical radius
// R^2 = q x'^2 + y'^2 / q.
import { cos4, exp4, log4, sin4, sincos4 } from './math4';

// the current shape: amplitude, centre, frame (cos, sin of the angle; sqrt(q))
let sA: v128 = f32x4.splat(0);
let sX: v128 = f32x4.splat(0);
let sY: v128 = f32x4.splat(0);
let sC: v128 = f32x4.splat(0);
let sS: v128 = f32x4.splat(0);
let sQ: v128 = f32x4.splat(0);
let sInvQ: v128 = f32x4.splat(0);
// spiral: 1 / h, arms m, m / tan(pitch), arm contrast, phase; ring: R_ring, 1 / (2 width^2)
let sInvH: v128 = f32x4.splat(0);
let sArms: i32 = 0;
let sWind: v128 = f32x4.splat(0);
let sContrast: v128 = f32x4.splat(0);
let sPhase: v128 = f32x4.splat(0);
let sRing: v128 = f32x4.splat(0);
let sInvW: v128 = f32x4.splat(0);

function frame(a: f64, cx: f64, cy: f64, c: f64, s: f64, sq: f64): void {
  sA = f32x4.splat(<f32>a);
  sX = f32x4.splat(<f32>cx);
  sY = f32x4.splat(<f32>cy);
  sC = f32x4.splat(<f32>c);
  sS = f32x4.splat(<f32>s);
  sQ = f32x4.splat(<f32>sq);
  sInvQ = f32x4.splat(<f32>(1 / sq));
}

/** A spiral: I = a exp(-R / h) (1 + contrast cos(arms (theta - ln(R / h) / tan(pitch)) + phase)), integer arms. */
export function spiralForm(a: f64, cx: f64, cy: f64, c: f64, s: f64, sq: f64, h: f64, arms: i32, pitch: f64,
  contrast: f64, phase: f64): void {
  frame(a, cx, cy, c, s, sq);
  sInvH = f32x4.splat(<f32>(1 / h));
  sArms = arms;
  sWind = f32x4.splat(<f32>(<f64>arms / Math.tan(pitch)));
  sContrast = f32x4.splat(<f32>contrast);
  sPhase = f32x4.splat(<f32>phase);
}

/** A ring: I = a exp(-(R - ring)^2 / (2 width^2)). */
export function ringForm(a: f64, cx: f64, cy: f64, c: f64, s: f64, sq: f64, ring: f64, width: f64): void {
  frame(a, cx, cy, c, s, sq);
  sRing = f32x4.splat(<f32>ring);
  sInvW = f32x4.splat(<f32>(1 / (2 * width * width)));
}

// the frame coordinates of the last toFrame
let fx: v128 = f32x4.splat(0);
let fy: v128 = f32x4.splat(0);

@inline function toFrame(x: v128, y: v128): void {
  const dx = f32x4.sub(x, sX),
    dy = f32x4.sub(y, sY);
  fx = f32x4.mul(f32x4.add(f32x4.mul(sC, dx), f32x4.mul(sS, dy)), sQ);
  fy = f32x4.mul(f32x4.sub(f32x4.mul(sC, dy), f32x4.mul(sS, dx)), sInvQ);
}

/** The spiral at four samples. */
// prettier-ignore
@inline export function spiral4(x: v128, y: v128): v128 {
  toFrame(x, y);
  const r = f32x4.sqrt(f32x4.add(f32x4.mul(fx, fx), f32x4.mul(fy, fy)));
  const R = f32x4.pmax(r, f32x4.splat(1e-6));
  // cos(m theta), sin(m theta) as the m-th power of the unit vector (theta = atan2(y, x); 0 at the centre)
  const centre = f32x4.eq(r, f32x4.splat(0));
  const ux = v128.bitselect(f32x4.splat(1), f32x4.div(fx, r), centre),
    uy = v128.andnot(f32x4.div(fy, r), centre);
  let cm = ux,
    sm = uy;
  for (let k = 1; k < sArms; k++) {
    const c2 = f32x4.sub(f32x4.mul(cm, ux), f32x4.mul(sm, uy));
    sm = f32x4.add(f32x4.mul(sm, ux), f32x4.mul(cm, uy));
    cm = c2;
  }
  // cos(m theta + psi), psi = phase - m ln(R / h) / tan(pitch)
  sincos4(f32x4.sub(sPhase, f32x4.mul(sWind, log4(f32x4.mul(R, sInvH)))));
  const arm = f32x4.add(f32x4.splat(1), f32x4.mul(sContrast, f32x4.sub(f32x4.mul(cm, cos4), f32x4.mul(sm, sin4))));
  return f32x4.mul(f32x4.mul(sA, exp4(f32x4.pmax(f32x4.neg(f32x4.mul(R, sInvH)), f32x4.splat(-87)))), arm);
}

/** The ring at four samples. */
@inline export function ring4(x: v128, y: v128): v128 {
  toFrame(x, y);
  const d = f32x4.sub(f32x4.sqrt(f32x4.add(f32x4.mul(fx, fx), f32x4.mul(fy, fy))), sRing);
  return f32x4.mul(sA, exp4(f32x4.pmax(f32x4.neg(f32x4.mul(f32x4.mul(d, d), sInvW)), f32x4.splat(-87))));
}
