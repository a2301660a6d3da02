/**
 * The data pipeline's variant: sfc32 seeded through splitmix32 from a list of keys, so a draw depends only on
 * (seed, epoch, index, ...), never on which worker or in what order items are prepared. Kept beside xoshiro128**
 * (xoshiro.ts) because the augmentations, splits and samplers of existing runs are drawn from it.
 */
import { splitmix32 } from './splitmix32.js';

export class Sfc32Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  /** `keys` (seed, epoch, index, ...) are mixed in order; any non-negative integers. */
  constructor(...keys: number[]) {
    let s = 0x2545f491;
    const out: number[] = [];
    for (const k of keys) {
      // Mix each key's low and high 32 bits so large seeds stay distinct.
      const lo = k >>> 0;
      const hi = Math.floor(k / 4294967296) >>> 0;
      [s] = splitmix32(s ^ lo);
      [s] = splitmix32(s ^ hi);
    }
    for (let i = 0; i < 4; i++) {
      let v: number;
      [s, v] = splitmix32(s);
      out.push(v);
    }
    [this.a, this.b, this.c, this.d] = out;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** sfc32. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }

  /** Adds sigma × standard normal draws to every value, in place (Box-Muller pairs, the fast path for noise). */
  addNormal(out: Float32Array, sigma: number): void {
    const n = out.length;
    for (let i = 0; i < n; i += 2) {
      let u = this.nextUint32();
      while (u === 0) u = this.nextUint32();
      const r = sigma * Math.sqrt(-2 * Math.log(u / 4294967296));
      const t = (2 * Math.PI * this.nextUint32()) / 4294967296;
      out[i] += r * Math.cos(t);
      if (i + 1 < n) out[i + 1] += r * Math.sin(t);
    }
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(a: T[] | Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
