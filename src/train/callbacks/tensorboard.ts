import path from 'node:path';
import { SummaryWriter } from '../../log/tensorboard.js';
import type { Batch } from '../../data/loader.js';
import { logBatchImage } from '../batch-image.js';
import type { EpochEnd, LoopInfo, TrainCallback } from './types.js';

/**
 * TensorBoard scalars in the run folder (events.out.tfevents.*): an image of the run's first batch, the loss every
 * 10 steps (`train/loss_step`), and each epoch's metrics (`train_loss` -> `train/loss`).
 */
export class TensorBoardLog implements TrainCallback {
  private readonly tb: SummaryWriter;

  constructor(runDir: string) {
    this.tb = new SummaryWriter(runDir);
  }

  async onBatchStart(loop: LoopInfo, batch: Batch): Promise<void> {
    if (loop.step === 0) await logBatchImage(this.tb, batch, loop.logger);
  }

  onBatchEnd(loop: LoopInfo, loss: number): void {
    if (loop.step % 10 === 0) this.tb.addScalar('train/loss_step', loss, loop.step);
  }

  onEpochEnd(loop: LoopInfo, end: EpochEnd): void {
    for (const [k, v] of Object.entries(end.metrics)) {
      if (k !== 'epoch' && k !== 'step' && Number.isFinite(v))
        this.tb.addScalar(k.replace('_', '/'), v, loop.epoch);
    }
  }

  /** An event file is the folder's only when this call wrote it (a stub with nothing trained is removed). */
  onTrainEnd(loop: LoopInfo): void {
    if (this.tb.written) loop.session.file(path.basename(this.tb.file));
  }
}
