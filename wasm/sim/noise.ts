// Survey noise (src/sim/noise.ts) with the draws of src/sim/rng.ts's Rng: xoshiro128**, ziggurat, Poisson.

// xoshiro128** state of the current call (the glue copies an Rng's state in and out), ziggurat tables from rng.ts.

let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;
let zigK: usize = 0;
let zigW: usize = 0;
let zigF: usize = 0;
const ZIG_R: f64 = 3.442619855899;
const U32_TO_UNIT: f64 = 2.3283064365386963e-10;

/** The ziggurat's 128-layer tables (K, W, F: 128 f64 each) of rng.ts, computed there once. */
export function noiseTables(k: usize, w: usize, f: usize): void {
  zigK = k;
  zigW = w;
  zigF = f;
}

export function rngSet(a: u32, b: u32, c: u32, d: u32): void {
  s0 = a;
  s1 = b;
  s2 = c;
  s3 = d;
}

/** Word i (0..3) of the state. */
export function rngWord(i: i32): u32 {
  return i == 0 ? s0 : i == 1 ? s1 : i == 2 ? s2 : s3;
}

@inline function nextU32(): u32 {
  const r = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return r;
}

@inline function next32(): f64 {
  return <f64>nextU32() * U32_TO_UNIT;
}

/**
 * Rng.gaussZig: Marsaglia & Tsang's ziggurat, low 7 bits the layer, the upper 25 the signed position. The common
 * case (inside the layer's rectangle, ~99%) is inlined; gaussZigFrom takes the rest from the same draw.
 */
@inline function gaussZig(): f64 {
  const u = nextU32();
  const i = <usize>(u & 127);
  const hz = <f64>(<i32>(u & ~127));
  if (Math.abs(hz) < load<f64>(zigK + (i << 3))) return hz * load<f64>(zigW + (i << 3));
  return gaussZigFrom(u);
}

function gaussZigFrom(first: u32): f64 {
  let u = first;
  while (true) {
    const i = <usize>(u & 127);
    const hz = <f64>(<i32>(u & ~127));
    const x = hz * load<f64>(zigW + (i << 3));
    if (Math.abs(hz) < load<f64>(zigK + (i << 3))) return x;
    if (i == 0) {
      let xt: f64, yt: f64;
      do {
        xt = -Math.log(1 - next32()) / ZIG_R;
        yt = -Math.log(1 - next32());
      } while (yt + yt < xt * xt);
      return hz > 0 ? ZIG_R + xt : -ZIG_R - xt;
    }
    const fi = load<f64>(zigF + (i << 3));
    if (fi + next32() * (load<f64>(zigF + ((i - 1) << 3)) - fi) < Math.exp(-0.5 * x * x)) return x;
    u = nextU32();
  }
}

// Lanczos coefficients of rng.ts's logGamma (Numerical Recipes 3rd ed. gammln, g = 671/128, 14 terms).
const LANCZOS: StaticArray<f64> = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
  0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3,
  -0.210264441724104883e-3, 0.217439618115212643e-3, -0.16431810653676389e-3, 0.844182239838527433e-4,
  -0.261908384015814087e-4, 0.368991826595316234e-5,
];

function logGamma(x: f64): f64 {
  let y = x;
  const tmp0 = x + 5.24218750000000000;
  const tmp = (x + 0.5) * Math.log(tmp0) - tmp0;
  let ser = 0.999999999999997092;
  for (let j = 0; j < 14; j++) ser += unchecked(LANCZOS[j]) / ++y;
  return tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** Rng.poisson: Knuth's multiplication below 10, Hörmann's PTRS above. */
function poisson(lambda: f64): f64 {
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    const l = Math.exp(-lambda);
    let k: f64 = 0;
    let p = next32();
    while (p > l) {
      k++;
      p *= next32();
    }
    return k;
  }
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  while (true) {
    const U = next32() - 0.5;
    const V = next32();
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1))
      return k;
  }
}

/**
 * out[i] = inp[i] (e-/s) with survey noise, as noise.ts addNoiseInto: lambda = max(v, 0) t + sky electrons, from
 * the normal limit with the read noise merged above `limit`, else Poisson plus Gaussian read noise; sky subtracted,
 * times 1 / t. `out` is float32 when `single` is set, else float64.
 */
export function addNoise(inp: usize, out: usize, n: i32, t: f64, sky: f64, rv: f64, limit: f64, single: bool): void {
  const invT = 1 / t;
  const rsd = Math.sqrt(rv);
  for (let i = 0; i < n; i++) {
    const v = load<f64>(inp + (<usize>i << 3));
    const lambda = (v > 0 ? v : 0) * t + sky;
    let electrons: f64;
    if (lambda >= limit) electrons = lambda + Math.sqrt(lambda + rv) * gaussZig();
    else electrons = poisson(lambda) + (rsd > 0 ? rsd * gaussZig() : 0);
    const value = (electrons - sky) * invT;
    if (single) store<f32>(out + (<usize>i << 2), <f32>value);
    else store<f64>(out + (<usize>i << 3), value);
  }
}

/** The expected variance of a pixel of noiseless signal v e-/s, times t^2 (noise.ts pixelVariance). */
@inline function varianceT2(v: f64, t: f64, skyPerPixel: f64, rv: f64): f64 {
  return ((v > 0 ? v : 0) + skyPerPixel) * t + rv;
}

