/**
 * The simulator's hot loops, compiled from wasm/sim/kernels.ts (AssemblyScript) to sim-kernels.wasm, which is
 * committed so the simulator needs no build step (test/sim/wasm-build.test.ts checks the .wasm matches its source).
 * One instance per thread, instantiated synchronously at import. Arrays are copied into the instance's memory and
 * results copied out (tens of microseconds against milliseconds of work), except the sample grid's coordinates,
 * which are immutable (raster.ts caches grids) and copied once per grid.
 */
import { readFileSync } from 'node:fs';
import { ZIGGURAT, type Rng } from '../rng.js';

// Node's WebAssembly global (its types live in TypeScript's DOM library, which this project does not load).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
};

interface Exports {
  memory: { buffer: ArrayBuffer };
  alloc(bytes: number): number;
  convolveSymmetric(
    inp: number,
    out: number,
    rows: number,
    line: number,
    k: number,
    h: number,
    w: number,
  ): void;
  sersicProfile(a: number, bn: number, half: number): void;
  sersicShape(a: number, b: number, c: number, cx: number, cy: number, uMin: number, cut: number): void;
  sersicAdd(x: number, y: number, n: number, out: number, scale: number): void;
  sersicPixels(x: number, y: number, start: number, npix: number, out: number, scale: number): void;
  sieShear(
    g: number,
    h: number,
    cells: number,
    f: number,
    c: number,
    s: number,
    x: number,
    y: number,
    g1: number,
    g2: number,
  ): void;
  noiseTables(k: number, w: number, f: number): void;
  rngSet(a: number, b: number, c: number, d: number): void;
  rngWord(i: number): number;
  addNoise(inp: number, out: number, n: number, t: number, sky: number, rv: number, limit: number): void;
  sersicPixelsLensed(
    x: number,
    y: number,
    start: number,
    npix: number,
    out: number,
    scale: number,
    bx: number,
    by: number,
    keepBeta: number,
  ): void;
}

const wasm = new WebAssembly.Instance(
  new WebAssembly.Module(readFileSync(new URL('./sim-kernels.wasm', import.meta.url))),
  {
    env: {
      abort(_msg: number, _file: number, line: number, column: number) {
        throw new Error(`sim-kernels.wasm aborted at wasm/sim/kernels.ts:${line}:${column}`);
      },
    },
  },
).exports as unknown as Exports;

/** A region of the instance's memory, grown (never freed: the stub runtime has no free) when too small. */
class Region {
  ptr = 0;
  private bytes = 0;
  reserve(bytes: number): number {
    if (bytes > this.bytes) {
      this.bytes = Math.max(bytes, 2 * this.bytes);
      this.ptr = wasm.alloc(this.bytes);
    }
    return this.ptr;
  }
  f64(n: number): Float64Array {
    const ptr = this.reserve(8 * n); // before reading memory.buffer: growing the memory detaches the old one
    return new Float64Array(wasm.memory.buffer, ptr, n);
  }
  i32(n: number): Int32Array {
    const ptr = this.reserve(4 * n);
    return new Int32Array(wasm.memory.buffer, ptr, n);
  }
}

const regions = () => ({
  a: new Region(),
  b: new Region(),
  c: new Region(),
  d: new Region(),
  e: new Region(),
});
const conv = regions();
const light = regions();
const grid = { x: new Region(), y: new Region(), start: new Region(), of: undefined as object | undefined };
const sie = { g: new Region(), h: new Region() };

/** Taps either side of the centre that convolveSymmetric8 takes (kernels of up to 17 taps). */
export const MAX_HALF = 8;

/**
 * out (h x w) = image convolved ("same", zero padding) with the symmetric odd kernel k of at most 17 taps, rows
 * then columns; each output is k0 v + k1 (v-1 + v+1) + ... in that order.
 */
export function convolveSymmetric8(
  image: ArrayLike<number>,
  out: Float64Array,
  h: number,
  w: number,
  k: Float64Array,
): void {
  const half = (k.length - 1) >> 1;
  if (half > MAX_HALF)
    throw new RangeError(`convolveSymmetric8: ${k.length} taps (at most ${2 * MAX_HALF + 1})`);
  const n = h * w;
  const inp = conv.a.f64(n);
  inp.set(image instanceof Float64Array ? image : Float64Array.from(image));
  conv.b.reserve(8 * (n + 2));
  conv.c.reserve(8 * (h + 2 * MAX_HALF) * w);
  conv.d.reserve(8 * (w + 2 * MAX_HALF + 2));
  const taps = conv.e.f64(MAX_HALF + 1);
  taps.fill(0);
  for (let t = 0; t <= half; t++) taps[t] = k[half + t];
  wasm.convolveSymmetric(conv.a.ptr, conv.b.ptr, conv.c.ptr, conv.d.ptr, conv.e.ptr, h, w);
  out.set(new Float64Array(wasm.memory.buffer, conv.b.ptr, n));
}

