import path from 'node:path';
import type { Module } from '../../torch/nn/module.js';
import type { Optimizer } from '../../torch/optim/optimizer.js';
import { saveCheckpoint } from '../checkpoint.js';
import type { TrainState } from '../trainer.js';
import type { EpochEnd, LoopInfo, TrainCallback } from './types.js';

/**
 * checkpoints/last after every epoch (and mid-epoch when a signal stops the run: `saveLast`), checkpoints/best
 * when the epoch is the best yet (weights and state, no optimizer). The state is the loop's (`state`). Their
 * model.safetensors holds the weights that are validated: the trained model's, or their moving average (ema.ts),
 * in which case checkpoints/last also holds the trained weights (trained.safetensors) to resume from.
 */
export class ModelCheckpoint implements TrainCallback {
  constructor(
    private readonly model: Module,
    private readonly optimizer: Optimizer,
    private readonly state: (partial: TrainState['partial']) => TrainState,
    private readonly average: Module | null = null,
  ) {}

  /** Writes checkpoints/last now (the loop calls it when a signal stops an epoch half-way). */
  saveLast(loop: LoopInfo, partial: TrainState['partial']): void {
    this.writeLast(loop, this.state(partial));
  }

  onEpochEnd(loop: LoopInfo, end: EpochEnd): void {
    const st = this.state(null);
    // best before last: checkpoints/last is what a resume starts from, and its state already counts this epoch as
    // the best. Written first, a kill between the two would resume past an epoch whose best weights were never
    // saved; in this order the resumed run repeats the epoch and writes the same best again.
    if (end.isBest)
      saveCheckpoint(path.join(loop.session.dir, 'checkpoints/best'), {
        model: this.average ?? this.model,
        state: st,
      });
    this.writeLast(loop, st);
  }

  private writeLast(loop: LoopInfo, state: TrainState): void {
    const { model, optimizer, average } = this;
    saveCheckpoint(path.join(loop.session.dir, 'checkpoints/last'), {
      model: average ?? model,
      trained: average ? model : undefined,
      optimizer,
      state,
    });
  }
}
