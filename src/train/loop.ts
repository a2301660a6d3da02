/**
 * The training loop: epochs of optimizer steps, validation at each epoch's end, and the callbacks
 * (callbacks/types.ts) for everything else a run does: EarlyStopping (best value, patience), MetricsLog
 * (train.log line, metrics.jsonl), TensorBoardLog, ModelCheckpoint (checkpoints/last and best), in that order.
 * Stop signals and the step/epoch limits of a call are the loop's own: they decide where the next call resumes.
 */
import type { Logger } from '../log/logger.js';
import { Progress } from '../log/progress.js';
import type { Batch } from '../data/loader.js';
import { LensfindError } from '../errors.js';
import { fromTypedArray } from '../torch/creation.js';
import type { Generator } from '../torch/random.js';
import { scope } from '../torch/scope.js';
import { clipGradNorm_ } from '../torch/clip.js';
import type { LensModel } from '../models/common.js';
import { metricMode, type TrainConfig } from './schema.js';
import { makeLoss } from './losses.js';
import { makeOptimizer, makeSchedule } from './optimizer.js';
import { loadCheckpointWeights, loadCheckpointOptimizer } from './checkpoint.js';
import { scoreIndices } from './score.js';
import type { RunSession, RunStatus } from './run-session.js';
import { validationMetrics, metricValue, fmt, type EpochMetrics } from './metrics.js';
import { EpochScores } from './epoch-scores.js';
import type { TrainingData } from './training-data.js';
import type { StopSignals } from './stop-signals.js';
import type { PartialEpoch, PhaseTimes, TrainOptions, TrainResult, TrainState } from './trainer.js';
import type { LoopInfo, TrainCallback } from './callbacks/types.js';
import { EarlyStopping } from './callbacks/early-stopping.js';
import { MetricsLog } from './callbacks/metrics-log.js';
import { TensorBoardLog } from './callbacks/tensorboard.js';
import { ModelCheckpoint } from './callbacks/checkpoint.js';
import path from 'node:path';

export interface LoopContext {
  config: TrainConfig;
  state: TrainState | null;
  session: RunSession;
  data: TrainingData;
  model: LensModel;
  generator: Generator;
  logger: Logger;
  stop: StopSignals;
  opts: TrainOptions;
  /** Called after each optimizer step (the caller counts them: a failure after one keeps the folder). */
  onStep: () => void;
  /** Shared with the caller's failure summary: updated as epochs end. */
  known: Record<string, unknown>;
}

/** How an epoch's batches ended: all done, or stopped (a signal, or the call's step limit). */
type BatchesEnd = 'done' | 'stopped' | 'max-steps';

