/**
 * The simulator's hot loops in AssemblyScript, compiled to src/sim/wasm/sim-kernels.wasm by `npm run build:wasm`
 * (the .wasm is committed; test/sim/wasm-build.test.ts checks that it matches this source). The TypeScript glue is
 * src/sim/wasm/kernels.ts; the arithmetic is the same as the exact TypeScript paths it replaces, which the tests
 * compare against. WebAssembly has no fused multiply-add and evaluates in the order written, so the convolution's
 * sums equal TypeScript's bit for bit; the Sérsic table's exp/log come from AssemblyScript's libm (within an ulp of
 * V8's).
 */

// ---- separable symmetric convolution ("same" size, zero padding) -----------------------------------------------

const PAD: i32 = 8; // taps either side of the unrolled passes: kernels up to 17 taps

/** 2 outputs of one pass: k0 v[p] + k1 (v[p - d] + v[p + d]) + ... + k8 (v[p - 8d] + v[p + 8d]). */
// prettier-ignore
@inline function taps2(p: usize, d: usize, k0: v128, k1: v128, k2: v128, k3: v128, k4: v128, k5: v128, k6: v128, k7: v128, k8: v128): v128 {
  let s = f64x2.mul(k0, v128.load(p));
  s = f64x2.add(s, f64x2.mul(k1, f64x2.add(v128.load(p - d), v128.load(p + d))));
  s = f64x2.add(s, f64x2.mul(k2, f64x2.add(v128.load(p - 2 * d), v128.load(p + 2 * d))));
  s = f64x2.add(s, f64x2.mul(k3, f64x2.add(v128.load(p - 3 * d), v128.load(p + 3 * d))));
  s = f64x2.add(s, f64x2.mul(k4, f64x2.add(v128.load(p - 4 * d), v128.load(p + 4 * d))));
  s = f64x2.add(s, f64x2.mul(k5, f64x2.add(v128.load(p - 5 * d), v128.load(p + 5 * d))));
  s = f64x2.add(s, f64x2.mul(k6, f64x2.add(v128.load(p - 6 * d), v128.load(p + 6 * d))));
  s = f64x2.add(s, f64x2.mul(k7, f64x2.add(v128.load(p - 7 * d), v128.load(p + 7 * d))));
  s = f64x2.add(s, f64x2.mul(k8, f64x2.add(v128.load(p - 8 * d), v128.load(p + 8 * d))));
  return s;
}

/** One output of a pass, in the same order as taps2. */
// prettier-ignore
@inline function taps1(p: usize, d: usize, k0: f64, k1: f64, k2: f64, k3: f64, k4: f64, k5: f64, k6: f64, k7: f64, k8: f64): f64 {
  return k0 * load<f64>(p) + k1 * (load<f64>(p - d) + load<f64>(p + d)) + k2 * (load<f64>(p - 2 * d) + load<f64>(p + 2 * d)) +
    k3 * (load<f64>(p - 3 * d) + load<f64>(p + 3 * d)) + k4 * (load<f64>(p - 4 * d) + load<f64>(p + 4 * d)) +
    k5 * (load<f64>(p - 5 * d) + load<f64>(p + 5 * d)) + k6 * (load<f64>(p - 6 * d) + load<f64>(p + 6 * d)) +
    k7 * (load<f64>(p - 7 * d) + load<f64>(p + 7 * d)) + k8 * (load<f64>(p - 8 * d) + load<f64>(p + 8 * d));
}

/**
 * out (h x w) = inp convolved with the symmetric kernel whose taps 0..8 from the centre are at k (taps beyond the
 * kernel's half width are 0). Scratch: rows ((h + 16) x w), line (w + 16). Rows are filtered into `rows` between 8
 * zero rows above and below, then columns are filtered by adding whole shifted rows.
 */
