import path from 'node:path';
import type { Logger } from '../log/logger.js';
import type { Generator } from '../torch/random.js';
import type { LensModel } from '../models/common.js';
import { metricMode, type TrainConfig } from './schema.js';
import { makeLoss } from './losses.js';
import { makeOptimizer, makeSchedule } from './optimizer.js';
import { loadCheckpointWeights, loadCheckpointOptimizer, TRAINED_WEIGHTS } from './checkpoint.js';
import type { WeightAverage } from './ema.js';
import type { RunSession } from './run-session.js';
import type { EpochMetrics } from './metrics.js';
import type { TrainingData } from './training-data.js';
import type { StopSignals } from './stop-signals.js';
import type { PartialEpoch, PhaseTimes, TrainOptions, TrainState } from './trainer.js';
import type { LoopInfo, TrainCallback } from './callbacks/types.js';
import { EarlyStopping } from './callbacks/early-stopping.js';
import { MetricsLog } from './callbacks/metrics-log.js';
import { TensorBoardLog } from './callbacks/tensorboard.js';
import { ModelCheckpoint } from './callbacks/checkpoint.js';
import { makeTrainStep, type TrainStep } from './train-step.js';

export interface LoopContext {
  config: TrainConfig;
  state: TrainState | null;
  session: RunSession;
  data: TrainingData;
  model: LensModel;
  /** The moving average of the model's weights (config ema_decay), or null. */
  average: WeightAverage | null;
  generator: Generator;
  logger: Logger;
  stop: StopSignals;
  opts: TrainOptions;
  /** Called after each optimizer step (the caller counts them: a failure after one keeps the folder). */
  onStep: () => void;
  /** Shared with the caller's failure summary: updated as epochs end. */
  known: Record<string, unknown>;
}

/**
 * One training call's loop: the optimizer, schedule, loss and callbacks made for it (restored from
 * checkpoints/last when resuming), and the counters the epochs advance.
 */
export class LoopState implements LoopInfo {
  readonly optimizer: ReturnType<typeof makeOptimizer>;
  readonly schedule: ReturnType<typeof makeSchedule>;
  readonly dropLast: boolean;
  readonly stepsPerEpoch: number;
  readonly early: EarlyStopping;
  readonly checkpoint: ModelCheckpoint;
  readonly callbacks: TrainCallback[];
  /** What the callbacks read (this state, as LoopInfo). */
  readonly info: LoopInfo;
  readonly trainStep: TrainStep;
  epoch = 0;
  step = 0;
  /** The interrupted epoch a resumed call continues. */
  resumeFrom: PartialEpoch | null = null;
  readonly history: EpochMetrics[] = [];
  readonly phases: PhaseTimes = { data: 0, forward: 0, backward: 0, optimizer: 0, steps: 0 };
  started = 0;
  epochsThisCall = 0;
  interrupted = false;
  trainedImages = 0;

  get config(): TrainConfig {
    return this.ctx.config;
  }
  get session(): RunSession {
    return this.ctx.session;
  }
  get logger(): Logger {
    return this.ctx.logger;
  }

  constructor(readonly ctx: LoopContext) {
    const { config, model, data } = ctx;
    this.optimizer = makeOptimizer(model, config.optim);
    this.dropLast = data.trainSize >= config.batch_size;
    this.stepsPerEpoch = this.dropLast ? Math.floor(data.trainSize / config.batch_size) : 1;
    this.schedule = makeSchedule(this.optimizer, config, this.stepsPerEpoch);
    const lossFn = makeLoss(config.loss, data.posWeight);
    this.early = new EarlyStopping(metricMode(config.monitor), config.early_stopping_patience);
    if (ctx.state) this.resume(ctx.state);
    this.checkpoint = new ModelCheckpoint(
      model,
      this.optimizer,
      (partial) => this.trainState(partial),
      ctx.average?.average ?? null,
    );
    this.callbacks = [
      this.early,
      new MetricsLog(this.history),
      ...(config.run.tensorboard ? [new TensorBoardLog(ctx.session.dir)] : []),
      this.checkpoint,
    ];
    this.info = this;
    this.trainStep = makeTrainStep(ctx, this.optimizer, this.schedule, lossFn);
  }

  /** Restores the model, optimizer, schedule, generator and counters from checkpoints/last. */
  private resume(state: TrainState): void {
    const last = path.join(this.ctx.session.dir, 'checkpoints/last');
    const { average } = this.ctx;
    if (average) {
      loadCheckpointWeights(last, this.ctx.model, TRAINED_WEIGHTS);
      loadCheckpointWeights(last, average.average);
      average.updates = state.emaUpdates ?? 0;
    } else loadCheckpointWeights(last, this.ctx.model);
    loadCheckpointOptimizer(last, this.optimizer);
    this.schedule.loadStateDict(state.schedule as never);
    this.ctx.generator.setState(Buffer.from(state.generator, 'base64'));
    ({ epoch: this.epoch, step: this.step } = state);
    this.early.loadState(state);
    this.resumeFrom = state.partial ?? null;
    this.history.push(...state.history);
  }

  /** The checkpoint's state.json: where the loop is, with what scoring the run later needs. */
  private trainState(partial: PartialEpoch | null): TrainState {
    const { data, config, generator } = this.ctx;
    return {
      epoch: this.epoch,
      step: this.step,
      partial,
      best: this.early.best,
      badEpochs: this.early.badEpochs,
      history: this.history,
      schedule: this.schedule.stateDict(),
      generator: Buffer.from(generator.getState()).toString('base64'),
      normalization: data.normalization,
      posWeight: data.posWeight,
      bands: data.spec.bands,
      imageSize: data.spec.height,
      monitor: config.monitor,
      ...(this.ctx.average ? { emaUpdates: this.ctx.average.updates } : {}),
    };
  }
}