/** The profile F(u) = a exp(-bn u^half) and its ellipse u = A dx^2 + B dx dy + C dy^2 about (cx, cy). */
export interface SersicForm {
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

function setProfile(s: SersicForm): void {
  wasm.sersicProfile(s.a, s.bn, s.half);
  wasm.sersicShape(s.A, s.B, s.C, s.cx, s.cy, s.uMin, s.cut);
}

/** Copies a sample grid's coordinates into the instance once (grids are immutable). */
function useGrid(g: { x: Float64Array; y: Float64Array; start: Int32Array }): void {
  if (grid.of === g) return;
  grid.x.f64(g.x.length).set(g.x);
  grid.y.f64(g.y.length).set(g.y);
  grid.start.i32(g.start.length).set(g.start);
  grid.of = g;
}

/** out[i] += scale * I(x[i], y[i]). */
export function sersicAddAt(
  s: SersicForm,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array,
  scale: number,
): void {
  const n = out.length;
  light.a.f64(n).set(Float64Array.from(x));
  light.b.f64(n).set(Float64Array.from(y));
  light.c.f64(n).set(out);
  setProfile(s);
  wasm.sersicAdd(light.a.ptr, light.b.ptr, n, light.c.ptr, scale);
  out.set(new Float64Array(wasm.memory.buffer, light.c.ptr, n));
}

/** A sample grid: coordinates (arcsec) and each pixel's first sample (start[npix] = number of samples). */
export interface Samples {
  x: Float64Array;
  y: Float64Array;
  start: Int32Array;
}

/**
 * out[p] = scale * mean of I over pixel p's samples. `grid` is an immutable sample grid (copied once); pass
 * `at` to evaluate at other coordinates of the same layout (e.g. ray-traced ones), copied on every call.
 */
export function sersicPixelsOn(
  s: SersicForm,
  g: Samples,
  out: Float64Array,
  scale: number,
  at?: Samples,
): void {
  useGrid(g);
  let x = grid.x.ptr,
    y = grid.y.ptr;
  if (at) {
    light.a.f64(at.x.length).set(at.x);
    light.b.f64(at.y.length).set(at.y);
    x = light.a.ptr;
    y = light.b.ptr;
  }
  const npix = g.start.length - 1;
  light.c.reserve(8 * npix);
  setProfile(s);
  wasm.sersicPixels(x, y, grid.start.ptr, npix, light.c.ptr, scale);
  out.set(new Float64Array(wasm.memory.buffer, light.c.ptr, npix));
}

/** An SIE (tabulated, see ray-shoot-fast.ts) plus external shear. */
export interface SieShearForm {
  cells: number;
  G: Float64Array;
  H: Float64Array;
  f: number;
  c: number;
  s: number;
  cx: number;
  cy: number;
  g1: number;
  g2: number;
}

/**
 * sersicPixelsOn of a source behind an SIE + shear, the ray shooting fused into the sample loop; the source-plane
 * positions are copied to (bx, by) when given.
 */
export function sersicPixelsLensedOn(
  s: SersicForm,
  lens: SieShearForm,
  g: Samples,
  out: Float64Array,
  scale: number,
  beta?: { bx: Float64Array; by: Float64Array },
): void {
  useGrid(g);
  const ns = g.x.length,
    npix = g.start.length - 1;
  sie.g.f64(lens.G.length).set(lens.G);
  sie.h.f64(lens.H.length).set(lens.H);
  wasm.sieShear(sie.g.ptr, sie.h.ptr, lens.cells, lens.f, lens.c, lens.s, lens.cx, lens.cy, lens.g1, lens.g2);
  light.c.reserve(8 * npix);
  if (beta) {
    light.a.reserve(8 * ns);
    light.b.reserve(8 * ns);
  }
  setProfile(s);
  wasm.sersicPixelsLensed(
    grid.x.ptr,
    grid.y.ptr,
    grid.start.ptr,
    npix,
    light.c.ptr,
    scale,
    light.a.ptr,
    light.b.ptr,
    beta ? 1 : 0,
  );
  out.set(new Float64Array(wasm.memory.buffer, light.c.ptr, npix));
  if (beta) {
    beta.bx.set(new Float64Array(wasm.memory.buffer, light.a.ptr, ns));
    beta.by.set(new Float64Array(wasm.memory.buffer, light.b.ptr, ns));
  }
}

const noise = { inp: new Region(), out: new Region(), tables: new Region() };
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
 * out[i] = image[i] (e-/s) plus survey noise drawn from `rng` (noise.ts addNoiseInto's arithmetic and the Rng's
 * gaussZig and poisson draws, in the same order), leaving `rng` where those draws leave it.
 */
export function addNoiseWith(image: ArrayLike<number>, out: Float32Array | Float64Array, f: NoiseForm, rng: Rng): void {
  const n = image.length;
  noise.inp.f64(n).set(image instanceof Float64Array ? image : Float64Array.from(image));
  noise.out.reserve(8 * n);
  const [a, b, c, d] = rng.getState();
  wasm.rngSet(a, b, c, d);
  wasm.addNoise(noise.inp.ptr, noise.out.ptr, n, f.t, f.sky, f.readVariance, f.limit);
  rng.setState([wasm.rngWord(0), wasm.rngWord(1), wasm.rngWord(2), wasm.rngWord(3)]);
  out.set(new Float64Array(wasm.memory.buffer, noise.out.ptr, n));
}
