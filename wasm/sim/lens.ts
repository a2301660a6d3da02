// Ray shooting through an SIE + external shear on sample grids, four samples at a time in single precision (the
// f32x4 functions of math4.ts); src/sim/lens/ray-shoot-fast.ts describes the form and its accuracy.
import { atan4, atanhSmall4, log4 } from './math4';

let lensSis = false;
let lF: v128 = f32x4.splat(0);
let lQ2: v128 = f32x4.splat(0);
let lSq: v128 = f32x4.splat(0);
let lC: v128 = f32x4.splat(0);
let lS: v128 = f32x4.splat(0);
let lX: v128 = f32x4.splat(0);
let lY: v128 = f32x4.splat(0);
let lG1: v128 = f32x4.splat(0);
let lG2: v128 = f32x4.splat(0);

/**
 * The lens of the next shoot4: an SIE of axis ratio q < 1 (f = theta_E sqrt(q / (1 - q^2)), major axis at
 * angle phi with cos c, sin s) or with q = 1 an SIS of Einstein radius f, centred on (x, y); external shear g1, g2.
 */
export function sieShear(q: f64, f: f64, c: f64, s: f64, x: f64, y: f64, g1: f64, g2: f64): void {
  lensSis = q >= 1;
  lF = f32x4.splat(<f32>f);
  lQ2 = f32x4.splat(<f32>(q * q));
  lSq = f32x4.splat(<f32>Math.sqrt(Math.max(0, 1 - q * q)));
  lC = f32x4.splat(<f32>c);
  lS = f32x4.splat(<f32>s);
  lX = f32x4.splat(<f32>x);
  lY = f32x4.splat(<f32>y);
  lG1 = f32x4.splat(<f32>g1);
  lG2 = f32x4.splat(<f32>g2);
}

/**
 * (bx, by) = beta = theta - alpha(theta) at the samples (x, y), i < 4 n4 (float32), for the lens of sieShear. In
 * the SIE's frame (x', y'), psi = sqrt(q^2 x'^2 + y'^2): alpha_x' = f atan(sqrt(1 - q^2) x' / psi), alpha_y' =
 * f atanh(sqrt(1 - q^2) y' / psi) (lenstronomy's SIE); the deflection is 0 within 1e-12 arcsec of the centre.
 */
export function raySamples(x: usize, y: usize, n4: i32, bx: usize, by: usize): void {
  const f = lF, q2 = lQ2, sq = lSq, c = lC, s = lS, lx = lX, ly = lY, g1 = lG1, g2 = lG2, sis = lensSis;
  const tiny = f32x4.splat(1e-12),
    half = f32x4.splat(0.5);
  const sign = i32x4.splat(0x80000000);
  for (let i = 0; i < n4; i++) {
    const o = <usize>i << 4;
    const xi = v128.load(x + o),
      yi = v128.load(y + o);
    const ex = f32x4.sub(xi, lx),
      ey = f32x4.sub(yi, ly);
    let ax = f32x4.add(f32x4.mul(g1, xi), f32x4.mul(g2, yi));
    let ay = f32x4.sub(f32x4.mul(g2, xi), f32x4.mul(g1, yi));
    let dax: v128, day: v128, ok: v128;
    if (sis) {
      const r = f32x4.sqrt(f32x4.add(f32x4.mul(ex, ex), f32x4.mul(ey, ey)));
      ok = f32x4.ge(r, tiny);
      const k = f32x4.div(f, r);
      dax = f32x4.mul(ex, k);
      day = f32x4.mul(ey, k);
    } else {
      const xr = f32x4.add(f32x4.mul(c, ex), f32x4.mul(s, ey));
      const yr = f32x4.sub(f32x4.mul(c, ey), f32x4.mul(s, ex));
      const a = f32x4.abs(xr),
        b = f32x4.abs(yr);
      ok = f32x4.ge(f32x4.add(a, b), tiny);
      const psi = f32x4.sqrt(f32x4.add(f32x4.mul(q2, f32x4.mul(a, a)), f32x4.mul(b, b)));
      const k = f32x4.div(sq, psi);
      // G = atan(X), H = atanh(Y) with X = sqrt(1 - q^2) x' / psi, Y = sqrt(1 - q^2) y' / psi; for Y >= 1/2,
      // atanh(Y) = (1/2) log((psi + sqrt(1 - q^2) y')^2 / (q^2 (x'^2 + y'^2))), free of the cancellation in 1 - Y
      const Y = f32x4.mul(b, k);
      let H = atanhSmall4(Y);
      const high = f32x4.gt(Y, half);
      if (v128.any_true(high)) {
        const w = f32x4.add(psi, f32x4.mul(sq, b));
        const r2 = f32x4.mul(q2, f32x4.add(f32x4.mul(a, a), f32x4.mul(b, b)));
        const logH = f32x4.mul(half, log4(f32x4.div(f32x4.mul(w, w), r2)));
        H = v128.bitselect(logH, H, high);
      }
      // f G and f H, given the signs of x' and y'
      const gx = v128.or(f32x4.mul(f, atan4(f32x4.mul(a, k))), v128.and(xr, sign));
      const hy = v128.or(f32x4.mul(f, H), v128.and(yr, sign));
      dax = f32x4.sub(f32x4.mul(c, gx), f32x4.mul(s, hy));
      day = f32x4.add(f32x4.mul(s, gx), f32x4.mul(c, hy));
    }
    ax = f32x4.add(ax, v128.and(dax, ok));
    ay = f32x4.add(ay, v128.and(day, ok));
    v128.store(bx + o, f32x4.sub(xi, ax));
    v128.store(by + o, f32x4.sub(yi, ay));
  }
}

/**
 * raySamples for the samples of the pixels in rows r0..r1, columns c0..c1 of a size x size grid (start: each
 * pixel's first sample, i32), and for the next group of four after each row's last, so that lightPixels, which
 * reads a pixel's samples four at a time, reads only positions computed here. The other positions are left as
 * they are.
 */
export function raySamplesBox(x: usize, y: usize, start: usize, size: i32, r0: i32, r1: i32, c0: i32, c1: i32, bx: usize, by: usize): void {
  for (let r = r0; r <= r1; r++) {
    const k0 = load<i32>(start + (<usize>(r * size + c0) << 2)),
      k1 = load<i32>(start + (<usize>(r * size + c1 + 1) << 2));
    const o = <usize>k0 << 2;
    raySamples(x + o, y + o, ((k1 - k0 + 3) >> 2) + 1, bx + o, by + o);
  }
}