/**
 * Arc signal-to-noise (src/sim/arc-snr.ts): the sum of the lensed light `arc` over the pixels where it exceeds the
 * noise sigma of the whole image `total` there, over the square root of those pixels' summed variance; if no pixel
 * does, the best single pixel's arc / sigma.
 */
export function arcSnr(arc: usize, total: usize, n: i32, t: f64, skyPerPixel: f64, rv: f64): f64 {
  // in units of variance t^2, branch-free: a pixel counts when a > 0 and (a t)^2 > variance t^2 (no square root)
  const t2 = t * t;
  let s: f64 = 0,
    v: f64 = 0;
  for (let i = 0; i < n; i++) {
    const a = load<f64>(arc + (<usize>i << 3));
    const w = varianceT2(load<f64>(total + (<usize>i << 3)), t, skyPerPixel, rv);
    const counts = <bool>(<i32>(a > 0) & <i32>(a * a * t2 > w)); // & rather than &&: no branch
    s += select<f64>(a, 0, counts);
    v += select<f64>(w, 0, counts);
  }
  return v > 0 ? (s * t) / Math.sqrt(v) : bestPixelSnr(arc, total, n, t, skyPerPixel, rv);
}

/** The best single pixel's arc / sigma: arcSnr when no pixel exceeds its sigma. */
function bestPixelSnr(arc: usize, total: usize, n: i32, t: f64, skyPerPixel: f64, rv: f64): f64 {
  let best: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const a = load<f64>(arc + o);
    if (!(a > 0)) continue; // no arc light (its callers fill `total` only where there is)
    best = Math.max(best, (a * t) / Math.sqrt(varianceT2(load<f64>(total + o), t, skyPerPixel, rv)));
  }
  return best;
}

const SPAN_BINS: i32 = 72; // 5 degrees each
const spanBins = new StaticArray<u8>(SPAN_BINS);
let lastContrast: f64 = 0;
let lastSpan: f64 = 0;

/** The contrast and span of arcMeasures' last call. */
export function arcContrastLast(): f64 {
  return lastContrast;
}
export function arcSpanLast(): f64 {
  return lastSpan;
}

/**
 * One pass over a size x size cutout's lensed light `arc` and all light `total` (e-/s, row 0 at the top) measuring
 * (src/sim/band-planes.ts arcMeasures):
 *  - the arc signal-to-noise (returned; arcSnr);
 *  - the contrast: at the arc's brightest pixel, the arc over all other light there (0 without arc light; +inf
 *    without other light);
 *  - the span: the fraction of 72 angular bins about (cx, cy) (arcsec, pixel scale `scale`) holding a pixel where
 *    the arc is at least its noise sigma and a quarter of the other light there (the centre's pixel excluded).
 * Only the pixels of rows r0..r1, columns c0..c1 are read (and pixel 0): outside them the arc must be 0, where it
 * adds nothing to any of the three (the whole cutout gives the same bits).
 */
export function arcMeasures(arc: usize, total: usize, size: i32, t: f64, skyPerPixel: f64, rv: f64, cx: f64, cy: f64, scale: f64, r0: i32, r1: i32, c0: i32, c1: i32): f64 {
  const t2 = t * t;
  const h = <f64>(size - 1) / 2;
  const inner = scale * scale;
  const binsPerRadian = <f64>SPAN_BINS / (2 * Math.PI);
  for (let k = 0; k < SPAN_BINS; k++) unchecked((spanBins[k] = 0));
  let s: f64 = 0,
    v: f64 = 0;
  let best = load<f64>(arc),
    bestAt: i32 = 0;
  for (let r = r0; r <= r1; r++) {
    const y = (h - <f64>r) * scale - cy;
    let p = r * size + c0;
    for (let c = c0; c <= c1; c++, p++) {
      const o = <usize>p << 3;
      const a = load<f64>(arc + o);
      if (a > best) {
        best = a;
        bestAt = p;
      }
      if (!(a > 0)) continue;
      const tp = load<f64>(total + o);
      const w = varianceT2(tp, t, skyPerPixel, rv);
      const aa = a * a * t2;
      if (aa > w) {
        s += a;
        v += w;
      }
      if (aa >= w && a >= 0.25 * (tp - a)) {
        const x = (<f64>c - h) * scale - cx;
        if (x * x + y * y >= inner) {
          const k = <i32>Math.floor((Math.atan2(y, x) + Math.PI) * binsPerRadian) % SPAN_BINS;
          unchecked((spanBins[k] = 1));
        }
      }
    }
  }
  let covered = 0;
  for (let k = 0; k < SPAN_BINS; k++) covered += unchecked(spanBins[k]);
  lastSpan = <f64>covered / <f64>SPAN_BINS;
  if (!(best > 0)) lastContrast = 0;
  else {
    const other = load<f64>(total + (<usize>bestAt << 3)) - best;
    lastContrast = other > 0 ? best / other : Infinity;
  }
  const n = size * size;
  return v > 0 ? (s * t) / Math.sqrt(v) : bestPixelSnr(arc, total, n, t, skyPerPixel, rv);
}
