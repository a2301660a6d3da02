import { availableParallelism } from 'node:os';
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { LensfindError, ConfigError } from '../errors.js';
import { createDeferredLogger, type FileLogger, type Logger } from '../log/logger.js';
import { Progress } from '../log/progress.js';
import { SummaryWriter } from '../log/tensorboard.js';
import { writeFileAtomic } from '../io/atomic.js';
import { saveConfig } from '../config/load.js';
import type { NormalizationParams } from '../data/normalize.js';
import type { Batch } from '../data/loader.js';
import { fromTypedArray } from '../torch/creation.js';
import { Generator } from '../torch/random.js';
import { scope } from '../torch/scope.js';
import { setNumThreads } from '../torch/threads.js';
import { clipGradNorm_ } from '../torch/clip.js';
import { createModel, countParameters } from '../models/registry.js';
import { loadInitWeights, summarizeInitWeights } from '../models/init-weights.js';
import type { LensModel } from '../models/common.js';
import { metricMode, type TrainConfig } from './schema.js';
import { makeLoss } from './losses.js';
import { makeOptimizer, makeSchedule } from './optimizer.js';
import {
  saveCheckpoint,
  readCheckpointState,
  loadCheckpointWeights,
  loadCheckpointOptimizer,
} from './checkpoint.js';
import { scoreIndices } from './score.js';
import { readRunConfig, runName } from './run-folder.js';
import { RunSession, type RunStatus } from './run-session.js';
import { claimOutputDir, ensureWritableDir } from '../io/output-dir.js';
import { checkModelConfig, modelOptions } from './model-options.js';
import { validationMetrics, metricValue, improved, fmt, type EpochMetrics } from './metrics.js';
import { EpochScores, type SavedScores } from './epoch-scores.js';
import { logBatchImage } from './batch-image.js';
import { TrainingData } from './training-data.js';
import { watchStopSignals, type StopSignals } from './stop-signals.js';

export type { EpochMetrics } from './metrics.js';

/**
 * Where an interrupted epoch stopped: resuming starts the loader at batch `batches` of the epoch (the earlier ones
 * are not read) and continues the sums.
 */
export interface PartialEpoch {
  batches: number;
  lossSum: number;
  correct: number;
  seen: number;
  seconds: number;
  /** Of `seconds`, the time spent waiting for batches (absent in checkpoints of older versions). */
  waited?: number;
  /** The epoch's training scores so far (for its training AUC); absent in checkpoints of older versions. */
  scores?: SavedScores;
}

/** What `checkpoints/*\/state.json` holds besides the optimizer. */
export interface TrainState extends Record<string, unknown> {
  /** Epochs completed. */
  epoch: number;
  step: number;
  /** Set when the checkpoint was written in the middle of epoch `epoch + 1` (SIGINT/SIGTERM). */
  partial: PartialEpoch | null;
  best: { epoch: number; value: number } | null;
  badEpochs: number;
  history: EpochMetrics[];
  schedule: unknown;
  generator: string;
  normalization: NormalizationParams;
  posWeight: number | null;
  bands: number;
  imageSize: number;
  monitor: string;
}

/** Seconds spent in each phase of the training steps of one call (for profiling and the benchmark). */
export interface PhaseTimes {
  /** Waiting for the loader's next batch. */
  data: number;
  /** Tensor creation, forward pass and loss. */
  forward: number;
  backward: number;
  /** zeroGrad, gradient clipping, optimizer step, schedule. */
  optimizer: number;
  steps: number;
}

export interface TrainOptions {
  /** Continue the run in this folder from `checkpoints/last` (its saved config is used). */
  resume?: string;
  /** Options the user set (file and flags), for the run's name. */
  overridden?: Record<string, unknown>;
  /** Print log lines and progress on the console (default true). */
  console?: boolean;
  /** Return after this many epochs of this call, as if interrupted (tests of resume). */
  stopAfterEpochs?: number;
  /** Write a checkpoint and stop cleanly on SIGINT/SIGTERM (the CLI sets it). */
  handleSignals?: boolean;
  /** Called after every optimizer step: global step count, images in the batch, time per phase so far. */
  onStep?: (info: { step: number; images: number; epoch: number; phases: Readonly<PhaseTimes> }) => void;
  /** Stop after this many optimizer steps in this call, without writing checkpoints (benchmarks). */
  maxSteps?: number;
}

