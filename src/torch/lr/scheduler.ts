import { LensfindError } from '../../errors.js';

/** The part of an optimizer a scheduler changes: each param group's lr (and momentum or Adam's beta1 for OneCycleLR). */
export interface SchedulableGroup {
  lr: number;
  momentum?: number;
  betas?: [number, number];
}
export interface Schedulable {
  paramGroups: SchedulableGroup[];
}

/** JSON-serialisable scheduler state, saved in a checkpoint's state.json. */
export type SchedulerState = Record<string, number | number[] | string | null>;

/**
 * Base of the epoch-indexed schedulers (PyTorch's LRScheduler): the constructor applies the lr of step 0, each
 * `step()` advances `lastEpoch` and sets every group's lr from a closed form `lrAt(epoch)`.
 */
export abstract class LRScheduler {
  lastEpoch = -1;
  readonly baseLrs: number[];
  protected lastLr: number[] = [];

  constructor(readonly optimizer: Schedulable) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of group `i` at step `epoch`. */
  protected abstract lrAt(epoch: number, i: number): number;

  /** Called by subclasses at the end of their constructor (so their fields exist). */
  protected start(): void {
    this.step();
  }

  step(): void {
    this.lastEpoch += 1;
    this.apply();
  }

  protected apply(): void {
    this.lastLr = this.optimizer.paramGroups.map((g, i) => (g.lr = this.lrAt(this.lastEpoch, i)));
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerState {
    return { type: this.constructor.name, lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /** Restores the step count and re-applies that step's lr to the optimizer's groups. */
  loadStateDict(state: SchedulerState): void {
    checkType(state, this.constructor.name);
    if (typeof state.lastEpoch !== 'number')
      throw new LensfindError('E_STATE', 'scheduler state: lastEpoch must be a number');
    const base = state.baseLrs;
    if (!Array.isArray(base) || base.length !== this.baseLrs.length) {
      throw new LensfindError(
        'E_STATE',
        `scheduler state: baseLrs has ${Array.isArray(base) ? base.length : 'no'} entries, the optimizer has ${this.baseLrs.length} param groups`,
      );
    }
    this.baseLrs.splice(0, this.baseLrs.length, ...base);
    this.lastEpoch = state.lastEpoch;
    this.apply();
  }
}

export function checkType(state: SchedulerState, expected: string): void {
  if (state.type !== undefined && state.type !== expected) {
    throw new LensfindError(
      'E_STATE',
      `scheduler state is for ${String(state.type)}, cannot load it into ${expected}`,
    );
  }
}
