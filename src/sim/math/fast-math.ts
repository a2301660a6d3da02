/**
 * Table-driven ln and atan for the renderer's hot loops (V8's Math.log / Math.atan cost ~10-25 ns each; these
 * ~2-4 ns). Piecewise cubic Hermite interpolation on 1024 cells with exact end values and derivatives: the
 * interpolation error is <= h^4 max|f''''| / 384 ~ 2e-14 absolute (h = 1/1024), so results agree with Math.* to
 * ~1e-14. ln reads the IEEE-754 bits (exponent + mantissa) through a shared Float64Array / Uint32Array view.
 */

const CELLS = 1024;
const LN2 = Math.LN2;
const HALF_PI = Math.PI / 2;

/** Cubic Hermite coefficients [c0, c1, c2, c3] per cell for f on [a, a + cells h), in the cell variable tau. */
function hermiteTable(f: (x: number) => number, df: (x: number) => number, a: number, h: number): Float64Array {
  const c = new Float64Array(CELLS * 4);
  for (let j = 0; j < CELLS; j++) {
    const x0 = a + j * h,
      x1 = x0 + h;
    const f0 = f(x0),
      f1 = f(x1),
      m0 = df(x0) * h,
      m1 = df(x1) * h;
    c[4 * j] = f0;
    c[4 * j + 1] = m0;
    c[4 * j + 2] = 3 * (f1 - f0) - 2 * m0 - m1;
    c[4 * j + 3] = 2 * (f0 - f1) + m0 + m1;
  }
  return c;
}

// ln(1 + t), t in [0, 1): the mantissa part of ln(2^e (1 + t)).
const LN_TABLE = hermiteTable(
  (t) => Math.log1p(t),
  (t) => 1 / (1 + t),
  0,
  1 / CELLS,
);
// atan(z), z in [0, 1].
const ATAN_TABLE = hermiteTable(Math.atan, (z) => 1 / (1 + z * z), 0, 1 / CELLS);

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0,
  LO = LITTLE_ENDIAN ? 0 : 1;
const TAU_SCALE = 1 / 4398046511104; // 2^-42: the 42 mantissa bits below the 10 cell-index bits

/** Natural logarithm (Math.log for 0, negatives, subnormals, Infinity and NaN). */
export function fastLn(x: number): number {
  F64[0] = x;
  const hi = U32[HI];
  const ex = hi >>> 20; // sign bit and biased exponent
  if (ex === 0 || ex >= 2047) return Math.log(x);
  const k = ((hi >>> 10) & 1023) << 2;
  const tau = ((hi & 1023) * 4294967296 + U32[LO]) * TAU_SCALE;
  return (ex - 1023) * LN2 + (LN_TABLE[k] + tau * (LN_TABLE[k + 1] + tau * (LN_TABLE[k + 2] + tau * LN_TABLE[k + 3])));
}

/** Arc tangent (odd; |z| > 1 through atan(z) = pi/2 - atan(1/z)). */
export function fastAtan(z: number): number {
  let a = z < 0 ? -z : z;
  const inv = a > 1;
  if (inv) a = 1 / a;
  if (!(a <= 1)) return Math.atan(z); // NaN
  let s = a * CELLS;
  let j = s | 0;
  if (j >= CELLS) j = CELLS - 1;
  const tau = s - j;
  const k = j << 2;
  s = ATAN_TABLE[k] + tau * (ATAN_TABLE[k + 1] + tau * (ATAN_TABLE[k + 2] + tau * ATAN_TABLE[k + 3]));
  if (inv) s = HALF_PI - s;
  return z < 0 ? -s : s;
}

/** Inverse hyperbolic tangent for |w| < 1, as ln((1 + w) / (1 - w)) / 2. */
export function fastAtanh(w: number): number {
  return 0.5 * fastLn((1 + w) / (1 - w));
}
