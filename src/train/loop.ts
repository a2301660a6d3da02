/**
 * The training loop: epochs of optimizer steps, validation at each epoch's end, and the callbacks
 * (callbacks/types.ts) for everything else a run does: EarlyStopping (best value, patience), MetricsLog
 * (train.log line, metrics.jsonl), TensorBoardLog, ModelCheckpoint (checkpoints/last and best), in that order.
 * Stop signals and the step/epoch limits of a call are the loop's own: they decide where the next call resumes.
 * The parts: loop-state.ts (set-up and resume), epoch.ts and epoch-batches.ts (an epoch, its batches),
 * train-step.ts (one optimizer step), validation.ts (the epoch's end), loop-summary.ts (summary.json).
 */
import { LoopState, type LoopContext } from './loop-state.js';
import { runEpoch } from './epoch.js';
import { finishCall } from './loop-summary.js';
import type { TrainResult } from './trainer.js';

export type { LoopContext } from './loop-state.js';

/** The epochs of one training call, from where the checkpoint left off to the end or a stop. */
export async function trainLoop(ctx: LoopContext): Promise<TrainResult> {
  const s = new LoopState(ctx);
  s.started = performance.now();
  try {
    while (s.epoch < ctx.config.epochs) {
      if (ctx.opts.stopAfterEpochs !== undefined && s.epochsThisCall >= ctx.opts.stopAfterEpochs) {
        s.interrupted = true;
        break;
      }
      if ((await runEpoch(s)) === 'stop') break;
    }
  } finally {
    for (const c of s.callbacks) c.onTrainEnd?.(s.info);
  }
  return finishCall(s);
}
