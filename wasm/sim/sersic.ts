// The tabulated Sérsic profile (src/sim/light/sersic-fast.ts describes the scheme and its accuracy), and its
// evaluation on sample grids, plain or behind an SIE + external shear (src/sim/lens/ray-shoot-fast.ts).

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
