import { availableParallelism } from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { LensfindError, ConfigError } from '../errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { Progress } from '../log/progress.js';
import { SummaryWriter } from '../log/tensorboard.js';
import { writeFileAtomic } from '../io/atomic.js';
import { saveConfig } from '../config/load.js';
import { openDataset } from '../data/open.js';
import { splitIndices } from '../data/split.js';
import { computePosWeight } from '../data/sampler.js';
import { fitNormalization, type NormalizationParams } from '../data/normalize.js';
import { BatchLoader } from '../data/loader.js';
import type { Dataset } from '../data/types.js';
import { fromTypedArray } from '../torch/creation.js';
import { Generator } from '../torch/random.js';
import { scope } from '../torch/scope.js';
import { setNumThreads } from '../torch/threads.js';
import { clipGradNorm_ } from '../torch/clip.js';
import type { Tensor } from '../torch/tensor.js';
import { createModel, countParameters } from '../models/registry.js';
import { loadInitWeights } from '../models/init-weights.js';
import type { LensModel } from '../models/common.js';
import { rocAuc, averagePrecision, tprAtFpr, sigmoid } from '../eval/index.js';
import { trainConfigSchema, metricMode, type TrainConfig } from './schema.js';
import { makeLoss } from './losses.js';
import { makeOptimizer, makeSchedule } from './optimizer.js';
import { saveCheckpoint, readCheckpointState, loadCheckpointWeights, loadCheckpointOptimizer } from './checkpoint.js';
import { scoreIndices } from './score.js';
import { createRunFolder, runName } from './run-folder.js';
import { modelOptions } from './model-options.js';
import { loadConfig } from '../config/load.js';

/** One line of metrics.jsonl. */
export interface EpochMetrics {
  epoch: number;
  step: number;
  lr: number;
  train_loss: number;
  train_accuracy: number;
  val_loss: number;
  val_accuracy: number;
  val_auc: number;
  val_ap: number;
  'val_tpr_fpr1e-2': number;
  images_per_s: number;
  seconds: number;
}

/** What `checkpoints/*\/state.json` holds besides the optimizer. */
export interface TrainState extends Record<string, unknown> {
  /** Epochs completed. */
  epoch: number;
  step: number;
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

export interface TrainOptions {
  /** Continue the run in this folder from `checkpoints/last` (its saved config is used). */
  resume?: string;
  /** Options the user set (file and flags), for the run's name. */
  overridden?: Record<string, unknown>;
  /** Print log lines and progress on the console (default true). */
  console?: boolean;
  /** Return after this many epochs of this call, as if interrupted (tests of resume). */
  stopAfterEpochs?: number;
  /** Write a checkpoint and stop cleanly on SIGINT/SIGTERM (default true for the CLI). */
  handleSignals?: boolean;
}

export interface TrainResult {
  runDir: string;
  epochs: number;
  interrupted: boolean;
  best: { epoch: number; value: number; metric: string } | null;
  history: EpochMetrics[];
  parameters: number;
  summary: Record<string, unknown>;
}

function metricValue(m: EpochMetrics, name: string): number {
  return (m as unknown as Record<string, number>)[name];
}

function improved(value: number, best: number | undefined, mode: 'max' | 'min'): boolean {
  if (!Number.isFinite(value)) return false;
  if (best === undefined) return true;
  return mode === 'max' ? value > best : value < best;
}

/** Validation metrics from logits (NaN where a class is missing, e.g. AUC with one class). */
function validationMetrics(logits: Float64Array, labels: Float64Array, lossOf: (l: number, y: number) => number) {
  const n = labels.length;
  let loss = 0;
  let correct = 0;
  const probs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    probs[i] = sigmoid(logits[i]);
    loss += lossOf(logits[i], labels[i]);
    if (probs[i] >= 0.5 === labels[i] >= 0.5) correct++;
  }
  const both = labels.some((y) => y >= 0.5) && labels.some((y) => y < 0.5);
  return {
    val_loss: n ? loss / n : NaN,
    val_accuracy: n ? correct / n : NaN,
    val_auc: both ? rocAuc(labels, probs) : NaN,
    val_ap: both ? averagePrecision(labels, probs) : NaN,
    'val_tpr_fpr1e-2': both ? tprAtFpr(labels, probs, 1e-2) : NaN,
  };
}