/** The epochs of one training call, from where the checkpoint left off to the end or a stop. */
export async function trainLoop(ctx: LoopContext): Promise<TrainResult> {
  const { config, state, session, model, generator, logger, stop, opts, known, data } = ctx;
  const runDir = session.dir;
  const optimizer = makeOptimizer(model, config.optim);
  const dropLast = data.trainSize >= config.batch_size;
  const stepsPerEpoch = dropLast ? Math.floor(data.trainSize / config.batch_size) : 1;
  const schedule = makeSchedule(optimizer, config, stepsPerEpoch);
  const lossFn = makeLoss(config.loss, data.posWeight);

  let epoch = 0;
  let step = 0;
  let resumeFrom: PartialEpoch | null = null;
  const history: EpochMetrics[] = [];
  const early = new EarlyStopping(metricMode(config.monitor), config.early_stopping_patience);
  if (state) {
    const last = path.join(runDir, 'checkpoints/last');
    loadCheckpointWeights(last, model);
    loadCheckpointOptimizer(last, optimizer);
    schedule.loadStateDict(state.schedule as never);
    generator.setState(Buffer.from(state.generator, 'base64'));
    ({ epoch, step } = state);
    early.loadState(state);
    resumeFrom = state.partial ?? null;
    history.push(...state.history);
  }
  const checkpointState = (partial: PartialEpoch | null): TrainState => ({
    epoch,
    step,
    partial,
    best: early.best,
    badEpochs: early.badEpochs,
    history,
    schedule: schedule.stateDict(),
    generator: Buffer.from(generator.getState()).toString('base64'),
    normalization: data.normalization,
    posWeight: data.posWeight,
    bands: data.spec.bands,
    imageSize: data.spec.height,
    monitor: config.monitor,
  });
  const checkpoint = new ModelCheckpoint(model, optimizer, checkpointState);
  const callbacks: TrainCallback[] = [
    early,
    new MetricsLog(history),
    ...(config.run.tensorboard ? [new TensorBoardLog(runDir)] : []),
    checkpoint,
  ];
  const loop: LoopInfo = {
    config,
    session,
    logger,
    get epoch() {
      return epoch;
    },
    get step() {
      return step;
    },
  };

  const phases: PhaseTimes = { data: 0, forward: 0, backward: 0, optimizer: 0, steps: 0 };
  const started = performance.now();
  let epochsThisCall = 0;
  let interrupted = false;
  let trainedImages = 0;
  const trainStep = makeTrainStep(ctx, optimizer, schedule, lossFn);
  try {
    while (epoch < config.epochs) {
      if (opts.stopAfterEpochs !== undefined && epochsThisCall >= opts.stopAfterEpochs) {
        interrupted = true;
        break;
      }
      const partial: PartialEpoch = resumeFrom ?? {
        batches: 0,
        lossSum: 0,
        correct: 0,
        seen: 0,
        seconds: 0,
        waited: 0,
      };
      const waitedBefore = (partial.waited ?? 0) - phases.data;
      resumeFrom = null;
      const trainScores = EpochScores.resume(partial.scores, partial.batches);
      const t0 = performance.now() - partial.seconds * 1000;
      model.train();
      const bar = new Progress({
        label: `epoch ${epoch + 1}/${config.epochs}`,
        total: stepsPerEpoch,
        unit: 'batches',
        quiet: opts.console === false,
      });
      /** The epoch's batches (from where a resumed epoch stopped), each one optimizer step. */
      const runBatches = async (): Promise<BatchesEnd> => {
        // Resuming inside this epoch: the loader starts after the batches trained on before the interruption,
        // without reading them; the rest are the batches an uninterrupted run would see.
        const batches = data.trainBatches(epoch, {
          batchSize: config.batch_size,
          dropLast,
          startBatch: partial.batches,
        });
        let tWait = performance.now();
        for await (const batch of batches) {
          if (stop.requested || (opts.maxSteps !== undefined && phases.steps >= opts.maxSteps)) break;
          const tBatch = performance.now();
          phases.data += (tBatch - tWait) / 1000;
          for (const c of callbacks) await c.onBatchStart?.(loop, batch);
          const { loss, right, logits } = trainStep(batch, phases);
          if (!Number.isFinite(loss)) {
            throw new LensfindError(
              'E_DIVERGED',
              `the loss became ${loss} at epoch ${epoch + 1}, step ${step + 1}: lower optim.lr ` +
                `(${config.optim.lr}) or set clip_grad_norm`,
            );
          }
          step++;
          ctx.onStep();
          // Batches of the epoch done, counting any whose files were all skipped (the loader's numbering).
          const batchNo = batch.batchIndex + 1;
          phases.steps++;
          partial.batches = batchNo;
          partial.lossSum += loss * batch.y.length;
          partial.correct += right;
          partial.seen += batch.y.length;
          trainScores.add(logits, batch.y);
          trainedImages += batch.y.length;
          opts.onStep?.({ step, images: batch.y.length, epoch, phases });
          if (batchNo < stepsPerEpoch) {
            bar.update(batchNo, {
              loss: fmt(partial.lossSum / partial.seen),
              'img/s': Math.round(partial.seen / ((performance.now() - t0) / 1000)),
            });
          }
          for (const c of callbacks) c.onBatchEnd?.(loop, loss);
          // Let the event loop run (signals, timers): batches that are ready resolve as microtasks only.
          await new Promise<void>((resolve) => setImmediate(resolve));
          tWait = performance.now();
        }
        if (opts.maxSteps !== undefined && phases.steps >= opts.maxSteps) return 'max-steps';
        return stop.requested ? 'stopped' : 'done';
      };
      const end = await runBatches();
      if (end === 'max-steps') {
        interrupted = true;
        break;
      }
      if (end === 'stopped') {
        bar.finish();
        // Mid-epoch checkpoint: resuming skips the batches already trained on, so the run stays exact.
        partial.seconds = (performance.now() - t0) / 1000;
        partial.waited = waitedBefore + phases.data;
        if (partial.batches > 0 && partial.batches < stepsPerEpoch) {
          checkpoint.saveLast(loop, { ...partial, scores: trainScores.save() });
          interrupted = true;
          logger.warn(`stopped in epoch ${epoch + 1} after batch ${partial.batches}; checkpoints/last saved`);
          logger.warn(`resume with: lensfind train --resume ${runDir}`);
          break;
        }
        if (partial.batches === 0) {
          interrupted = true;
          logger.warn(`stopped before epoch ${epoch + 1}; resume with: lensfind train --resume ${runDir}`);
          break;
        }
        // The epoch's batches are all done: finish it (validation, checkpoints) and stop after.
      }
      bar.finish({ loss: fmt(partial.lossSum / Math.max(1, partial.seen)) });
      await endEpoch(partial, trainScores, (performance.now() - t0) / 1000, waitedBefore + phases.data);
      epochsThisCall++;
      if (stop.requested) {
        interrupted = epoch < config.epochs;
        if (interrupted)
          logger.warn(`stopped after epoch ${epoch}; resume with: lensfind train --resume ${runDir}`);
        break;
      }
      if (callbacks.some((c) => c.shouldStop?.(loop))) break;
    }
  } finally {
    for (const c of callbacks) c.onTrainEnd?.(loop);
  }
  return finish();

  /** Validation, the epoch's metrics, the schedule's epoch step, then the callbacks' onEpochEnd. */
  async function endEpoch(partial: PartialEpoch, trainScores: EpochScores, seconds: number, waited: number) {
    const scores = data.valIdx.length
      ? await scoreIndices(model, data.loader, data.valIdx, { batchSize: config.eval_batch_size })
      : { logits: new Float64Array(), labels: new Float64Array() };
    epoch++;
    const m: EpochMetrics = {
      epoch,
      step,
      lr: schedule.lr(),
      train_loss: partial.lossSum / Math.max(1, partial.seen),
      train_accuracy: partial.correct / Math.max(1, partial.seen),
      train_auc: trainScores.auc(),
      ...validationMetrics(scores.logits, scores.labels),
      images_per_s: partial.seen / seconds,
      data_wait: waited / seconds,
      seconds,
    };
    history.push(m);
    const value = metricValue(m, config.monitor);
    schedule.afterEpoch(value);
    const ended = { metrics: m, value, isBest: false };
    for (const c of callbacks) c.onEpochEnd?.(loop, ended);
    Object.assign(known, { epochs: epoch, best: early.best, last: m });
  }

  /** summary.json (unless a benchmark's step limit ended the call) and the call's result. */
  function finish(): TrainResult {
    const best = early.best;
    const totalSeconds = (performance.now() - started) / 1000;
    const summary = {
      run: runDir,
      model: config.model.name,
      parameters: known.parameters as number,
      status: (interrupted ? 'interrupted' : 'finished') satisfies RunStatus,
      epochs: epoch,
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
      images_per_s: trainedImages / totalSeconds,
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
      epochs: epoch,
      interrupted,
      best: best ? { ...best, metric: config.monitor } : null,
      history,
      parameters: summary.parameters,
      summary,
      phases,
    };
  }
}

