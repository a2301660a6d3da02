/**
 * The default generator (the simulator's, and the one for new code): xoshiro128** on uint32 state (Math.imul keeps it identical on every
 * platform), seeded through splitmix64 so that image `index` of a run with `seed` gets its own stream that depends
 * only on (seed, index) — the same bytes whatever the number of workers.
 */
import { LensfindError } from '../errors.js';

const MASK64 = (1n << 64n) - 1n;

/** splitmix64 step: returns [next state, output]. Used only for seeding (BigInt is slow but runs a few times). */
function splitmix64(state: bigint): [bigint, bigint] {
  const s = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z2 = s;
  z2 = ((z2 ^ (z2 >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z2 = ((z2 ^ (z2 >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [s, z2 ^ (z2 >> 31n)];
}

function toBig(v: number | bigint, what: string): bigint {
  if (typeof v === 'bigint') return v & MASK64;
  if (!Number.isInteger(v)) throw new LensfindError('E_RNG', `Rng: ${what} must be an integer, got ${v}`);
  return BigInt(v) & MASK64;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = NaN; // second Box-Muller deviate

  /** A generator seeded from one integer (any safe integer or bigint). */
  constructor(seed: number | bigint = 0) {
    let st = toBig(seed, 'seed');
    const words: number[] = [];
    for (let i = 0; i < 2; i++) {
      const [ns, out] = splitmix64(st);
      st = ns;
      words.push(Number(out & 0xffffffffn), Number(out >> 32n));
    }
    [this.s0, this.s1, this.s2, this.s3] = words;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The independent stream of item `index` of a run seeded with `seed` (optionally a named sub-stream). */
  static forItem(seed: number, index: number, stream = 0): Rng {
    const [, a] = splitmix64(toBig(seed, 'seed') ^ 0x5851f42d4c957f2dn);
    const [, b] = splitmix64((a + toBig(index, 'index') * 0x2545f4914f6cdd1dn) & MASK64);
    const [, c] = splitmix64((b ^ toBig(stream, 'stream')) & MASK64);
    return new Rng(c);
  }

  /** A child generator drawn from this one (e.g. for a re-draw attempt), without disturbing determinism. */
  fork(stream: number): Rng {
    return Rng.forItem(this.nextUint32() * 4294967296 + this.nextUint32(), stream);
  }

  /** The generator's state (four int32 words), for kernels that draw the same sequence (wasm/sim/kernels.ts). */
  getState(): [number, number, number, number] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  setState([a, b, c, d]: readonly number[]): void {
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const s0 = this.s0,
      s1 = this.s1,
      s2 = this.s2,
      s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    let n2 = s2 ^ s0;
    let n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    n2 ^= t;
    n3 = rotl(n3, 11);
    this.s0 = n0 | 0;
    this.s1 = n1 | 0;
    this.s2 = n2 | 0;
    this.s3 = n3 | 0;
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform in [0, 1) with 32 random bits: half the cost of next(), for the per-pixel noise draws. */
  next32(): number {
    return this.nextUint32() * 2.3283064365386963e-10;
  }

  uniform(a = 0, b = 1): number {
    return a + (b - a) * this.next();
  }

  /** Normal deviate (Marsaglia polar method; the second deviate is kept for the next call). */
  normal(mu = 0, sd = 1): number {
    if (!Number.isNaN(this.spare)) {
      const z0 = this.spare;
      this.spare = NaN;
      return mu + sd * z0;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next32() - 1;
      v = 2 * this.next32() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return mu + sd * u * f;
  }

  /**
   * Standard normal deviate by Marsaglia & Tsang's ziggurat (J. Stat. Softw. 5(8), 2000; 128 layers): one 32-bit
   * draw and one comparison ~99% of the time, for the per-pixel noise. The low 7 bits pick the layer and the upper 25
   * the signed position, so layer and value use separate bits (Doornik 2005's remark on the original).
   */
  gaussZig(): number {
    for (;;) {
      const u = this.nextUint32();
      const i = u & 127;
      const hz = (u & ~127) | 0; // signed, multiple of 128
      if (Math.abs(hz) < ZIG_K[i]) return hz * ZIG_W[i];
      const x = hz * ZIG_W[i];
      if (i === 0) {
        // the tail beyond R (Marsaglia 1964)
        let xt: number, yt: number;
        do {
          xt = -Math.log(1 - this.next32()) / ZIG_R;
          yt = -Math.log(1 - this.next32());
        } while (yt + yt < xt * xt);
        return hz > 0 ? ZIG_R + xt : -ZIG_R - xt;
      }
      if (ZIG_F[i] + this.next32() * (ZIG_F[i - 1] - ZIG_F[i]) < Math.exp(-0.5 * x * x)) return x;
    }
  }

  /**
   * Gamma(shape, 1) deviate by Marsaglia & Tsang (2000, ACM TOMS 26, 363); shape < 1 through Gamma(shape + 1)
   * U^(1/shape).
   */
  gamma(shape: number): number {
    if (!(shape > 0)) throw new LensfindError('E_RNG', `Rng.gamma: shape must be > 0, got ${shape}`);
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.next(), 1 / shape);
    const d = shape - 1 / 3,
      c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** exp(N(mu, sigma)): mu and sigma are of the logarithm. */
  logNormal(mu = 0, sigma = 1): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Integer uniform in [lo, hiExclusive). */
  int(lo: number, hiExclusive: number): number {
    if (!(hiExclusive > lo)) throw new LensfindError('E_RNG', `Rng.int: empty range [${lo}, ${hiExclusive})`);
    return lo + Math.floor(this.next() * (hiExclusive - lo));
  }

  /** One element of `arr`, uniformly or with (unnormalised, non-negative) `weights`. */
  choice<T>(arr: readonly T[], weights?: readonly number[]): T {
    if (arr.length === 0) throw new LensfindError('E_RNG', 'Rng.choice: empty array');
    if (!weights) return arr[this.int(0, arr.length)];
    if (weights.length !== arr.length)
      throw new LensfindError('E_RNG', 'Rng.choice: weights and array differ in length');
    const total = weights.reduce((s, w) => s + w, 0);
    if (!(total > 0)) throw new LensfindError('E_RNG', 'Rng.choice: weights must have a positive sum');
    let u = this.next() * total;
    for (let i = 0; i < arr.length; i++) {
      u -= weights[i];
      if (u < 0) return arr[i];
    }
    return arr[arr.length - 1];
  }

  /**
   * Exact Poisson deviate: multiplication (Knuth) for lambda < 10, Hörmann's PTRS transformed rejection above
   * (W. Hörmann 1993, "The transformed rejection method for generating Poisson random variables"), as in numpy.
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 10) {
      const l = Math.exp(-lambda);
      let k = 0;
      let p = this.next32();
      while (p > l) {
        k++;
        p *= this.next32();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const U = this.next32() - 0.5;
      const V = this.next32();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (
        Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -lambda + k * loglam - logGamma(k + 1)
      )
        return k;
    }
  }
}

// Ziggurat tables (Marsaglia & Tsang 2000, RNOR with 128 layers): layer i covers |x| < ZIG_K[i] * ZIG_W[i].
const ZIG_R = 3.442619855899;
const ZIG_K = new Float64Array(128);
const ZIG_W = new Float64Array(128);
const ZIG_F = new Float64Array(128);
{
  const m1 = 2147483648;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R,
    tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  ZIG_K[0] = (dn / q) * m1;
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m1;
  ZIG_W[127] = dn / m1;
  ZIG_F[0] = 1;
  ZIG_F[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = (dn / tn) * m1;
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / m1;
  }
}

/** The ziggurat's tables, for kernels that draw gaussZig's sequence (wasm/sim/kernels.ts). */
export const ZIGGURAT = { K: ZIG_K, W: ZIG_W, F: ZIG_F } as const;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// Lanczos coefficients of Numerical Recipes 3rd ed. (gammln, g = 671/128, 14 terms): |error| ~ 1e-15 relative.
const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
  0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3,
  -0.210264441724104883e-3, 0.217439618115212643e-3, -0.16431810653676389e-3, 0.844182239838527433e-4,
  -0.261908384015814087e-4, 0.368991826595316234e-5,
];

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new LensfindError('E_RNG', `logGamma: x must be > 0, got ${x}`);
  let y = x;
  let tmp = x + 5.2421875;
  tmp = (x + 0.5) * Math.log(tmp) - tmp;
  let ser = 0.999999999999997092;
  for (let j = 0; j < 14; j++) ser += LANCZOS[j] / ++y;
  return tmp + Math.log((2.5066282746310005 * ser) / x);
}
