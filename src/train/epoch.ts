import { Progress } from '../log/progress.js';
import { fmt } from './metrics.js';
import { EpochScores } from './epoch-scores.js';
import type { PartialEpoch } from './trainer.js';
import type { LoopState } from './loop-state.js';
import { runEpochBatches, type EpochRun } from './epoch-batches.js';
import { endEpoch } from './validation.js';

/** One epoch (or the rest of a resumed one): its batches, then validation; 'stop' ends the call. */
export async function runEpoch(s: LoopState): Promise<'next' | 'stop'> {
  const { config, model, opts, stop, logger } = s.ctx;
  const partial: PartialEpoch = s.resumeFrom ?? {
    batches: 0,
    lossSum: 0,
    correct: 0,
    seen: 0,
    seconds: 0,
    waited: 0,
  };
  const waitedBefore = (partial.waited ?? 0) - s.phases.data;
  s.resumeFrom = null;
  const trainScores = EpochScores.resume(partial.scores, partial.batches);
  const t0 = performance.now() - partial.seconds * 1000;
  model.train();
  const bar = new Progress({
    label: `epoch ${s.epoch + 1}/${config.epochs}`,
    total: s.stepsPerEpoch,
    unit: 'batches',
    quiet: opts.console === false,
  });
  const run: EpochRun = { partial, trainScores, bar, t0 };
  const end = await runEpochBatches(s, run);
  if (end === 'max-steps') {
    s.interrupted = true;
    return 'stop';
  }
  if (end === 'stopped' && stoppedInEpoch(s, run, waitedBefore)) return 'stop';
  bar.finish({ loss: fmt(partial.lossSum / Math.max(1, partial.seen)) });
  await endEpoch(s, partial, trainScores, (performance.now() - t0) / 1000, waitedBefore + s.phases.data);
  s.epochsThisCall++;
  if (stop.requested) {
    s.interrupted = s.epoch < config.epochs;
    if (s.interrupted)
      logger.warn(
        `stopped after epoch ${s.epoch}; resume with: lensfind train --resume ${s.ctx.session.dir}`,
      );
    return 'stop';
  }
  return s.callbacks.some((c) => c.shouldStop?.(s.info)) ? 'stop' : 'next';
}

/**
 * A stop signal during the epoch's batches: saves a mid-epoch checkpoint and returns true (the call ends), or
 * returns false when the epoch's batches are all done (it is finished, validation and checkpoints, and the call
 * stops after).
 */
function stoppedInEpoch(s: LoopState, run: EpochRun, waitedBefore: number): boolean {
  const { partial, trainScores, bar, t0 } = run;
  const { logger } = s.ctx;
  const runDir = s.ctx.session.dir;
  bar.finish();
  // Mid-epoch checkpoint: resuming skips the batches already trained on, so the run stays exact.
  partial.seconds = (performance.now() - t0) / 1000;
  partial.waited = waitedBefore + s.phases.data;
  if (partial.batches > 0 && partial.batches < s.stepsPerEpoch) {
    s.checkpoint.saveLast(s.info, { ...partial, scores: trainScores.save() });
    s.interrupted = true;
    logger.warn(`stopped in epoch ${s.epoch + 1} after batch ${partial.batches}; checkpoints/last saved`);
    logger.warn(`resume with: lensfind train --resume ${runDir}`);
    return true;
  }
  if (partial.batches === 0) {
    s.interrupted = true;
    logger.warn(`stopped before epoch ${s.epoch + 1}; resume with: lensfind train --resume ${runDir}`);
    return true;
  }
  return false;
}