export function convolveSymmetric(inp: usize, out: usize, rows: usize, line: usize, k: usize, h: i32, w: i32): void {
  const rowBytes = <usize>w << 3;
  memory.fill(line, 0, <usize>(w + 2 * PAD) << 3);
  memory.fill(rows, 0, <usize>PAD * rowBytes);
  memory.fill(rows + <usize>(h + PAD) * rowBytes, 0, <usize>PAD * rowBytes);
  const s0 = load<f64>(k), s1 = load<f64>(k, 8), s2 = load<f64>(k, 16), s3 = load<f64>(k, 24), s4 = load<f64>(k, 32);
  const s5 = load<f64>(k, 40), s6 = load<f64>(k, 48), s7 = load<f64>(k, 56), s8 = load<f64>(k, 64);
  const k0 = f64x2.splat(s0), k1 = f64x2.splat(s1), k2 = f64x2.splat(s2), k3 = f64x2.splat(s3), k4 = f64x2.splat(s4);
  const k5 = f64x2.splat(s5), k6 = f64x2.splat(s6), k7 = f64x2.splat(s7), k8 = f64x2.splat(s8);
  const even = w & ~1;
  const lineC = line + (<usize>PAD << 3);
  for (let r = 0; r < h; r++) {
    memory.copy(lineC, inp + <usize>r * rowBytes, rowBytes);
    const dst = rows + <usize>(r + PAD) * rowBytes;
    for (let c = 0; c < even; c += 2) {
      v128.store(dst + (<usize>c << 3), taps2(lineC + (<usize>c << 3), 8, k0, k1, k2, k3, k4, k5, k6, k7, k8));
    }
    if (even < w) {
      const c = <usize>even << 3;
      store<f64>(dst + c, taps1(lineC + c, 8, s0, s1, s2, s3, s4, s5, s6, s7, s8));
    }
  }
  for (let r = 0; r < h; r++) {
    const src = rows + <usize>(r + PAD) * rowBytes;
    const dst = out + <usize>r * rowBytes;
    for (let c = 0; c < even; c += 2) {
      v128.store(dst + (<usize>c << 3), taps2(src + (<usize>c << 3), rowBytes, k0, k1, k2, k3, k4, k5, k6, k7, k8));
    }
    if (even < w) {
      const c = <usize>even << 3;
      store<f64>(dst + c, taps1(src + c, rowBytes, s0, s1, s2, s3, s4, s5, s6, s7, s8));
    }
  }
}

// ---- tabulated Sérsic profile (see src/sim/light/sersic-fast.ts for the scheme and its accuracy) ---------------

const CELL_BITS: i32 = 5;
const PER_OCTAVE: i32 = 1 << CELL_BITS;
const OCTAVES: i32 = 160; // u in [2^-100, 2^60); outside: direct evaluation
const MIN_OCTAVE: i32 = -100;
const NCELLS: i32 = OCTAVES * PER_OCTAVE;
const BASE: i32 = (1023 + MIN_OCTAVE) << CELL_BITS;
const CELL_SHIFT: u64 = <u64>(52 - CELL_BITS); // u's bits >> CELL_SHIFT: exponent and top mantissa bits
const TAU_MASK: u64 = (<u64>1 << CELL_SHIFT) - 1;
const TAU_SCALE: f64 = 1.0 / <f64>(<u64>1 << CELL_SHIFT);

const coef = new StaticArray<f64>(NCELLS * 4);
const built = new StaticArray<u8>(NCELLS);
const nodeF = new StaticArray<f64>(NCELLS + 1);
const nodeG = new StaticArray<f64>(NCELLS + 1);
const nodeDone = new StaticArray<u8>(NCELLS + 1);
const nodeU = new StaticArray<f64>(NCELLS + 1);
const lnNodeU = new StaticArray<f64>(NCELLS + 1);
let tablesReady = false;

// the profile of the current call: F(u) = curA exp(-curBn u^curHalf)
let curA: f64 = 0;
let curBn: f64 = 0;
let curHalf: f64 = 0;

function initTables(): void {
  for (let j = 0; j <= NCELLS; j++) {
    // u at node j: 2^octave (1 + m / 32), exact
    const u = reinterpret<f64>(<u64>((j >> CELL_BITS) + MIN_OCTAVE + 1023) << 52) *
      (1 + <f64>(j & (PER_OCTAVE - 1)) / <f64>PER_OCTAVE);
    unchecked((nodeU[j] = u));
    unchecked((lnNodeU[j] = Math.log(u)));
  }
  tablesReady = true;
}

function computeNode(j: i32): void {
  const p = curBn * Math.exp(curHalf * unchecked(lnNodeU[j])); // b_n (R / R_sersic)^(1/n)
  const f = curA * Math.exp(-p);
  unchecked((nodeF[j] = f));
  unchecked((nodeG[j] = -f * p * curHalf)); // dF / d ln u
  unchecked((nodeDone[j] = 1));
}

