import { LensfindError } from '../../errors.js';
import { LRScheduler, type Schedulable } from './scheduler.js';

/**
 * Linear warmup then cosine decay, stepped once per optimizer step: lr = base * (s + 1) / warmupSteps for
 * s < warmupSteps (so the first step already learns), then a half cosine from base at s = warmupSteps down to
 * minLr at s = totalSteps, held at minLr afterwards.
 */
export class CosineWithWarmup extends LRScheduler {
  readonly warmupSteps: number;
  readonly totalSteps: number;
  readonly minLr: number;

  constructor(optimizer: Schedulable, opts: { warmupSteps?: number; totalSteps: number; minLr?: number }) {
    super(optimizer);
    this.warmupSteps = opts.warmupSteps ?? 0;
    this.totalSteps = opts.totalSteps;
    this.minLr = opts.minLr ?? 0;
    if (!(this.totalSteps >= 1))
      throw new LensfindError(
        'E_SCHEDULE',
        `CosineWithWarmup: totalSteps must be >= 1, got ${this.totalSteps}`,
      );
    if (!(this.warmupSteps >= 0))
      throw new LensfindError(
        'E_SCHEDULE',
        `CosineWithWarmup: warmupSteps must be >= 0, got ${this.warmupSteps}`,
      );
    this.start();
  }

  protected lrAt(s: number, i: number): number {
    const base = this.baseLrs[i];
    if (s < this.warmupSteps) return (base * (s + 1)) / this.warmupSteps;
    const progress = Math.min(1, (s - this.warmupSteps) / Math.max(1, this.totalSteps - this.warmupSteps));
    return this.minLr + (base - this.minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