/** Binary cross-entropy of one logit, numerically stable, with optional positive weight. */
function bceOfLogit(l: number, y: number, posWeight: number | null): number {
  const logSigPos = -Math.log1p(Math.exp(-Math.abs(l))) + Math.min(l, 0); // log σ(l)
  const logSigNeg = logSigPos - l; // log σ(-l)
  return -((posWeight ?? 1) * y * logSigPos + (1 - y) * logSigNeg);
}

function fmt(x: number, digits = 4): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'nan';
}

/**
 * Trains a model as the config says, in a run folder (DESIGN.md "Runs"): config.yaml, train.log, metrics.jsonl,
 * TensorBoard events, checkpoints/best and checkpoints/last, summary.json. Resuming from checkpoints/last
 * continues exactly (weights, optimizer, schedule, dropout generator; data order and augmentation depend only on
 * seed, epoch and position), so an interrupted and resumed run ends where an uninterrupted one does.
 */
export async function train(input: TrainConfig | null, opts: TrainOptions = {}): Promise<TrainResult> {
  let config: TrainConfig;
  let runDir: string;
  let state: TrainState | null = null;
  if (opts.resume) {
    runDir = opts.resume;
    const cfgFile = path.join(runDir, 'config.yaml');
    if (!existsSync(cfgFile)) throw new LensfindError('E_RUN', `${runDir}: not a run folder (config.yaml is missing)`);
    config = loadConfig(trainConfigSchema, { file: cfgFile });
    if (existsSync(path.join(runDir, 'checkpoints/last/state.json')) || existsSync(path.join(runDir, 'checkpoints/.last.old'))) {
      state = readCheckpointState<TrainState>(path.join(runDir, 'checkpoints/last'));
    }
  } else {
    if (!input) throw new ConfigError('train: a configuration is required unless resuming');
    config = input;
    runDir = createRunFolder(config.run.dir, config.run.name ?? runName(config.model.name, opts.overridden ?? {}));
    saveConfig(path.join(runDir, 'config.yaml'), config, 'resolved training configuration (lensfind train)');
  }
  if (!config.data.path) throw new ConfigError('data.path: the training data folder is required (--data PATH)', 'data.path');

  const logger: Logger = createLogger({ file: path.join(runDir, 'train.log'), console: opts.console !== false });
  setNumThreads(config.threads ?? availableParallelism());
  logger.info(`run ${runDir}${state ? ` (resuming after epoch ${state.epoch})` : ''}`);

  // ---- data ---------------------------------------------------------------------------------------
  let skippedCount = 0;
  const onSkip = (s: { source: string; reason: string }) => {
    skippedCount++;
    logger.warn(`skipped ${s.source}: ${s.reason}`);
  };
  const dataset: Dataset = await openDataset(config.data.path, {
    format: config.data.format === 'auto' ? undefined : config.data.format,
    valFraction: config.data.valFraction,
    seed: config.seed,
    labels: config.data.labels,
    onSkip,
  });
  const trainIdx = splitIndices(dataset.items, 'train');
  const valIdx = splitIndices(dataset.items, 'val');
  if (trainIdx.length === 0) throw new LensfindError('E_DATA', `${config.data.path}: no training items (split 'train' is empty)`);
  const trainLabels = trainIdx.map((i) => dataset.items[i].label);
  const positives = trainLabels.filter((y) => y >= 0.5).length;
  logger.info(
    `data ${dataset.root} (${dataset.format}): ${dataset.bands}x${dataset.height}x${dataset.width}, ` +
      `train ${trainIdx.length} (${positives} lenses), val ${valIdx.length}, skipped ${dataset.skipped.length}`,
  );
  const normalization =
    state?.normalization ?? (await fitNormalization(dataset, trainIdx, config.data.normalization, config.seed));
  if (!state) writeFileAtomic(path.join(runDir, 'normalization.json'), JSON.stringify(normalization, null, 1));
  const posWeight =
    state?.posWeight ??
    (config.data.posWeight === 'auto' ? computePosWeight(trainLabels) : (config.data.posWeight as number | null));

  const loader = new BatchLoader(dataset, {
    normalization,
    augmentation: config.data.augmentation,
    seed: config.seed,
    workers: config.data.workers,
    prefetch: config.data.prefetch,
    onSkip,
  });

  // ---- model, optimizer, schedule ---------------------------------------------------------------------
  const generator = new Generator(config.seed);
  const model: LensModel = createModel(config.model.name, modelOptions(config.model, dataset), generator);
  if (config.model.init_weights && !state) {
    const report = loadInitWeights(model, config.model.init_weights);
    logger.info(`initial weights from ${config.model.init_weights}: ${JSON.stringify(report)}`);
  }
  const parameters = countParameters(model);
  logger.info(`model ${config.model.name}: ${parameters.toLocaleString('en-US')} parameters`);
  const optimizer = makeOptimizer(model, config.optim);
  const stepsPerEpoch = Math.floor(trainIdx.length / config.batch_size) || 1;
  const schedule = makeSchedule(optimizer, config, stepsPerEpoch);
  const lossFn = makeLoss(config.loss, posWeight);
  const mode = metricMode(config.monitor);

  let epoch = 0;
  let step = 0;
  let best: TrainState['best'] = null;
  let badEpochs = 0;
  const history: EpochMetrics[] = [];
  if (state) {
    loadCheckpointWeights(path.join(runDir, 'checkpoints/last'), model);
    loadCheckpointOptimizer(path.join(runDir, 'checkpoints/last'), optimizer);
    schedule.loadStateDict(state.schedule as never);
    generator.setState(Buffer.from(state.generator, 'base64'));
    ({ epoch, step, best, badEpochs } = state);
    history.push(...state.history);
  }

  const tb = config.run.tensorboard ? new SummaryWriter(runDir) : null;
  const checkpointState = (): TrainState => ({
    epoch,
    step,
    best,
    badEpochs,
    history,
    schedule: schedule.stateDict(),
    generator: Buffer.from(generator.getState()).toString('base64'),
    normalization,
    posWeight,
    bands: dataset.bands,
    imageSize: dataset.height,
    monitor: config.monitor,
  });

  // ---- signals: the first writes a checkpoint at the end of the epoch's current batch and stops ---------------
  let stopRequested = false;
  const onSignal = (sig: string) => {
    if (stopRequested) {
      logger.warn(`${sig} again: exiting now`);
      process.exit(130);
    }
    stopRequested = true;
    logger.warn(`${sig}: finishing the current batch, then saving checkpoints/last (send again to exit at once)`);
  };
  const handlers = opts.handleSignals ? { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') } : null;
  if (handlers) for (const [s, h] of Object.entries(handlers)) process.on(s, h);

  const lossOf = (l: number, y: number) => bceOfLogit(l, y, null);
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
      const t0 = performance.now();
      model.train();
      const bar = new Progress({ label: `epoch ${epoch + 1}/${config.epochs}`, total: stepsPerEpoch, unit: 'batches', quiet: opts.console === false });
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let batchNo = 0;
      for await (const batch of loader.epoch(trainIdx, {
        epoch,
        batchSize: config.batch_size,
        sampler: config.data.sampler,
        augment: true,
        dropLast: trainIdx.length >= config.batch_size,
      })) {
        const [loss, right] = scope(() => {
          const x = fromTypedArray(batch.x, batch.shape);
          const y = fromTypedArray(batch.y, [batch.y.length]);
          const logits = model.forward(x).reshape([-1]);
          const l = lossFn(logits, y);
          optimizer.zeroGrad();
          l.backward();
          if (config.clip_grad_norm !== null) clipGradNorm_(model.parameters(), config.clip_grad_norm);
          optimizer.step();
          const agree = logits.gt(0).eq(y.gt(0.5)).sum().item();
          return [l.item(), agree] as const;
        });
        if (!Number.isFinite(loss)) {
          throw new LensfindError('E_DIVERGED', `the loss became ${loss} at epoch ${epoch + 1}, step ${step + 1}: lower optim.lr or set clip_grad_norm`);
        }
        schedule.afterBatch();
        step++;
        batchNo++;
        lossSum += loss * batch.y.length;
        correct += right;
        seen += batch.y.length;
        trainedImages += batch.y.length;
        const rate = seen / ((performance.now() - t0) / 1000);
        bar.update(batchNo, { loss: fmt(lossSum / seen), 'img/s': Math.round(rate) });
        if (tb && step % 10 === 0) tb.addScalar('train/loss_step', loss, step);
        if (stopRequested) break;
      }
      bar.finish();
      if (stopRequested) {
        // The epoch is incomplete: keep checkpoints/last at the last completed epoch, so resume stays exact.
        interrupted = true;
        logger.warn(`stopped during epoch ${epoch + 1}; resume with: lensfind train --resume ${runDir}`);
        break;
      }
      const seconds = (performance.now() - t0) / 1000;
      const scores = valIdx.length
        ? await scoreIndices(model, loader, valIdx, { batchSize: config.eval_batch_size })
        : { logits: new Float64Array(), labels: new Float64Array() };
      epoch++;
      const m: EpochMetrics = {
        epoch,
        step,
        lr: schedule.lr(),
        train_loss: lossSum / Math.max(1, seen),
        train_accuracy: correct / Math.max(1, seen),
        ...validationMetrics(scores.logits, scores.labels, lossOf),
        images_per_s: seen / seconds,
        seconds,
      };
      history.push(m);
      schedule.afterEpoch(metricValue(m, config.monitor));
      const value = metricValue(m, config.monitor);
      const isBest = improved(value, best?.value, mode);
      if (isBest) {
        best = { epoch, value };
        badEpochs = 0;
      } else badEpochs++;
      logger.info(
        `epoch ${epoch}/${config.epochs}: loss ${fmt(m.train_loss)} acc ${fmt(m.train_accuracy)} | val loss ${fmt(m.val_loss)} ` +
          `acc ${fmt(m.val_accuracy)} auc ${fmt(m.val_auc)} ap ${fmt(m.val_ap)} | lr ${m.lr.toExponential(2)} ` +
          `${Math.round(m.images_per_s)} img/s${isBest ? ' *best*' : ''}`,
      );
      writeFileAtomic(path.join(runDir, 'metrics.jsonl'), history.map((h) => JSON.stringify(h)).join('\n') + '\n');
      if (tb) {
        for (const [k, v] of Object.entries(m)) if (k !== 'epoch' && Number.isFinite(v)) tb.addScalar(k.replace('_', '/'), v, epoch);
      }
      const st = checkpointState();
      saveCheckpoint(path.join(runDir, 'checkpoints/last'), { model, optimizer, state: st });
      if (isBest) saveCheckpoint(path.join(runDir, 'checkpoints/best'), { model, state: st });
      epochsThisCall++;
      if (config.early_stopping_patience !== null && badEpochs >= config.early_stopping_patience) {
        logger.info(`early stopping: ${config.monitor} has not improved for ${badEpochs} epochs`);
        break;
      }
    }
  } finally {
    if (handlers) for (const [s, h] of Object.entries(handlers)) process.off(s, h);
    await loader.close();
  }

  const totalSeconds = (performance.now() - started) / 1000;
  const summary = {
    run: runDir,
    model: config.model.name,
    parameters,
    epochs: epoch,
    finished: !interrupted,
    monitor: config.monitor,
    best,
    last: history.at(-1) ?? null,
    train_images: trainIdx.length,
    val_images: valIdx.length,
    skipped_images: skippedCount,
    seconds: totalSeconds,
    images_per_s: trainedImages / totalSeconds,
  };
  writeFileAtomic(path.join(runDir, 'summary.json'), JSON.stringify(summary, null, 1));
  if (!interrupted) logger.info(`done in ${totalSeconds.toFixed(1)} s; best ${config.monitor} ${fmt(best?.value ?? NaN)} at epoch ${best?.epoch ?? '-'}`);
  return {
    runDir,
    epochs: epoch,
    interrupted,
    best: best ? { ...best, metric: config.monitor } : null,
    history,
    parameters,
    summary,
  };
}