function buildCell(j: i32): void {
  if (!unchecked(nodeDone[j])) computeNode(j);
  if (!unchecked(nodeDone[j + 1])) computeNode(j + 1);
  // in the cell variable tau (u = u0 + tau du): dF/dtau = dF/dln u * du / u
  const u0 = unchecked(nodeU[j]);
  const du = u0 / <f64>(PER_OCTAVE + (j & (PER_OCTAVE - 1)));
  const f0 = unchecked(nodeF[j]),
    f1 = unchecked(nodeF[j + 1]);
  const m0 = (unchecked(nodeG[j]) * du) / u0,
    m1 = (unchecked(nodeG[j + 1]) * du) / (u0 + du);
  const k = j << 2;
  unchecked((coef[k] = f0));
  unchecked((coef[k + 1] = m0));
  unchecked((coef[k + 2] = 3 * (f1 - f0) - 2 * m0 - m1));
  unchecked((coef[k + 3] = 2 * (f0 - f1) + m0 + m1));
  unchecked((built[j] = 1));
}

/** The current profile at squared radius u from the table, building its cell on first use. */
@inline function profileAt(u: f64): f64 {
  const bits = reinterpret<u64>(u);
  const j = <i32>(bits >> CELL_SHIFT) - BASE;
  if (<u32>j >= <u32>NCELLS) return curA * Math.exp(-curBn * Math.exp(curHalf * Math.log(u)));
  if (unchecked(built[j]) == 0) buildCell(j);
  const tau = <f64>(bits & TAU_MASK) * TAU_SCALE;
  const k = j << 2;
  return unchecked(coef[k]) + tau * (unchecked(coef[k + 1]) + tau * (unchecked(coef[k + 2]) + tau * unchecked(coef[k + 3])));
}

/** Starts a profile F(u) = a exp(-bn u^half) (a new, empty table). */
export function sersicProfile(a: f64, bn: f64, half: f64): void {
  if (!tablesReady) initTables();
  curA = a;
  curBn = bn;
  curHalf = half;
  memory.fill(changetype<usize>(built), 0, <usize>NCELLS);
  memory.fill(changetype<usize>(nodeDone), 0, <usize>(NCELLS + 1));
}

// The ellipse and cut of the current profile: u = qa dx^2 + qb dx dy + qc dy^2 about (cx, cy), floored at uMin;
// samples with u > cut are skipped.
let qa: f64 = 0;
let qb: f64 = 0;
let qc: f64 = 0;
let cx: f64 = 0;
let cy: f64 = 0;
let uMin: f64 = 0;
let cut: f64 = 0;

export function sersicShape(a: f64, b: f64, c: f64, centerX: f64, centerY: f64, floor: f64, limit: f64): void {
  qa = a;
  qb = b;
  qc = c;
  cx = centerX;
  cy = centerY;
  uMin = floor;
  cut = limit;
}

@inline function brightness(x: f64, y: f64): f64 {
  const dx = x - cx,
    dy = y - cy;
  const u = qa * dx * dx + qb * dx * dy + qc * dy * dy;
  return u > cut ? 0 : profileAt(u < uMin ? uMin : u);
}

/** out[i] += scale * I(x[i], y[i]) for i < n. */
export function sersicAdd(x: usize, y: usize, n: i32, out: usize, scale: f64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(out + o, load<f64>(out + o) + scale * brightness(load<f64>(x + o), load<f64>(y + o)));
  }
}

/** out[p] = scale * mean of I over pixel p's samples start[p] .. start[p + 1] - 1. */
export function sersicPixels(x: usize, y: usize, start: usize, npix: i32, out: usize, scale: f64): void {
  for (let p = 0; p < npix; p++) {
    const k0 = load<i32>(start + (<usize>p << 2)),
      k1 = load<i32>(start + (<usize>p << 2), 4);
    let sum: f64 = 0;
    for (let i = k0; i < k1; i++) {
      const o = <usize>i << 3;
      sum += brightness(load<f64>(x + o), load<f64>(y + o));
    }
    store<f64>(out + (<usize>p << 3), (sum * scale) / <f64>(k1 - k0));
  }
}

// ---- SIE + external shear ray shooting (see src/sim/lens/ray-shoot-fast.ts) ----------------------------------

let lensG: usize = 0;
let lensH: usize = 0;
let lensCells: i32 = 0;
let lensF: f64 = 0;
let lensC: f64 = 0;
let lensS: f64 = 0;
let lensX: f64 = 0;
let lensY: f64 = 0;
let shear1: f64 = 0;
let shear2: f64 = 0;

/**
 * The lens of the next sersicPixelsLensed: SIE tables G, H (cells x 4 cubic coefficients) and constants, or with
 * cells = 0 an SIS of Einstein radius f; plus the external shear g1, g2.
 */
export function sieShear(g: usize, h: usize, cells: i32, f: f64, c: f64, s: f64, x: f64, y: f64, g1: f64, g2: f64): void {
  lensG = g;
  lensH = h;
  lensCells = cells;
  lensF = f;
  lensC = c;
  lensS = s;
  lensX = x;
  lensY = y;
  shear1 = g1;
  shear2 = g2;
}