/** One optimizer step on a batch: the loss, the number of correct predictions and the logits. */
function makeTrainStep(
  ctx: LoopContext,
  optimizer: ReturnType<typeof makeOptimizer>,
  schedule: ReturnType<typeof makeSchedule>,
  lossFn: ReturnType<typeof makeLoss>,
) {
  const { model, config } = ctx;
  return (batch: Batch, times: PhaseTimes): { loss: number; right: number; logits: Float32Array } => {
    const ta = performance.now();
    let tb1 = ta;
    // Forward and backward in their own scope: the activations and the graph are freed before the optimizer
    // allocates its temporaries (lower peak memory, fewer fresh pages).
    const { loss, right, logits } = scope(() => {
      const x = fromTypedArray(batch.x, batch.shape);
      const y = fromTypedArray(batch.y, [batch.y.length]);
      const out = model.forward(x).reshape([-1]);
      const l = lossFn(out, y);
      const correct = out.detach().gt(0).eq(y.gt(0.5)).sum().item();
      const value = l.item();
      const scores = out.detach().toFloat32Array();
      tb1 = performance.now();
      optimizer.zeroGrad();
      l.backward();
      return { loss: value, right: correct, logits: scores };
    });
    const tc = performance.now();
    scope(() => {
      if (config.clip_grad_norm !== null) clipGradNorm_(model.parameters(), config.clip_grad_norm);
      optimizer.step();
    });
    schedule.afterBatch();
    const td = performance.now();
    times.forward += (tb1 - ta) / 1000;
    times.backward += (tc - tb1) / 1000;
    times.optimizer += (td - tc) / 1000;
    return { loss, right, logits };
  };
}
