import type { RunStatus } from './run-session.js';
import { fmt } from './metrics.js';
import type { TrainResult } from './trainer.js';
import type { LoopState } from './loop-state.js';

/** summary.json (unless a benchmark's step limit ended the call) and the call's result. */
export function finishCall(s: LoopState): TrainResult {
  const { config, data, opts, known, session, logger } = s.ctx;
  const { phases, history, interrupted } = s;
  const runDir = session.dir;
  const best = s.early.best;
  const totalSeconds = (performance.now() - s.started) / 1000;
  const summary = {
    run: runDir,
    model: config.model.name,
    parameters: known.parameters as number,
    status: (interrupted ? 'interrupted' : 'finished') satisfies RunStatus,
    epochs: s.epoch,
    finished: !interrupted,
    monitor: config.monitor,
    best,
    last: history.at(-1) ?? null,
    train_images: data.trainSize,
    val_images: data.valIdx.length,
    skipped_images: data.skipped(),
    // Training on fresh simulations: new cutouts every epoch (train_images per epoch), see `sim`.
    fresh_simulations: data.sim !== null,
    sim: data.sim,
    seconds: totalSeconds,
    images_per_s: s.trainedImages / totalSeconds,
    // Of the training steps' time in this call, the fraction spent waiting for batches.
    data_wait:
      phases.data / Math.max(1e-9, phases.data + phases.forward + phases.backward + phases.optimizer),
  };
  if (opts.maxSteps === undefined) session.writeSummary(summary);
  if (!interrupted) {
    logger.info(
      `done in ${totalSeconds.toFixed(1)} s; best ${config.monitor} ${fmt(best?.value ?? NaN)} at epoch ${best?.epoch ?? '-'}`,
    );
  }
  return {
    runDir,
    epochs: s.epoch,
    interrupted,
    best: best ? { ...best, metric: config.monitor } : null,
    history,
    parameters: summary.parameters,
    summary,
    phases,
  };
}
