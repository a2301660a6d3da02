// The tabulated Sérsic profile (src/sim/light/sersic-fast.ts describes the scheme and its accuracy) and its
// evaluation on sample grids, four samples at a time: the squared radius u in float32, its cell found from u's
// bits, the cell's four float32 cubic coefficients loaded per lane and transposed into lanes.

const CELL_BITS: i32 = 5;
const PER_OCTAVE: i32 = 1 << CELL_BITS;
const OCTAVES: i32 = 160; // u in [2^-100, 2^60); profiles whose floor or cut fall outside: direct evaluation
const MIN_OCTAVE: i32 = -100;
const NCELLS: i32 = OCTAVES * PER_OCTAVE;
const BASE: i32 = (127 + MIN_OCTAVE) << CELL_BITS;
const CELL_SHIFT: i32 = 23 - CELL_BITS; // u's float32 bits >> CELL_SHIFT: exponent and top mantissa bits
const TAU_MASK: i32 = (1 << CELL_SHIFT) - 1;
const TAU_SCALE: f32 = 1.0 / <f32>(1 << CELL_SHIFT);
const TABLE_MIN: f64 = 7.888609052210118e-31; // 2^-100
const TABLE_MAX: f64 = 1.152921504606847e18; // 2^60

// cell j's coefficients c0..c3 (float32) at 16 j; c0 is NaN until the cell is built
const coef = new StaticArray<f32>(NCELLS * 4);
const builtCells = new StaticArray<i32>(NCELLS);
let builtCount: i32 = 0;
const nodeF = new StaticArray<f64>(NCELLS + 1);
const nodeG = new StaticArray<f64>(NCELLS + 1);
const nodeDone = new StaticArray<u8>(NCELLS + 1);
const nodeU = new StaticArray<f64>(NCELLS + 1);
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
  }
  for (let j = 0; j < NCELLS; j++) unchecked((coef[j << 2] = NaN));
  tablesReady = true;
}

// u^half at the nodes as (2^octave)^half (1 + m / 32)^half: the octaves' factors on first use, the 32 steps' per profile
const octavePow = new StaticArray<f64>(OCTAVES + 1);
const stepPow = new StaticArray<f64>(PER_OCTAVE);

function computeNode(j: i32): void {
  const octave = j >> CELL_BITS;
  let op = unchecked(octavePow[octave]);
  if (op == 0) {
    op = Math.exp(curHalf * <f64>(octave + MIN_OCTAVE) * Math.LN2);
    unchecked((octavePow[octave] = op));
  }
  const p = curBn * op * unchecked(stepPow[j & (PER_OCTAVE - 1)]); // b_n (R / R_sersic)^(1/n)
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
  unchecked((coef[k + 1] = <f32>m0));
  unchecked((coef[k + 2] = <f32>(3 * (f1 - f0) - 2 * m0 - m1)));
  unchecked((coef[k + 3] = <f32>(2 * (f0 - f1) + m0 + m1)));
  unchecked((coef[k] = <f32>f0));
  unchecked((builtCells[builtCount++] = j));
}

/** The current profile, directly (float64): for u outside the table. */
@inline function profileDirect(u: f64): f64 {
  return curA * Math.exp(-curBn * Math.exp(curHalf * Math.log(u)));
}

/** Starts a profile F(u) = a exp(-bn u^half) (a new, empty table). */
export function sersicProfile(a: f64, bn: f64, half: f64): void {
  if (!tablesReady) initTables();
  curA = a;
  curBn = bn;
  curHalf = half;
  for (let i = 0; i < builtCount; i++) unchecked((coef[unchecked(builtCells[i]) << 2] = NaN));
  builtCount = 0;
  memory.fill(changetype<usize>(nodeDone), 0, <usize>(NCELLS + 1));
  memory.fill(changetype<usize>(octavePow), 0, <usize>(OCTAVES + 1) << 3);
  for (let m = 0; m < PER_OCTAVE; m++) unchecked((stepPow[m] = Math.pow(1 + <f64>m / <f64>PER_OCTAVE, half)));
}

// The ellipse and cut of the current profile: u = qa dx^2 + qb dx dy + qc dy^2 about (cx, cy), floored at uMin;
// samples with u > cut are 0. `tabled`: floor and cut fall inside the table.
let qa: v128 = f32x4.splat(0);
let qb: v128 = f32x4.splat(0);
let qc: v128 = f32x4.splat(0);
let cx: v128 = f32x4.splat(0);
let cy: v128 = f32x4.splat(0);
let uMin: v128 = f32x4.splat(0);
let cut: v128 = f32x4.splat(0);
let tabled = false;

