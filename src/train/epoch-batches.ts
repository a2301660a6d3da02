import { LensfindError } from '../errors.js';
import type { Progress } from '../log/progress.js';
import { fmt } from './metrics.js';
import type { EpochScores } from './epoch-scores.js';
import type { PartialEpoch } from './trainer.js';
import type { LoopState } from './loop-state.js';

/** How an epoch's batches ended: all done, or stopped (a signal, or the call's step limit). */
export type BatchesEnd = 'done' | 'stopped' | 'max-steps';

/** An epoch in progress: its counters (resumed or new), its training scores, its progress bar and start. */
export interface EpochRun {
  partial: PartialEpoch;
  trainScores: EpochScores;
  bar: Progress;
  /** performance.now() at the epoch's start (earlier by the seconds of a resumed epoch's first part). */
  t0: number;
}

/** The epoch's batches (from where a resumed epoch stopped), each one optimizer step. */
export async function runEpochBatches(s: LoopState, run: EpochRun): Promise<BatchesEnd> {
  const { config, data, stop, opts } = s.ctx;
  const { partial, trainScores, bar, t0 } = run;
  const { phases } = s;
  // Resuming inside this epoch: the loader starts after the batches trained on before the interruption,
  // without reading them; the rest are the batches an uninterrupted run would see.
  const batches = data.trainBatches(s.epoch, {
    batchSize: config.batch_size,
    dropLast: s.dropLast,
    startBatch: partial.batches,
  });
  let tWait = performance.now();
  for await (const batch of batches) {
    if (stop.requested || (opts.maxSteps !== undefined && phases.steps >= opts.maxSteps)) break;
    const tBatch = performance.now();
    phases.data += (tBatch - tWait) / 1000;
    for (const c of s.callbacks) await c.onBatchStart?.(s.info, batch);
    const { loss, right, logits } = s.trainStep(batch, phases);
    if (!Number.isFinite(loss)) {
      throw new LensfindError(
        'E_DIVERGED',
        `the loss became ${loss} at epoch ${s.epoch + 1}, step ${s.step + 1}: lower optim.lr ` +
          `(${config.optim.lr}) or set clip_grad_norm`,
      );
    }
    s.step++;
    s.ctx.onStep();
    // Batches of the epoch done, counting any whose files were all skipped (the loader's numbering).
    const batchNo = batch.batchIndex + 1;
    phases.steps++;
    partial.batches = batchNo;
    partial.lossSum += loss * batch.y.length;
    partial.correct += right;
    partial.seen += batch.y.length;
    trainScores.add(logits, batch.y);
    s.trainedImages += batch.y.length;
    opts.onStep?.({ step: s.step, images: batch.y.length, epoch: s.epoch, phases });
    if (batchNo < s.stepsPerEpoch) {
      bar.update(batchNo, {
        loss: fmt(partial.lossSum / partial.seen),
        'img/s': Math.round(partial.seen / ((performance.now() - t0) / 1000)),
      });
    }
    for (const c of s.callbacks) c.onBatchEnd?.(s.info, loss);
    // Let the event loop run (signals, timers): batches that are ready resolve as microtasks only.
    await new Promise<void>((resolve) => setImmediate(resolve));
    tWait = performance.now();
  }
  if (opts.maxSteps !== undefined && phases.steps >= opts.maxSteps) return 'max-steps';
  return stop.requested ? 'stopped' : 'done';
}
