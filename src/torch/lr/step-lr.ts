import { LensfindError } from '../../errors.js';
import { LRScheduler, type Schedulable } from './scheduler.js';

/** PyTorch's StepLR: lr = base * gamma^floor(epoch / stepSize). */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Schedulable, opts: { stepSize: number; gamma?: number }) {
    super(optimizer);
    if (!(opts.stepSize >= 1))
      throw new LensfindError('E_SCHEDULE', `StepLR: stepSize must be >= 1, got ${opts.stepSize}`);
    this.stepSize = opts.stepSize;
    this.gamma = opts.gamma ?? 0.1;
    this.start();
  }

  protected lrAt(epoch: number, i: number): number {
    return this.baseLrs[i] * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}
