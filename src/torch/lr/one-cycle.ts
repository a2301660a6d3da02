import { LensfindError } from '../../errors.js';
import { LRScheduler, type Schedulable } from './scheduler.js';

export interface OneCycleOptions {
  maxLr: number | number[];
  totalSteps: number;
  pctStart?: number;
  anneal?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  lr: [keyof Bounds, keyof Bounds];
  momentum: ['max' | 'base', 'max' | 'base'];
}
interface Bounds {
  initial: number;
  max: number;
  min: number;
}

/**
 * PyTorch's OneCycleLR (1cycle policy): lr rises from maxLr/divFactor to maxLr over pctStart of the steps and
 * anneals to initial/finalDivFactor; momentum (SGD) or beta1 (Adam/AdamW) cycles inversely between maxMomentum
 * and baseMomentum. Same phase boundaries and annealing formulas as torch 1.13, so the sequences agree.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly bounds: Bounds[];
  private readonly anneal: 'cos' | 'linear';
  private readonly cycleMomentum: boolean;
  private readonly baseMomentum: number;
  private readonly maxMomentum: number;

  constructor(optimizer: Schedulable, opts: OneCycleOptions) {
    super(optimizer);
    const pct = opts.pctStart ?? 0.3;
    this.totalSteps = opts.totalSteps;
    if (!(this.totalSteps >= 1))
      throw new LensfindError('E_SCHEDULE', `OneCycleLR: totalSteps must be >= 1, got ${this.totalSteps}`);
    if (!(pct >= 0 && pct <= 1))
      throw new LensfindError('E_SCHEDULE', `OneCycleLR: pctStart must be in [0, 1], got ${pct}`);
    this.anneal = opts.anneal ?? 'cos';
    this.cycleMomentum = opts.cycleMomentum ?? true;
    this.baseMomentum = opts.baseMomentum ?? 0.85;
    this.maxMomentum = opts.maxMomentum ?? 0.95;
    const div = opts.divFactor ?? 25;
    const finalDiv = opts.finalDivFactor ?? 1e4;
    const n = optimizer.paramGroups.length;
    const maxLrs = Array.isArray(opts.maxLr) ? opts.maxLr : new Array<number>(n).fill(opts.maxLr);
    if (maxLrs.length !== n)
      throw new LensfindError(
        'E_SCHEDULE',
        `OneCycleLR: maxLr has ${maxLrs.length} values for ${n} param groups`,
      );
    this.bounds = maxLrs.map((max) => ({ initial: max / div, max, min: max / div / finalDiv }));
    const T = this.totalSteps;
    this.phases = opts.threePhase
      ? [
          { endStep: pct * T - 1, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { endStep: 2 * pct * T - 2, lr: ['max', 'initial'], momentum: ['base', 'max'] },
          { endStep: T - 1, lr: ['initial', 'min'], momentum: ['max', 'max'] },
        ]
      : [
          { endStep: pct * T - 1, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { endStep: T - 1, lr: ['max', 'min'], momentum: ['base', 'max'] },
        ];
    if (this.cycleMomentum) {
      for (const g of optimizer.paramGroups) {
        if (g.momentum === undefined && g.betas === undefined) {
          throw new LensfindError(
            'E_CONFIG',
            'OneCycleLR: cycleMomentum needs an optimizer with momentum or betas',
          );
        }
      }
    }
    this.start();
  }

  private annealFn(start: number, end: number, pct: number): number {
    return this.anneal === 'cos'
      ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (end - start) * pct + start;
  }

  /** The phase containing `step` and the fraction of it done. */
  private where(step: number): { phase: Phase; pct: number } {
    let startStep = 0;
    for (let k = 0; k < this.phases.length; k++) {
      const phase = this.phases[k];
      if (step <= phase.endStep || k === this.phases.length - 1) {
        return { phase, pct: (step - startStep) / (phase.endStep - startStep) };
      }
      startStep = phase.endStep;
    }
    throw new Error('unreachable');
  }

  protected lrAt(step: number, i: number): number {
    if (step > this.totalSteps) {
      throw new LensfindError(
        'E_SCHEDULE',
        `OneCycleLR: stepped ${step} times, more than totalSteps = ${this.totalSteps}`,
      );
    }
    const { phase, pct } = this.where(step);
    return this.annealFn(this.bounds[i][phase.lr[0]], this.bounds[i][phase.lr[1]], pct);
  }

  protected override apply(): void {
    super.apply();
    if (!this.cycleMomentum) return;
    const { phase, pct } = this.where(this.lastEpoch);
    const m = (k: 'max' | 'base') => (k === 'max' ? this.maxMomentum : this.baseMomentum);
    const momentum = this.annealFn(m(phase.momentum[0]), m(phase.momentum[1]), pct);
    for (const g of this.optimizer.paramGroups) {
      if (g.betas) g.betas = [momentum, g.betas[1]];
      else g.momentum = momentum;
    }
  }
}
