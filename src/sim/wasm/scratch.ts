/**
 * Scratch memory of the simulator's WebAssembly glue (kernels.ts and its parts): regions reused by every call on
 * this thread, and the copies in and out of them.
 */
import { f64View, Region } from './instance.js';

export const scratch = {
  a: new Region(),
  b: new Region(),
  rows: new Region(),
  line: new Region(),
  taps: new Region(),
  box: new Region(),
};

/** Pixels rows r0..r1 and columns c0..c1 (inclusive) of a size x size cutout. */
export interface PixelBox {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/** Runs `write` on scratch room for n values (and a pair's slack), then copies the n values to `out`. */
export function intoArray(out: Float64Array, n: number, write: (dst: number) => void): void {
  const dst = scratch.b.reserve(8 * (n + 2));
  write(dst);
  out.set(f64View(dst, n)); // a view made after `write`, which may have grown the memory
}

/** Copies `data` into `region` and returns its pointer. */
export function copyIn(region: Region, data: ArrayLike<number>): number {
  region.f64(data.length).set(data instanceof Float64Array ? data : Float64Array.from(data));
  return region.ptr;
}

/** Room for n float32 values in whole groups of four (the kernels' lanes). */
export const lanes = (n: number) => 4 * Math.ceil(n / 4);

/**
 * Copies sample coordinates into `region` as float32, with zeros after them up to eight past whole groups of four:
 * the Sérsic kernel reads a pixel's samples four at a time from its first (lanes past its last are masked), and
 * raySamplesBox shoots one group past a row's last sample.
 */
export function samplesIn(region: Region, data: ArrayLike<number>): number {
  const all = region.f32(lanes(data.length) + 8);
  all.fill(0, data.length);
  all.set(data);
  return region.ptr;
}