export interface TrainResult {
  runDir: string;
  epochs: number;
  interrupted: boolean;
  best: { epoch: number; value: number; metric: string } | null;
  history: EpochMetrics[];
  parameters: number;
  summary: Record<string, unknown>;
  phases: PhaseTimes;
}

/** The last checkpoint's state of a locked run folder, or null when it has none yet. */
function readResumeState(runDir: string): TrainState | null {
  const last = path.join(runDir, 'checkpoints/last');
  const hasLast =
    existsSync(path.join(last, 'state.json')) || existsSync(path.join(runDir, 'checkpoints/.last.old'));
  return hasLast ? readCheckpointState<TrainState>(last) : null;
}

/** Whether a run's checkpoint is its end: all epochs done, or early stopping reached. */
function isFinished(state: TrainState, config: TrainConfig): boolean {
  if (state.partial) return false;
  const patience = config.early_stopping_patience;
  return state.epoch >= config.epochs || (patience !== null && state.badEpochs >= patience);
}

/**
 * Trains a model as the config says, in a run folder (DESIGN.md "Runs"): config.yaml, train.log, metrics.jsonl,
 * normalization.json, TensorBoard events (scalars and an image of the first batch), checkpoints/best and
 * checkpoints/last, summary.json. Resuming from checkpoints/last continues exactly (weights, optimizer, schedule,
 * dropout generator, position in the epoch; data order and augmentation depend only on seed, epoch and position),
 * so an interrupted and resumed run ends where an uninterrupted one does.
 *
 * Every way out stops the data workers and unlocks the folder. A new run's folder is created only once its data
 * and model are good; a failure after that records `status: "failed"` and the error in summary.json, or removes
 * the folder when nothing was trained in it (the name stays free). A run folder is locked (`train.lock`) while a
 * process trains in it: a second call on it is refused (E_RUN_LOCKED).
 */
export async function train(input: TrainConfig | null, opts: TrainOptions = {}): Promise<TrainResult> {
  const logger: FileLogger = createDeferredLogger({ console: opts.console !== false });
  let session: RunSession | null = null;
  let data: TrainingData | null = null;
  let stop: StopSignals | null = null;
  // What the summary of a failure reports: filled in as the call gets there.
  let steps = 0;
  const known: Record<string, unknown> = {};
  try {
    let config: TrainConfig;
    let state: TrainState | null = null;
    if (opts.resume) {
      config = readRunConfig(opts.resume);
      claimOutputDir(opts.resume, 'run');
      session = RunSession.resume(opts.resume);
      logger.setFile(session.file('train.log'));
      state = readResumeState(session.dir);
      if (state && isFinished(state, config)) return finishedRun(session.dir, state, config, logger);
      logger.info(
        `run ${session.dir}${state ? ` (resuming after epoch ${state.epoch}${state.partial ? `, batch ${state.partial.batches}` : ''})` : ''}`,
      );
    } else {
      if (!input) throw new ConfigError('train: a configuration is required unless resuming');
      config = input;
      checkModelConfig(config);
      // an unwritable or impossible run root is refused before any work
      ensureWritableDir(config.run.dir);
    }
    if (!config.data.path && !config.data.sim)
      throw new ConfigError(
        'data.path: the training data folder is required (--data PATH), or fresh simulations (--sim lsst)',
        'data.path',
      );
    Object.assign(known, { model: config.model.name, monitor: config.monitor, epochs: state?.epoch ?? 0 });
    setNumThreads(config.threads ?? availableParallelism());

    // Data and model first: a new run's folder is created only when both are good.
    data = await TrainingData.prepare(config, state, logger, session?.dir);
    const generator = new Generator(config.seed);
    const model: LensModel = createModel(config.model.name, modelOptions(config.model, data.spec), generator);
    if (config.model.init_weights && !state) {
      const report = loadInitWeights(model, config.model.init_weights);
      logger.info(`initial weights from ${config.model.init_weights}: ${summarizeInitWeights(report)}`);
    }
    const parameters = countParameters(model);
    known.parameters = parameters;
    logger.info(`model ${config.model.name}: ${parameters.toLocaleString('en-US')} parameters`);

    if (!session) {
      session = RunSession.create(
        config.run.dir,
        config.run.name ?? runName(config.model.name, opts.overridden ?? {}),
      );
      logger.setFile(session.file('train.log'));
      saveConfig(session.file('config.yaml'), config, 'resolved training configuration (lensfind train)');
      writeFileAtomic(session.file('normalization.json'), JSON.stringify(data.normalization, null, 1));
      logger.info(`run ${session.dir}`);
    }
    const run = session;
    stop = watchStopSignals(opts.handleSignals === true, logger, () => run.release());
    // Fresh simulations record their config in the folder and may first simulate their validation set there (a
    // signal meanwhile stops the run before its first batch, once that is done).
    await data.start(session);
    return await trainLoop({
      config,
      state,
      session,
      data,
      model,
      generator,
      logger,
      stop,
      opts,
      onStep: () => steps++,
      known,
    });
  } catch (err) {
    if (session) recordFailure(session, err, steps, known, logger);
    throw err;
  } finally {
    stop?.close();
    await data?.close();
    session?.release();
  }
}