export function sersicShape(a: f64, b: f64, c: f64, centerX: f64, centerY: f64, floor: f64, limit: f64): void {
  qa = f32x4.splat(<f32>a);
  qb = f32x4.splat(<f32>b);
  qc = f32x4.splat(<f32>c);
  cx = f32x4.splat(<f32>centerX);
  cy = f32x4.splat(<f32>centerY);
  uMin = f32x4.splat(<f32>floor);
  cut = f32x4.splat(<f32>limit);
  tabled = floor >= TABLE_MIN && limit < TABLE_MAX;
}

/** Builds cell j unless it is built (its first coefficient is a number). */
function ensureCell(j: i32): void {
  const c0 = unchecked(coef[j << 2]);
  if (c0 != c0) buildCell(j);
}

/** Builds the cells of the four lanes of j that are not built yet. */
function buildLanes(j: v128): void {
  ensureCell(i32x4.extract_lane(j, 0));
  ensureCell(i32x4.extract_lane(j, 1));
  ensureCell(i32x4.extract_lane(j, 2));
  ensureCell(i32x4.extract_lane(j, 3));
}

/** The cubics of the four lanes' cells j at tau: NaN in the lanes whose cell is not built. */
// prettier-ignore
@inline function cells4(j: v128, tau: v128): v128 {
  const table = changetype<usize>(coef);
  // the four lanes' rows (c0..c3), transposed into c0 of every lane, c1 of every lane, ...
  const r0 = v128.load(table + (<usize>i32x4.extract_lane(j, 0) << 4)),
    r1 = v128.load(table + (<usize>i32x4.extract_lane(j, 1) << 4)),
    r2 = v128.load(table + (<usize>i32x4.extract_lane(j, 2) << 4)),
    r3 = v128.load(table + (<usize>i32x4.extract_lane(j, 3) << 4));
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5),
    t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5),
    t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7),
    t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  const c0 = f32x4.shuffle(t0, t1, 0, 1, 4, 5),
    c1 = f32x4.shuffle(t0, t1, 2, 3, 6, 7),
    c2 = f32x4.shuffle(t2, t3, 0, 1, 4, 5),
    c3 = f32x4.shuffle(t2, t3, 2, 3, 6, 7);
  return f32x4.add(c0, f32x4.mul(tau, f32x4.add(c1, f32x4.mul(tau, f32x4.add(c2, f32x4.mul(tau, c3))))));
}

/**
 * I at four samples (x, y) (float32 lanes). Lanes beyond the cut are evaluated at the floor, then zeroed; so with
 * `tabled` every lane's u lies in the table.
 */
// prettier-ignore
@inline function brightness4(x: v128, y: v128): v128 {
  const dx = f32x4.sub(x, cx),
    dy = f32x4.sub(y, cy);
  const u = f32x4.add(f32x4.add(f32x4.mul(qa, f32x4.mul(dx, dx)), f32x4.mul(qb, f32x4.mul(dx, dy))),
    f32x4.mul(qc, f32x4.mul(dy, dy)));
  const inside = f32x4.le(u, cut);
  if (!v128.any_true(inside)) return f32x4.splat(0); // compact lights (clumps, companions) are 0 at most samples
  const uu = v128.bitselect(f32x4.pmax(u, uMin), uMin, inside);
  const j = i32x4.sub(i32x4.shr_u(uu, CELL_SHIFT), i32x4.splat(BASE));
  const tau = f32x4.mul(f32x4.convert_i32x4_s(v128.and(uu, i32x4.splat(TAU_MASK))), f32x4.splat(TAU_SCALE));
  let v = cells4(j, tau);
  if (!i32x4.all_true(f32x4.eq(v, v))) {
    buildLanes(j); // a cell's first use
    v = cells4(j, tau);
  }
  return v128.and(v, inside);
}

const direct = new StaticArray<f32>(12);

/** I at four samples, one at a time in float64 from the formula (profiles whose floor or cut leave the table). */
function brightnessDirect4(x: v128, y: v128): v128 {
  const p = changetype<usize>(direct);
  v128.store(p, f32x4.sub(x, cx));
  v128.store(p, f32x4.sub(y, cy), 16);
  const floor = <f64>f32x4.extract_lane(uMin, 0),
    limit = <f64>f32x4.extract_lane(cut, 0);
  const a = <f64>f32x4.extract_lane(qa, 0),
    b = <f64>f32x4.extract_lane(qb, 0),
    c = <f64>f32x4.extract_lane(qc, 0);
  for (let l = 0; l < 4; l++) {
    const o = <usize>l << 2;
    const dx = <f64>load<f32>(p + o),
      dy = <f64>load<f32>(p + o, 16);
    const u = a * dx * dx + b * dx * dy + c * dy * dy;
    store<f32>(p + o, <f32>(u > limit ? 0 : profileDirect(u < floor ? floor : u)), 32);
  }
  return v128.load(p, 32);
}

/** The current Sérsic profile at four samples (x, y). */
@inline export function sersic4(x: v128, y: v128): v128 {
  return tabled ? brightness4(x, y) : brightnessDirect4(x, y);
}
