/**
 * The simulator's hot loops (wasm/sim/*.ts, run by instance.ts). Each kernel has a pointer form, on planes that
 * live in the instance's memory (band-planes.ts renders a cutout that way, without copies), and an array form that
 * copies its arrays in and out (tens of microseconds against milliseconds of work). The sample grid's coordinates
 * are immutable (raster.ts caches grids) and copied in once per grid, as float32: the Sérsic light and the ray
 * shooting run on four float32 lanes (sersic-fast.ts and ray-shoot-fast.ts state their accuracy).
 */
import { LensfindError } from '../../errors.js';
import { ZIGGURAT, type Rng } from '../rng.js';
import type { SieShearPass } from '../lens/ray-shoot-fast.js';
import { f32View, f64View, Region, wasm } from './instance.js';

const scratch = {
  a: new Region(),
  b: new Region(),
  rows: new Region(),
  line: new Region(),
  taps: new Region(),
  box: new Region(),
};
/** A sample grid's coordinates and pixel starts in the instance's memory. */
interface GridRegions {
  x: Region;
  y: Region;
  start: Region;
}
// the grids copied in, most recent last: a lens's quick look and its full render alternate between two grids
const grids = new Map<object, GridRegions>();
const GRIDS_KEPT = 4;
/** The current grid (useGrid's). */
let grid: GridRegions = { x: new Region(), y: new Region(), start: new Region() };
const points = { x: new Region(), y: new Region() };
const beta = { x: new Region(), y: new Region() };

/** Runs `write` on scratch room for n values (and a pair's slack), then copies the n values to `out`. */
function intoArray(out: Float64Array, n: number, write: (dst: number) => void): void {
  const dst = scratch.b.reserve(8 * (n + 2));
  write(dst);
  out.set(f64View(dst, n)); // a view made after `write`, which may have grown the memory
}

/** Copies `data` into `region` and returns its pointer. */
function copyIn(region: Region, data: ArrayLike<number>): number {
  region.f64(data.length).set(data instanceof Float64Array ? data : Float64Array.from(data));
  return region.ptr;
}

/** Room for n float32 values in whole groups of four (the kernels' lanes). */
const lanes = (n: number) => 4 * Math.ceil(n / 4);

/**
 * Copies sample coordinates into `region` as float32, with zeros after them up to eight past whole groups of four:
 * the Sérsic kernel reads a pixel's samples four at a time from its first (lanes past its last are masked), and
 * raySamplesBox shoots one group past a row's last sample.
 */
function samplesIn(region: Region, data: ArrayLike<number>): number {
  const all = region.f32(lanes(data.length) + 8);
  all.fill(0, data.length);
  all.set(data);
  return region.ptr;
}

// ---- convolution --------------------------------------------------------------------------------------------

/** Taps either side of the centre that the WebAssembly convolution takes (kernels of up to 25 taps). */
export const MAX_HALF = 12;

/**
 * dst (h x w, a pointer) = src (a pointer) convolved ("same", zero padding) with the symmetric odd kernel k of at
 * most 25 taps, rows then columns, summed on four float32 lanes (within 1e-6 of the image's peak of psf.ts's
 * float64 passes; test/sim/fast-render.test.ts). With `box`, only the outputs in it are computed (the same bits
 * as without it); the rest of dst is left as it is.
 */
export function convolvePtr(src: number, dst: number, h: number, w: number, k: Float64Array, box?: PixelBox): void {
  const b = box ?? { r0: 0, r1: h - 1, c0: 0, c1: w - 1 };
  convolveWindow(src, dst, h, w, k, b, false);
}

/**
 * convolvePtr of a plane whose light is compact (lensed arcs): only the outputs within the kernel's reach of its
 * non-zero values are computed, and the rest of dst is set to 0, which is what they are. Returns that reach
 * (empty, r1 < r0, for an empty plane).
 */
export function convolveCompactPtr(src: number, dst: number, h: number, w: number, k: Float64Array): PixelBox {
  const box = scratch.box.i32(4);
  wasm.nonzeroBox(src, h, w, scratch.box.ptr);
  const half = (k.length - 1) >> 1;
  const [r0, r1, c0, c1] = box;
  const reach =
    r1 < r0
      ? { r0: 0, r1: -1, c0: 0, c1: -1 }
      : { r0: Math.max(0, r0 - half), r1: Math.min(h - 1, r1 + half), c0: Math.max(0, c0 - half), c1: Math.min(w - 1, c1 + half) };
  convolveWindow(src, dst, h, w, k, reach, true);
  return reach;
}

