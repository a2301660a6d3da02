import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { createDeferredLogger, type FileLogger, type Logger } from '../log/logger.js';
import { writeFileAtomic } from '../io/atomic.js';
import { saveConfig } from '../config/load.js';
import type { NormalizationParams } from '../data/normalize.js';
import { Generator } from '../torch/random.js';
import { defaultThreads, getNumThreads, setNumThreads } from '../torch/threads.js';
import { cpuHasBf16, resolvePrecision } from '../torch/autocast.js';
import { createModel, countParameters } from '../models/registry.js';
import { loadInitWeights, summarizeInitWeights } from '../models/init-weights.js';
import type { LensModel } from '../models/common.js';
import type { TrainConfig } from './schema.js';
import { readCheckpointState } from './checkpoint.js';
import { readRunConfig, runName } from './run-folder.js';
import { RunSession } from './run-session.js';
import { claimOutputDir, ensureWritableDir } from '../io/output-dir.js';
import { checkModelConfig, layOut, modelOptions } from './model-options.js';
import type { EpochMetrics } from './metrics.js';
import type { SavedScores } from './epoch-scores.js';
import { TrainingData } from './training-data.js';
import { watchStopSignals, type StopSignals } from './stop-signals.js';
import { trainLoop } from './loop.js';
import { WeightAverage } from './ema.js';

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
  /** Updates of the weights' moving average so far (runs with ema_decay). */
  emaUpdates?: number;
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
    setNumThreads(config.threads ?? defaultThreads(config.data.workers));

    // Data and model first: a new run's folder is created only when both are good.
    data = await TrainingData.prepare(config, state, logger, session?.dir);
    const generator = new Generator(config.seed);
    const model = buildModel(config, data, state, generator, logger);
    const average = weightAverage(config, data, model, logger);
    known.parameters = countParameters(model);
    const precision = resolvePrecision(config.precision);
    logger.info(
      `model ${config.model.name}: ${(known.parameters as number).toLocaleString('en-US')} parameters; ` +
        `precision ${precision}${config.precision === 'auto' ? ` (auto: ${cpuHasBf16() ? 'this CPU has' : 'no'} bfloat16 arithmetic)` : ''}, ` +
        `${getNumThreads()} compute thread(s), ${config.memory_format}`,
    );
    session ??= createSession(config, opts, data, logger);
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
      average,
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

/** The network, with its initial weights when the config names them (a new run only). */
function buildModel(
  config: TrainConfig,
  data: TrainingData,
  state: TrainState | null,
  generator: Generator,
  logger: Logger,
): LensModel {
  const model: LensModel = createModel(config.model.name, modelOptions(config.model, data.spec), generator);
  if (config.model.init_weights && !state) {
    const report = loadInitWeights(model, config.model.init_weights);
    logger.info(`initial weights from ${config.model.init_weights}: ${summarizeInitWeights(report)}`);
  }
  return layOut(model, config);
}

/**
 * The moving average of the model's weights when the config asks for one (ema_decay): a second network of the
 * same architecture (its own initial draws, from a generator of its own, are overwritten by the model's weights).
 */
function weightAverage(config: TrainConfig, data: TrainingData, model: LensModel, logger: Logger) {
  if (config.ema_decay === null) return null;
  const copy = createModel(
    config.model.name,
    modelOptions(config.model, data.spec),
    new Generator(config.seed),
  );
  logger.info(
    `weights averaged (EMA, decay ${config.ema_decay}): validation and checkpoints use the average`,
  );
  return new WeightAverage(model, layOut(copy, config), config.ema_decay);
}

/** A new run's folder, with its train.log, resolved config.yaml and normalization.json. */
function createSession(
  config: TrainConfig,
  opts: TrainOptions,
  data: TrainingData,
  logger: FileLogger,
): RunSession {
  const session = RunSession.create(
    config.run.dir,
    config.run.name ?? runName(config.model.name, opts.overridden ?? {}),
  );
  logger.setFile(session.file('train.log'));
  saveConfig(session.file('config.yaml'), config, 'resolved training configuration (lensfind train)');
  writeFileAtomic(session.file('normalization.json'), JSON.stringify(data.normalization, null, 1));
  logger.info(`run ${session.dir}`);
  return session;
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