/**
 * sersicPixels of a lensed source: each sample's beta = theta - alpha(theta) (the SIE + shear of sieShear) is
 * used at once; beta is also written to (bx, by) when keepBeta is set (for further lensed lights).
 */
export function sersicPixelsLensed(x: usize, y: usize, start: usize, npix: i32, out: usize, scale: f64,
  bx: usize, by: usize, keepBeta: bool): void {
  const G = lensG, H = lensH, f = lensF, lc = lensC, ls = lensS, lx = lensX, ly = lensY, g1 = shear1, g2 = shear2;
  const cells = <f64>lensCells, last = lensCells - 1;
  const sis = lensCells == 0; // an SIS (f = theta_E) instead of the tabulated SIE
  for (let p = 0; p < npix; p++) {
    const k0 = load<i32>(start + (<usize>p << 2)),
      k1 = load<i32>(start + (<usize>p << 2), 4);
    let sum: f64 = 0;
    for (let i = k0; i < k1; i++) {
      const o = <usize>i << 3;
      const xi = load<f64>(x + o),
        yi = load<f64>(y + o);
      let ax = g1 * xi + g2 * yi,
        ay = g2 * xi - g1 * yi;
      const ex = xi - lx,
        ey = yi - ly;
      if (sis) {
        // the SIS limit (q ~ 1) of sie.ts: alpha = theta_E (ex, ey) / r, 0 at the centre, summed in
        // ray-shoot-fast.ts's order (the SIS term, then the shear's)
        const r = Math.sqrt(ex * ex + ey * ey);
        let sx: f64 = 0,
          sy: f64 = 0;
        if (r >= 1e-12) {
          sx = (f * ex) / r;
          sy = (f * ey) / r;
        }
        const bX = xi - (sx + g1 * xi + g2 * yi),
          bY = yi - (sy + g2 * xi - g1 * yi);
        if (keepBeta) {
          store<f64>(bx + o, bX);
          store<f64>(by + o, bY);
        }
        sum += brightness(bX, bY);
        continue;
      }
      const xr = lc * ex + ls * ey;
      const yr = -ls * ex + lc * ey;
      const a = Math.abs(xr),
        b = Math.abs(yr);
      const ab = a + b;
      if (ab >= 1e-12) {
        const wv = (b / ab) * cells;
        let jj = <i32>wv;
        if (jj > last) jj = last;
        const t = wv - <f64>jj;
        const kk = <usize>jj << 5;
        let gx = f * (load<f64>(G + kk) + t * (load<f64>(G + kk, 8) + t * (load<f64>(G + kk, 16) + t * load<f64>(G + kk, 24))));
        let hy = f * (load<f64>(H + kk) + t * (load<f64>(H + kk, 8) + t * (load<f64>(H + kk, 16) + t * load<f64>(H + kk, 24))));
        if (xr < 0) gx = -gx;
        if (yr < 0) hy = -hy;
        ax += lc * gx - ls * hy;
        ay += ls * gx + lc * hy;
      }
      const betaX = xi - ax,
        betaY = yi - ay;
      if (keepBeta) {
        store<f64>(bx + o, betaX);
        store<f64>(by + o, betaY);
      }
      sum += brightness(betaX, betaY);
    }
    store<f64>(out + (<usize>p << 3), (sum * scale) / <f64>(k1 - k0));
  }
}

/** Memory for the glue's buffers (the stub runtime never frees; the glue keeps and grows a few). */
export function alloc(bytes: i32): usize {
  return heap.alloc(<usize>bytes);
}

// ---- survey noise (see src/sim/noise.ts), with the draws of src/sim/rng.ts's Rng ----------------------------------
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

/** Rng.gaussZig: Marsaglia & Tsang's ziggurat, low 7 bits the layer, the upper 25 the signed position. */
function gaussZig(): f64 {
  while (true) {
    const u = nextU32();
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
 * times 1 / t.
 */
export function addNoise(inp: usize, out: usize, n: i32, t: f64, sky: f64, rv: f64, limit: f64): void {
  const invT = 1 / t;
  const rsd = Math.sqrt(rv);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 3;
    const v = load<f64>(inp + o);
    const lambda = (v > 0 ? v : 0) * t + sky;
    let electrons: f64;
    if (lambda >= limit) electrons = lambda + Math.sqrt(lambda + rv) * gaussZig();
    else electrons = poisson(lambda) + (rsd > 0 ? rsd * gaussZig() : 0);
    store<f64>(out + o, (electrons - sky) * invT);
  }
}
