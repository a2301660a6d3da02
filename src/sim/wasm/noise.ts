/** Noise and the arcs' measures in the simulator's WebAssembly glue (wasm/sim/noise.ts; kernels.ts re-exports it). */
import { ZIGGURAT, type Rng } from '../rng.js';
import { f32View, f64View, Region, wasm } from './instance.js';
import { copyIn, scratch, type PixelBox } from './scratch.js';

const noise = { out: new Region(), tables: new Region() };
{
  const t = noise.tables.f64(3 * 128);
  t.set(ZIGGURAT.K, 0);
  t.set(ZIGGURAT.W, 128);
  t.set(ZIGGURAT.F, 256);
  const p = noise.tables.ptr;
  wasm.noiseTables(p, p + 128 * 8, p + 256 * 8);
}

/** Survey noise parameters in electrons: total exposure t, sky per pixel, read variance, normal-limit threshold. */
export interface NoiseForm {
  t: number;
  sky: number;
  readVariance: number;
  limit: number;
}

/**
 * out[i] = src[i] (a pointer, e-/s) plus survey noise drawn from `rng` (noise.ts addNoiseInto's arithmetic and
 * the Rng's gaussZig and poisson draws, in the same order), leaving `rng` where those draws leave it.
 */
export function addNoisePtr(src: number, out: Float32Array | Float64Array, f: NoiseForm, rng: Rng): void {
  const n = out.length;
  const single = out instanceof Float32Array;
  const dst = noise.out.reserve(out.BYTES_PER_ELEMENT * n);
  const [a, b, c, d] = rng.getState();
  wasm.rngSet(a, b, c, d);
  wasm.addNoise(src, dst, n, f.t, f.sky, f.readVariance, f.limit, single ? 1 : 0);
  rng.setState([wasm.rngWord(0), wasm.rngWord(1), wasm.rngWord(2), wasm.rngWord(3)]);
  out.set(single ? f32View(dst, n) : f64View(dst, n));
}

/** addNoisePtr from an array. */
export function addNoiseWith(
  image: ArrayLike<number>,
  out: Float32Array | Float64Array,
  f: NoiseForm,
  rng: Rng,
): void {
  if (image.length !== out.length)
    throw new RangeError(`addNoise: ${image.length} values into ${out.length}`);
  addNoisePtr(copyIn(scratch.a, image), out, f, rng);
}

// ---- arc signal-to-noise --------------------------------------------------------------------------------------

/** The noise model's terms of a pixel's variance: total exposure t (s), sky (e-/s per pixel), read variance (e-^2). */
export interface VarianceForm {
  t: number;
  skyPerPixel: number;
  readVariance: number;
}

/** Arc SNR (arc-snr.ts) of the planes `arc` and `total` (pointers, n pixels). */
export function arcSnrPtr(arc: number, total: number, n: number, f: VarianceForm): number {
  return wasm.arcSnr(arc, total, n, f.t, f.skyPerPixel, f.readVariance);
}

/** What arcMeasuresPtr measures of a cutout's arcs in one band (band-planes.ts arcMeasures). */
export interface ArcMeasures {
  snr: number;
  contrast: number;
  span: number;
}

/**
 * Arc SNR, contrast and span of the size x size planes `arc` and `total` about (cx, cy) arcsec, in one pass; over
 * the pixels of `reach` only, when the arc is 0 outside it (and `total` need not be filled there).
 */
export function arcMeasuresPtr(
  arc: number,
  total: number,
  size: number,
  f: VarianceForm,
  cx: number,
  cy: number,
  scale: number,
  reach: PixelBox = { r0: 0, r1: size - 1, c0: 0, c1: size - 1 },
): ArcMeasures {
  const { r0, r1, c0, c1 } = reach;
  const snr = wasm.arcMeasures(
    arc,
    total,
    size,
    f.t,
    f.skyPerPixel,
    f.readVariance,
    cx,
    cy,
    scale,
    r0,
    r1,
    c0,
    c1,
  );
  return { snr, contrast: wasm.arcContrastLast(), span: wasm.arcSpanLast() };
}

/** arcSnrPtr of arrays. */
export function arcSnrOf(arc: ArrayLike<number>, total: ArrayLike<number>, f: VarianceForm): number {
  if (arc.length !== total.length)
    throw new RangeError(`arcSnr: ${arc.length} arc pixels, ${total.length} total`);
  return arcSnrPtr(copyIn(scratch.a, arc), copyIn(scratch.b, total), arc.length, f);
}
