import { improved } from '../metrics.js';
import type { EpochEnd, LoopInfo, TrainCallback } from './types.js';

/**
 * Tracks the best value of config.monitor (`best`) and the epochs since it improved (`badEpochs`), both saved in
 * the checkpoint's TrainState; stops when `badEpochs` reaches early_stopping_patience (null: never).
 */
export class EarlyStopping implements TrainCallback {
  best: { epoch: number; value: number } | null = null;
  badEpochs = 0;

  constructor(
    private readonly mode: 'max' | 'min',
    private readonly patience: number | null,
  ) {}

  /** Restores what a checkpoint saved. */
  loadState(state: { best: EarlyStopping['best']; badEpochs: number }): void {
    this.best = state.best;
    this.badEpochs = state.badEpochs;
  }

  onEpochEnd(loop: LoopInfo, end: EpochEnd): void {
    end.isBest = improved(end.value, this.best?.value, this.mode);
    if (end.isBest) {
      this.best = { epoch: loop.epoch, value: end.value };
      this.badEpochs = 0;
    } else this.badEpochs++;
  }

  shouldStop(loop: LoopInfo): boolean {
    if (this.patience === null || this.badEpochs < this.patience) return false;
    loop.logger.info(`early stopping: ${loop.config.monitor} has not improved for ${this.badEpochs} epochs`);
    return true;
  }
}
