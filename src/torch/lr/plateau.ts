import { LensfindError } from '../../errors.js';
import { checkType, type Schedulable, type SchedulerState } from './scheduler.js';

export interface PlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/** PyTorch's ReduceLROnPlateau: multiplies the lr by `factor` when the metric stops improving for `patience` steps. */
export class ReduceLROnPlateau {
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(
    readonly optimizer: Schedulable,
    opts: PlateauOptions = {},
  ) {
    this.mode = opts.mode ?? 'min';
    this.factor = opts.factor ?? 0.1;
    if (!(this.factor < 1))
      throw new LensfindError('E_SCHEDULE', `ReduceLROnPlateau: factor must be < 1, got ${this.factor}`);
    this.patience = opts.patience ?? 10;
    this.threshold = opts.threshold ?? 1e-4;
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    this.cooldown = opts.cooldown ?? 0;
    this.eps = opts.eps ?? 1e-8;
    const n = optimizer.paramGroups.length;
    const minLr = opts.minLr ?? 0;
    this.minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(n).fill(minLr);
    if (this.minLrs.length !== n)
      throw new LensfindError(
        'E_SCHEDULE',
        `ReduceLROnPlateau: minLr has ${this.minLrs.length} values for ${n} groups`,
      );
    this.best = this.worst();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min')
      return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records this step's metric (a validation loss for mode 'min') and reduces the lr after a plateau. */
  step(metric: number): void {
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerState {
    return {
      type: 'ReduceLROnPlateau',
      best: Number.isFinite(this.best) ? this.best : null, // JSON has no Infinity
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: [...this.lastLr],
    };
  }

  /** Restores the plateau tracking; the lr itself comes back with the optimizer's state (set here too). */
  loadStateDict(state: SchedulerState): void {
    checkType(state, 'ReduceLROnPlateau');
    const num = (k: string): number => {
      const v = state[k];
      if (typeof v !== 'number')
        throw new LensfindError('E_STATE', `ReduceLROnPlateau state: ${k} must be a number`);
      return v;
    };
    this.best = state.best === null || state.best === undefined ? this.worst() : num('best');
    this.numBadEpochs = num('numBadEpochs');
    this.cooldownCounter = num('cooldownCounter');
    this.lastEpoch = num('lastEpoch');
    if (Array.isArray(state.lastLr) && state.lastLr.length === this.optimizer.paramGroups.length) {
      this.lastLr = [...state.lastLr];
      this.optimizer.paramGroups.forEach((g, i) => (g.lr = this.lastLr[i]));
    }
  }
}
