/**
 * The evaluation's variant: mulberry32 after a splitmix32 scramble of the seed. Fast, reproducible across
 * platforms, good enough for bootstrap resampling; kept because the bootstrap intervals of evaluations (and their
 * fixtures) are drawn from it. Not for cryptography.
 */
import { splitmix32 } from './splitmix32.js';

export class Mulberry32Rng {
  private state: number;

  constructor(seed: number) {
    this.state = splitmix32(seed >>> 0)[1];
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}
