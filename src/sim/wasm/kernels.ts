/**
 * The simulator's hot loops (wasm/sim/*.ts, run by instance.ts). Each kernel has a pointer form, on planes that
 * live in the instance's memory (band-planes.ts renders a cutout that way, without copies), and an array form that
 * copies its arrays in and out (tens of microseconds against milliseconds of work). The sample grid's coordinates
 * are immutable (raster.ts caches grids) and copied in once per grid, as float32: the Sérsic light and the ray
 * shooting run on four float32 lanes (sersic-fast.ts and ray-shoot-fast.ts state their accuracy). This file holds
 * the light, plain and lensed; convolve.ts the PSF, noise.ts the noise and the arcs' measures, scratch.ts the
 * memory they share. Callers import all of them from here.
 */
import type { SieShearPass } from '../lens/ray-shoot-fast.js';
import { f32View, f64View, Region, wasm } from './instance.js';
import { intoArray, lanes, samplesIn, scratch, type PixelBox } from './scratch.js';

export { MAX_HALF, convolvePtr, convolveCompactPtr, convolveSymmetric8 } from './convolve.js';
export {
  addNoisePtr,
  addNoiseWith,
  arcMeasuresPtr,
  arcSnrOf,
  arcSnrPtr,
  type ArcMeasures,
  type NoiseForm,
  type VarianceForm,
} from './noise.js';
export type { PixelBox } from './scratch.js';

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
function lightPixelsWithin(
  x: number,
  y: number,
  g: Samples,
  dst: number,
  scale: number,
  reach: PixelBox,
): void {
  const npix = g.start.length - 1;
  const size = Math.round(Math.sqrt(npix));
  f64View(dst, npix).fill(0);
  const { r0, r1, c0, c1 } = reach;
  if (r0 <= r1 && c0 <= c1) wasm.lightPixelsBox(x, y, grid.start.ptr, size, r0, r1, c0, c1, dst, scale);
}

/**
 * lightPixelsPtr on the pixels of `box` only (the rest of dst is left as it is), row by row, each row a contiguous
 * run of pixels and samples. For compact unlensed lights (field galaxies), whose light outside the box is far
 * below the noise.
 */
export function lightPixelsBoxPtr(
  f: LightForm,
  g: Samples,
  size: number,
  dst: number,
  scale: number,
  box: PixelBox,
): void {
  useGrid(g);
  useLight(f);
  wasm.lightPixelsBox(
    grid.x.ptr,
    grid.y.ptr,
    grid.start.ptr,
    size,
    box.r0,
    box.r1,
    box.c0,
    box.c1,
    dst,
    scale,
  );
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