/**
 * Writes what a failed call can into its run folder (train.log, summary.json), or removes the folder when it is a
 * stub; never replaces the error being thrown.
 */
function recordFailure(
  session: RunSession,
  err: unknown,
  steps: number,
  known: Record<string, unknown>,
  logger: FileLogger,
): void {
  try {
    logger.fileOnly('error', `failed: ${err instanceof Error ? err.message : String(err)}`);
    session.fail(err, steps, { run: session.dir, ...known });
  } catch (recordErr) {
    try {
      logger.warn(`could not record the failure in ${session.dir}: ${(recordErr as Error).message}`);
    } catch {
      // The folder itself cannot be written: the error being thrown says what went wrong first.
    }
  }
}

/** Resuming a run that has ended: nothing to train, nothing rewritten (summary.json and events stay as they are). */
function finishedRun(runDir: string, state: TrainState, config: TrainConfig, logger: Logger): TrainResult {
  logger.info(`run ${runDir} has finished (epoch ${state.epoch} of ${config.epochs}): nothing to resume`);
  const file = path.join(runDir, 'summary.json');
  const summary = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  return {
    runDir,
    epochs: state.epoch,
    interrupted: false,
    best: state.best ? { ...state.best, metric: config.monitor } : null,
    history: state.history,
    parameters: typeof summary.parameters === 'number' ? summary.parameters : NaN,
    summary,
    phases: { data: 0, forward: 0, backward: 0, optimizer: 0, steps: 0 },
  };
}

