/** The PSF convolution of the simulator's WebAssembly glue (wasm/sim/convolve.ts; kernels.ts re-exports it). */
import { LensfindError } from '../../errors.js';
import { wasm } from './instance.js';
import { copyIn, intoArray, lanes, scratch, type PixelBox } from './scratch.js';

/** Taps either side of the centre that the WebAssembly convolution takes (kernels of up to 25 taps). */
export const MAX_HALF = 12;

/**
 * dst (h x w, a pointer) = src (a pointer) convolved ("same", zero padding) with the symmetric odd kernel k of at
 * most 25 taps, rows then columns, summed on four float32 lanes (within 1e-6 of the image's peak of psf.ts's
 * float64 passes; test/sim/fast-render.test.ts). With `box`, only the outputs in it are computed (the same bits
 * as without it); the rest of dst is left as it is.
 */
export function convolvePtr(
  src: number,
  dst: number,
  h: number,
  w: number,
  k: Float64Array,
  box?: PixelBox,
): void {
  const b = box ?? { r0: 0, r1: h - 1, c0: 0, c1: w - 1 };
  convolveWindow(src, dst, h, w, k, b, false);
}

/**
 * convolvePtr of a plane whose light is compact (lensed arcs): only the outputs within the kernel's reach of its
 * non-zero values are computed, and the rest of dst is set to 0, which is what they are. Returns that reach
 * (empty, r1 < r0, for an empty plane).
 */
export function convolveCompactPtr(
  src: number,
  dst: number,
  h: number,
  w: number,
  k: Float64Array,
): PixelBox {
  const box = scratch.box.i32(4);
  wasm.nonzeroBox(src, h, w, scratch.box.ptr);
  const half = (k.length - 1) >> 1;
  const [r0, r1, c0, c1] = box;
  const reach =
    r1 < r0
      ? { r0: 0, r1: -1, c0: 0, c1: -1 }
      : {
          r0: Math.max(0, r0 - half),
          r1: Math.min(h - 1, r1 + half),
          c0: Math.max(0, c0 - half),
          c1: Math.min(w - 1, c1 + half),
        };
  convolveWindow(src, dst, h, w, k, reach, true);
  return reach;
}

function convolveWindow(
  src: number,
  dst: number,
  h: number,
  w: number,
  k: Float64Array,
  box: PixelBox,
  zero: boolean,
): void {
  const half = (k.length - 1) >> 1;
  if (half > MAX_HALF) {
    throw new LensfindError(
      'E_SIM',
      `convolve: the PSF kernel has ${k.length} taps, more than the ${2 * MAX_HALF + 1} the renderer takes`,
    );
  }
  const w4 = lanes(w); // float32 rows of whole groups of four
  scratch.rows.reserve(4 * (h + 2 * MAX_HALF) * w4);
  scratch.line.reserve(4 * (w4 + 2 * MAX_HALF));
  const taps = scratch.taps.f64(MAX_HALF + 1);
  taps.fill(0);
  for (let t = 0; t <= half; t++) taps[t] = k[half + t];
  const { r0, r1, c0, c1 } = box;
  wasm.convolveSymmetric(
    src,
    dst,
    scratch.rows.ptr,
    scratch.line.ptr,
    scratch.taps.ptr,
    h,
    w,
    half <= 7 ? 1 : 0,
    r0,
    r1,
    c0,
    c1,
    zero ? 1 : 0,
  );
}

/** convolvePtr on arrays. */
export function convolveSymmetric8(
  image: ArrayLike<number>,
  out: Float64Array,
  h: number,
  w: number,
  k: Float64Array,
): void {
  const src = copyIn(scratch.a, image);
  intoArray(out, h * w, (dst) => convolvePtr(src, dst, h, w, k));
}