function convolveWindow(src: number, dst: number, h: number, w: number, k: Float64Array, box: PixelBox, zero: boolean): void {
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

// ---- light, plain and lensed -----------------------------------------------------------------------------------

/** A Sérsic profile F(u) = a exp(-bn u^half) and its ellipse u = A dx^2 + B dx dy + C dy^2 about (cx, cy). */
export interface SersicForm {
  shape: 'sersic';
  a: number;
  bn: number;
  half: number;
  A: number;
  B: number;
  C: number;
  cx: number;
  cy: number;
  uMin: number;
  cut: number;
}

/** The frame of an elliptical shape: amplitude, centre, cos and sin of its angle, sqrt(q). */
interface ShapeFrame {
  a: number;
  cx: number;
  cy: number;
  c: number;
  s: number;
  sq: number;
}

/** A spiral (light/shapes.ts spiralAdd) with an integer number of arms. */
export interface SpiralForm extends ShapeFrame {
  shape: 'spiral';
  h: number;
  arms: number;
  pitch: number;
  amplitude: number;
  phase: number;
}

/** A Gaussian ring (light/shapes.ts ringAdd). */
export interface RingForm extends ShapeFrame {
  shape: 'ring';
  ring: number;
  width: number;
}

/** A light the kernels evaluate (wasm/sim/light.ts). */
export type LightForm = SersicForm | SpiralForm | RingForm;

const LIGHT_KIND = { sersic: 0, spiral: 1, ring: 2 } as const;

function useLight(f: LightForm): void {
  if (f.shape === 'sersic') {
    wasm.sersicProfile(f.a, f.bn, f.half);
    wasm.sersicShape(f.A, f.B, f.C, f.cx, f.cy, f.uMin, f.cut);
  } else if (f.shape === 'spiral')
    wasm.spiralForm(f.a, f.cx, f.cy, f.c, f.s, f.sq, f.h, f.arms, f.pitch, f.amplitude, f.phase);
  else wasm.ringForm(f.a, f.cx, f.cy, f.c, f.s, f.sq, f.ring, f.width);
  wasm.lightKind(LIGHT_KIND[f.shape]);
}

/** A sample grid: coordinates (arcsec) and each pixel's first sample (start[npix] = number of samples). */
export interface Samples {
  x: Float64Array;
  y: Float64Array;
  start: Int32Array;
}

/** Copies a sample grid's coordinates into the instance once (grids are immutable). */
function useGrid(g: Samples): void {
  const kept = grids.get(g);
  if (kept) {
    grid = kept;
    return;
  }
  // a new grid takes the regions of the one used least recently once GRIDS_KEPT are kept
  let regions: GridRegions = { x: new Region(), y: new Region(), start: new Region() };
  if (grids.size >= GRIDS_KEPT) {
    const [oldest, r] = grids.entries().next().value as [object, GridRegions];
    grids.delete(oldest);
    regions = r;
  }
  samplesIn(regions.x, g.x);
  samplesIn(regions.y, g.y);
  regions.start.i32(g.start.length).set(g.start);
  grids.set(g, regions);
  grid = regions;
}

/** out[i] += scale * I(x[i], y[i]). */
export function lightAddAt(
  f: LightForm,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array,
  scale: number,
): void {
  const n = out.length;
  const xp = samplesIn(points.x, x),
    yp = samplesIn(points.y, y),
    vp = scratch.b.reserve(4 * lanes(n));
  useLight(f);
  wasm.lightSamples(xp, yp, lanes(n) / 4, vp);
  const v = f32View(vp, n);
  for (let i = 0; i < n; i++) out[i] += scale * v[i];
}

/**
 * Other coordinates in a grid's layout: arrays (e.g. ray-traced positions, copied on every call), or 'rays': the
 * source-plane positions of the last lensedPixelsPtr, which stay in the instance.
 */
export type SamplesAt = { x: Float64Array; y: Float64Array } | 'rays';

/**
 * dst[p] (a pointer) = scale * mean of I over pixel p's samples. `g` is an immutable sample grid (copied once);
 * `at` gives other coordinates in the same layout.
 */
export function lightPixelsPtr(
  f: LightForm,
  g: Samples,
  dst: number,
  scale: number,
  at?: SamplesAt,
  reach?: PixelBox,
): void {
  useGrid(g);
  const x = at === 'rays' ? beta.x.ptr : at ? samplesIn(points.x, at.x) : grid.x.ptr,
    y = at === 'rays' ? beta.y.ptr : at ? samplesIn(points.y, at.y) : grid.y.ptr;
  useLight(f);
  if (at === 'rays' && reach) lightPixelsWithin(x, y, g, dst, scale, reach);
  else wasm.lightPixels(x, y, grid.start.ptr, g.start.length - 1, dst, scale);
}

/** lightPixels over the pixels of `reach` (x, y in the current grid's layout); the rest of dst is set to 0. */
function lightPixelsWithin(x: number, y: number, g: Samples, dst: number, scale: number, reach: PixelBox): void {
  const npix = g.start.length - 1;
  const size = Math.round(Math.sqrt(npix));
  f64View(dst, npix).fill(0);
  const { r0, r1, c0, c1 } = reach;
  if (r0 <= r1 && c0 <= c1) wasm.lightPixelsBox(x, y, grid.start.ptr, size, r0, r1, c0, c1, dst, scale);
}

/** Pixels rows r0..r1 and columns c0..c1 (inclusive) of a size x size cutout. */
export interface PixelBox {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

/**
 * lightPixelsPtr on the pixels of `box` only (the rest of dst is left as it is), row by row, each row a contiguous
 * run of pixels and samples. For compact unlensed lights (field galaxies), whose light outside the box is far
 * below the noise.
 */
export function lightPixelsBoxPtr(f: LightForm, g: Samples, size: number, dst: number, scale: number, box: PixelBox): void {
  useGrid(g);
  useLight(f);
  wasm.lightPixelsBox(grid.x.ptr, grid.y.ptr, grid.start.ptr, size, box.r0, box.r1, box.c0, box.c1, dst, scale);
}

/**
 * lightPixelsPtr of a light behind an SIE + shear: the samples are ray-shot (float32) and the light evaluated at
 * their source-plane positions, which are copied to `keep` (bx, by) when given.
 */
export function lensedPixelsPtr(
  f: LightForm,
  lens: SieShearPass,
  g: Samples,
  dst: number,
  scale: number,
  keep?: { bx: Float64Array; by: Float64Array },
  reach?: PixelBox,
): void {
  useGrid(g);
  const ns = g.x.length;
  const n4 = lanes(ns) / 4;
  // whole groups of four from the ray shooting, then zeros (see samplesIn)
  beta.x.f32(4 * n4 + 8).fill(0, 4 * n4);
  beta.y.f32(4 * n4 + 8).fill(0, 4 * n4);
  const bx = beta.x.ptr,
    by = beta.y.ptr;
  wasm.sieShear(lens.q, lens.f, lens.c, lens.s, lens.cx, lens.cy, lens.g1, lens.g2);
  if (reach && !keep) {
    // only the pixels the light can reach (lensed-reach.ts): elsewhere it is 0, which the samples would give
    const size = Math.round(Math.sqrt(g.start.length - 1));
    const { r0, r1, c0, c1 } = reach;
    if (r0 <= r1 && c0 <= c1)
      wasm.raySamplesBox(grid.x.ptr, grid.y.ptr, grid.start.ptr, size, r0, r1, c0, c1, bx, by);
    useLight(f);
    lightPixelsWithin(bx, by, g, dst, scale, reach);
    return;
  }
  wasm.raySamples(grid.x.ptr, grid.y.ptr, n4, bx, by);
  useLight(f);
  wasm.lightPixels(bx, by, grid.start.ptr, g.start.length - 1, dst, scale);
  if (keep) {
    keep.bx.set(f32View(bx, ns));
    keep.by.set(f32View(by, ns));
  }
}

/** lensedPixelsPtr into an array. */
export function lensedPixelsOn(
  f: LightForm,
  lens: SieShearPass,
  g: Samples,
  out: Float64Array,
  scale: number,
  keep?: { bx: Float64Array; by: Float64Array },
): void {
  intoArray(out, g.start.length - 1, (dst) => lensedPixelsPtr(f, lens, g, dst, scale, keep));
}

// ---- noise ----------------------------------------------------------------------------------------------------

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
  if (image.length !== out.length) throw new RangeError(`addNoise: ${image.length} values into ${out.length}`);
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
  const snr = wasm.arcMeasures(arc, total, size, f.t, f.skyPerPixel, f.readVariance, cx, cy, scale, r0, r1, c0, c1);
  return { snr, contrast: wasm.arcContrastLast(), span: wasm.arcSpanLast() };
}

/** arcSnrPtr of arrays. */
export function arcSnrOf(arc: ArrayLike<number>, total: ArrayLike<number>, f: VarianceForm): number {
  if (arc.length !== total.length) throw new RangeError(`arcSnr: ${arc.length} arc pixels, ${total.length} total`);
  return arcSnrPtr(copyIn(scratch.a, arc), copyIn(scratch.b, total), arc.length, f);
}
