import { scoreIndices } from './score.js';
import { validationMetrics, metricValue, type EpochMetrics } from './metrics.js';
import type { EpochScores } from './epoch-scores.js';
import type { PartialEpoch } from './trainer.js';
import type { LoopState } from './loop-state.js';

/**
 * The end of an epoch: the validation pass, the epoch's metrics, the schedule's epoch step, then the
 * callbacks' onEpochEnd.
 */
export async function endEpoch(
  s: LoopState,
  partial: PartialEpoch,
  trainScores: EpochScores,
  seconds: number,
  waited: number,
): Promise<void> {
  const { data, model, average, config, known } = s.ctx;
  // the weights the checkpoints keep: the moving average when there is one
  const scores = data.valIdx.length
    ? await scoreIndices(average?.average ?? model, data.loader, data.valIdx, {
        batchSize: config.eval_batch_size,
        keep: true,
      })
    : { logits: new Float64Array(), labels: new Float64Array() };
  s.epoch++;
  const m: EpochMetrics = {
    epoch: s.epoch,
    step: s.step,
    lr: s.schedule.lr(),
    train_loss: partial.lossSum / Math.max(1, partial.seen),
    train_accuracy: partial.correct / Math.max(1, partial.seen),
    train_auc: trainScores.auc(),
    ...validationMetrics(scores.logits, scores.labels),
    images_per_s: partial.seen / seconds,
    data_wait: waited / seconds,
    seconds,
  };
  s.history.push(m);
  const value = metricValue(m, config.monitor);
  s.schedule.afterEpoch(value);
  const ended = { metrics: m, value, isBest: false };
  for (const c of s.callbacks) c.onEpochEnd?.(s.info, ended);
  Object.assign(known, { epochs: s.epoch, best: s.early.best, last: m });
}
