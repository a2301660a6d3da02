// Light on sample grids, four samples at a time: the current light (a Sérsic profile, sersic.ts, or a spiral or
// ring, shapes.ts) at samples, and its means over each pixel's samples.
import { sersic4 } from './sersic';
import { ring4, spiral4 } from './shapes';

const SERSIC = 0;
const SPIRAL = 1;
const RING = 2;
let kind = SERSIC;

/** Which light the next calls evaluate: 0 the Sérsic profile of sersicProfile/sersicShape, 1 spiralForm's, 2 ringForm's. */
export function lightKind(k: i32): void {
  kind = k;
}

@inline function light4(x: v128, y: v128): v128 {
  if (kind == SERSIC) return sersic4(x, y);
  return kind == SPIRAL ? spiral4(x, y) : ring4(x, y);
}

/**
 * out[p] = scale * mean of I over pixel p's samples start[p] .. start[p + 1] - 1 (coordinates x, y: float32),
 * taken four at a time from the pixel's first (lanes past its last are masked; x and y have room for them).
 */
export function lightPixels(x: usize, y: usize, start: usize, npix: i32, out: usize, scale: f64): void {
  const lane = i32x4(0, 1, 2, 3);
  for (let p = 0; p < npix; p++) {
    const k0 = load<i32>(start + (<usize>p << 2)),
      k1 = load<i32>(start + (<usize>p << 2), 4);
    let acc = f32x4.splat(0);
    for (let k = k0; k < k1; k += 4) {
      const o = <usize>k << 2;
      let v = light4(v128.load(x + o), v128.load(y + o));
      if (k + 4 > k1) v = v128.and(v, i32x4.lt_s(lane, i32x4.splat(k1 - k)));
      acc = f32x4.add(acc, v);
    }
    const wide = f64x2.add(f64x2.promote_low_f32x4(acc), f64x2.promote_low_f32x4(f32x4.shuffle(acc, acc, 2, 3, 0, 1)));
    const sum = f64x2.extract_lane(wide, 0) + f64x2.extract_lane(wide, 1);
    store<f64>(out + (<usize>p << 3), (sum * scale) / <f64>(k1 - k0));
  }
}

/**
 * lightPixels over the pixels of rows r0..r1, columns c0..c1 of a size x size cutout (out and start index the whole
 * cutout); the other pixels of out are left as they are.
 */
export function lightPixelsBox(x: usize, y: usize, start: usize, size: i32, r0: i32, r1: i32, c0: i32, c1: i32, out: usize, scale: f64): void {
  for (let r = r0; r <= r1; r++) {
    const p = <usize>(r * size + c0);
    lightPixels(x, y, start + (p << 2), c1 - c0 + 1, out + (p << 3), scale);
  }
}

/** out[i] = I(x[i], y[i]) (float32) for i < 4 n4 (x, y float32). */
export function lightSamples(x: usize, y: usize, n4: i32, out: usize): void {
  for (let i = 0; i < n4; i++) {
    const o = <usize>i << 4;
    v128.store(out + o, light4(v128.load(x + o), v128.load(y + o)));
  }
}