interface LoopContext {
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

/** The epochs of one training call, from where the checkpoint left off to the end or a stop. */
async function trainLoop(ctx: LoopContext): Promise<TrainResult> {
  const { config, state, session, model, generator, logger, stop, opts, known } = ctx;
  const data = ctx.data;
  const { valIdx, normalization, posWeight, loader, trainSize } = data;
  const runDir = session.dir;
  const parameters = known.parameters as number;
  const optimizer = makeOptimizer(model, config.optim);
  const dropLast = trainSize >= config.batch_size;
  const stepsPerEpoch = dropLast ? Math.floor(trainSize / config.batch_size) : 1;
  const schedule = makeSchedule(optimizer, config, stepsPerEpoch);
  const lossFn = makeLoss(config.loss, posWeight);
  const mode = metricMode(config.monitor);

  let epoch = 0;
  let step = 0;
  let best: TrainState['best'] = null;
  let badEpochs = 0;
  let resumeFrom: PartialEpoch | null = null;
  const history: EpochMetrics[] = [];
  if (state) {
    const last = path.join(runDir, 'checkpoints/last');
    loadCheckpointWeights(last, model);
    loadCheckpointOptimizer(last, optimizer);
    schedule.loadStateDict(state.schedule as never);
    generator.setState(Buffer.from(state.generator, 'base64'));
    ({ epoch, step, best, badEpochs } = state);
    resumeFrom = state.partial ?? null;
    history.push(...state.history);
  }

  const tb = config.run.tensorboard ? new SummaryWriter(runDir) : null;
  const checkpointState = (partial: PartialEpoch | null): TrainState => ({
    epoch,
    step,
    partial,
    best,
    badEpochs,
    history,
    schedule: schedule.stateDict(),
    generator: Buffer.from(generator.getState()).toString('base64'),
    normalization,
    posWeight,
    bands: data.spec.bands,
    imageSize: data.spec.height,
    monitor: config.monitor,
  });

  const phases: PhaseTimes = { data: 0, forward: 0, backward: 0, optimizer: 0, steps: 0 };
  const started = performance.now();
  let epochsThisCall = 0;
  let interrupted = false;
  let trainedImages = 0;
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
        if (tb && step === 0) await logBatchImage(tb, batch, logger);
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
        if (tb && step % 10 === 0) tb.addScalar('train/loss_step', loss, step);
        // Let the event loop run (signals, timers): batches that are ready resolve as microtasks only.
        await new Promise<void>((resolve) => setImmediate(resolve));
        tWait = performance.now();
      }
      if (opts.maxSteps !== undefined && phases.steps >= opts.maxSteps) {
        interrupted = true;
        break;
      }
      if (stop.requested) {
        bar.finish();
        // Mid-epoch checkpoint: resuming skips the batches already trained on, so the run stays exact.
        partial.seconds = (performance.now() - t0) / 1000;
        partial.waited = waitedBefore + phases.data;
        if (partial.batches > 0 && partial.batches < stepsPerEpoch) {
          saveCheckpoint(path.join(runDir, 'checkpoints/last'), {
            model,
            optimizer,
            state: checkpointState({ ...partial, scores: trainScores.save() }),
          });
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
      const seconds = (performance.now() - t0) / 1000;
      const waited = waitedBefore + phases.data;
      const scores = valIdx.length
        ? await scoreIndices(model, loader, valIdx, { batchSize: config.eval_batch_size })
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
      const isBest = improved(value, best?.value, mode);
      if (isBest) {
        best = { epoch, value };
        badEpochs = 0;
      } else badEpochs++;
      logger.info(
        `epoch ${epoch}/${config.epochs}: loss ${fmt(m.train_loss)} acc ${fmt(m.train_accuracy)} auc ${fmt(m.train_auc)} ` +
          `| val loss ${fmt(m.val_loss)} acc ${fmt(m.val_accuracy)} auc ${fmt(m.val_auc)} ap ${fmt(m.val_ap)} ` +
          `| lr ${m.lr.toExponential(2)} ${Math.round(m.images_per_s)} img/s ` +
          `(${Math.round(100 * m.data_wait)}% waiting for data)${isBest ? ' *best*' : ''}`,
      );
      writeFileAtomic(session.file('metrics.jsonl'), history.map((h) => JSON.stringify(h)).join('\n') + '\n');
      if (tb) {
        for (const [k, v] of Object.entries(m)) {
          if (k !== 'epoch' && k !== 'step' && Number.isFinite(v))
            tb.addScalar(k.replace('_', '/'), v, epoch);
        }
      }
      const st = checkpointState(null);
      saveCheckpoint(path.join(runDir, 'checkpoints/last'), { model, optimizer, state: st });
      if (isBest) saveCheckpoint(path.join(runDir, 'checkpoints/best'), { model, state: st });
      Object.assign(known, { epochs: epoch, best, last: m });
      epochsThisCall++;
      if (stop.requested) {
        interrupted = epoch < config.epochs;
        if (interrupted)
          logger.warn(`stopped after epoch ${epoch}; resume with: lensfind train --resume ${runDir}`);
        break;
      }
      if (config.early_stopping_patience !== null && badEpochs >= config.early_stopping_patience) {
        logger.info(`early stopping: ${config.monitor} has not improved for ${badEpochs} epochs`);
        break;
      }
    }
  } finally {
    // An event file is the folder's only when this call wrote it (a stub with nothing trained is removed).
    if (tb?.written) session.file(path.basename(tb.file));
  }

  const totalSeconds = (performance.now() - started) / 1000;
  const summary = {
    run: runDir,
    model: config.model.name,
    parameters,
    status: (interrupted ? 'interrupted' : 'finished') satisfies RunStatus,
    epochs: epoch,
    finished: !interrupted,
    monitor: config.monitor,
    best,
    last: history.at(-1) ?? null,
    train_images: trainSize,
    val_images: valIdx.length,
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
    parameters,
    summary,
    phases,
  };

  /** One optimizer step on a batch; returns the loss, the number of correct predictions and the logits. */
  function trainStep(batch: Batch, times: PhaseTimes): { loss: number; right: number; logits: Float32Array } {
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
  }
}
