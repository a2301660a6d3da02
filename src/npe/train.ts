/**
 * Training of the posterior network on galaxies rendered on the fly: step k sees training items k*B..k*B+B-1
 * (data.ts), so a resumed run sees exactly the batches it would have seen. Loss: the mean negative
 * log-likelihood of the true parameters under the flow, in z (the bounded transforms' log-Jacobian does not
 * depend on the network; val_nll_theta adds it back: the NLL of the physical parameters). AdamW, cosine schedule
 * with warm-up, gradient-norm clip; the fixed validation set scored every val_every steps, best and last saved.
 * With ema_decay, a moving average of the weights (train/ema.ts) is what validation scores and checkpoints hold as
 * model.safetensors; the trained weights are kept beside it (trained.safetensors) for resuming.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { LensfindError } from '../errors.js';
import { saveConfig, type PlainObject } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { fromTypedArray } from '../torch/creation.js';
import { scope } from '../torch/scope.js';
import { clipGradNorm_ } from '../torch/clip.js';
import { setNumThreads } from '../torch/threads.js';
import { Generator } from '../torch/random.js';
import { AdamW } from '../torch/optim/index.js';
import { CosineWithWarmup } from '../torch/lr/index.js';
import type { SchedulerState } from '../torch/lr/index.js';
import { paramGroups } from '../train/optimizer.js';
import { createRunFolder, runName } from '../train/run-folder.js';
import {
  loadCheckpointOptimizer,
  loadCheckpointWeights,
  readCheckpointState,
  saveCheckpoint,
  TRAINED_WEIGHTS,
} from '../train/checkpoint.js';
import { WeightAverage } from '../train/ema.js';
import { loadConfig } from '../config/load.js';
import { sersicConfigSchema, type SersicConfig } from './config.js';
import { makeRenderer, makeSpace, STREAM, type SimBatch } from './data.js';
import { FileData } from './files.js';
import { SimPool } from './pool.js';
import { buildNet } from './run.js';
import { flowLogDensity } from './posterior.js';
import type { PosteriorNet } from './model.js';
import type { ParamSpace } from './params.js';

export interface SersicTrainOptions {
  /** What the user overrode (the run is named from it). */
  overridden?: PlainObject;
  /** Continue the run in this folder from checkpoints/last. */
  resume?: string;
  console?: boolean;
}

export interface SersicTrainResult {
  runDir: string;
  steps: number;
  bestValNll: number;
  seconds: number;
}

interface RunState extends Record<string, unknown> {
  step: number;
  best: number;
  scheduler: SchedulerState;
  /** Updates of the weights' moving average so far (runs with ema_decay). */
  ema_updates?: number;
}

/** Where training batches and the validation set come from: the simulator (worker threads) or files. */
interface TrainingData {
  describe: string;
  val(): Promise<SimBatch>;
  batch(start: number, count: number): Promise<SimBatch>;
  close(): Promise<void>;
}

async function openTrainingData(cfg: SersicConfig, space: ParamSpace): Promise<TrainingData> {
  if (cfg.data) {
    const sigmas = makeRenderer(cfg, space).bands.map((b) => b.sigma);
    const files = await FileData.open(cfg.data, space, {
      bands: cfg.bands.length,
      size: cfg.image_size,
      sigmas,
      seed: cfg.seed,
    });
    return {
      describe: `${files.trainIndex.length} training and ${files.valIndex.length} validation galaxies from ${cfg.data.table}`,
      val: () => Promise.resolve(files.val()),
      batch: (start, count) => Promise.resolve(files.batch(start, count)),
      close: () => Promise.resolve(),
    };
  }
  const pool = new SimPool(cfg, cfg.workers);
  return {
    describe: `simulated galaxies (${cfg.workers} workers)`,
    val: () => pool.range(STREAM.val, 0, cfg.val_size),
    batch: (start, count) => pool.batch(STREAM.train, start, count),
    close: () => pool.close(),
  };
}

/** Mean NLL of z under the flow over a rendered set (eval mode, batches of 256), and with the Jacobians added. */
export function scoreNll(
  net: PosteriorNet,
  space: ParamSpace,
  set: SimBatch,
  perImage: number,
): { z: number; theta: number } {
  const n = set.theta.length / space.dim;
  const { z, logJac } = space.toZRows(set.theta, n);
  const logQ = flowLogDensity(net, set.x, z, n, perImage / net.imageSize ** 2);
  let sum = 0,
    lj = 0;
  for (let g = 0; g < n; g++) {
    sum += logQ[g];
    lj += logJac[g];
  }
  return { z: -sum / n, theta: -(sum + lj) / n };
}

export async function trainSersic(
  config: SersicConfig | null,
  opts: SersicTrainOptions = {},
): Promise<SersicTrainResult> {
  const started = Date.now();
  let runDir: string;
  if (opts.resume) {
    runDir = opts.resume;
    if (!existsSync(path.join(runDir, 'config.yaml')))
      throw new LensfindError('E_RUN', `${runDir}: not a sersic run folder (config.yaml is missing)`);
    config = loadConfig(sersicConfigSchema, { file: path.join(runDir, 'config.yaml') });
  } else {
    if (!config) throw new LensfindError('E_USAGE', 'trainSersic: a config or a run to resume is required');
    // file paths are kept absolute in the run's config.yaml, so a resumed run finds them from anywhere
    if (config.data)
      config = {
        ...config,
        data: {
          ...config.data,
          images: path.resolve(config.data.images),
          table: path.resolve(config.data.table),
        },
      };
    const name = config.run.name ?? runName(`sersic_${config.model.flow.name}`, opts.overridden ?? {});
    runDir = createRunFolder(config.run.dir, name);
    saveConfig(path.join(runDir, 'config.yaml'), config, 'lensfind sersic train: the resolved configuration');
  }
  const cfg = config;
  const log = createLogger({ file: path.join(runDir, 'train.log'), console: opts.console ?? false });
  setNumThreads(cfg.threads ?? availableParallelism());
  const space = makeSpace(cfg);
  const net = buildNet(cfg, space, new Generator(cfg.seed));
  // the average is a second network set to the same weights (its own generator: the trained net's are unchanged)
  const averaged = cfg.ema_decay === null ? null : buildNet(cfg, space, new Generator(cfg.seed));
  const average = averaged && new WeightAverage(net, averaged, cfg.ema_decay!);
  const scored = averaged ?? net;
  const optimizer = new AdamW(paramGroups(net, cfg.optim.weight_decay), { lr: cfg.optim.lr });
  const schedule = new CosineWithWarmup(optimizer, {
    warmupSteps: cfg.optim.warmup_steps,
    totalSteps: cfg.steps,
    minLr: cfg.optim.min_lr,
  });
  const last = path.join(runDir, 'checkpoints', 'last');
  const bestDir = path.join(runDir, 'checkpoints', 'best');
  let step = 0,
    best = Infinity;
  if (opts.resume && existsSync(last)) {
    const st = readCheckpointState<RunState>(last);
    if (average) {
      loadCheckpointWeights(last, scored);
      loadCheckpointWeights(last, net, TRAINED_WEIGHTS);
      average.updates = st.ema_updates ?? 0;
    } else loadCheckpointWeights(last, net);
    loadCheckpointOptimizer(last, optimizer);
    schedule.loadStateDict(st.scheduler);
    step = st.step;
    best = st.best ?? Infinity;
    log.info(`resuming ${runDir} at step ${step}`);
  }
  const B = cfg.batch_size;
  const perImage = cfg.bands.length * cfg.image_size ** 2;
  const data = await openTrainingData(cfg, space);
  log.info(
    `sersic train: ${runDir}: ${net.numParameters()} parameters, flow ${cfg.model.flow.name}, ` +
      `backbone ${cfg.model.backbone.name}, ${cfg.image_size}x${cfg.image_size} ${cfg.survey} ${cfg.bands.join('')}, ` +
      `${cfg.steps} steps of ${B}, ${data.describe}` +
      (average
        ? `; weights averaged (EMA, decay ${cfg.ema_decay}): validation and checkpoints use the average`
        : ''),
  );
  try {
    const val = await data.val();
    const save = (dir: string) => {
      const state: RunState = {
        step,
        best,
        scheduler: schedule.stateDict(),
        ...(average ? { ema_updates: average.updates } : {}),
      };
      saveCheckpoint(dir, { model: scored, trained: average ? net : undefined, optimizer, state });
    };
    let next = data.batch(step * B, B);
    let tick = Date.now(),
      lossSum = 0,
      lossN = 0;
    while (step < cfg.steps) {
      const batch = await next;
      // render the next batch while this one trains
      if (step + 1 < cfg.steps) next = data.batch((step + 1) * B, B);
      net.train();
      const loss = scope(() => {
        const x = fromTypedArray(batch.x, [B, cfg.bands.length, cfg.image_size, cfg.image_size]);
        const { z } = space.toZRows(batch.theta, B);
        const nll = net
          .logProb(x, fromTypedArray(z, [B, space.dim]))
          .mean()
          .neg();
        optimizer.zeroGrad();
        nll.backward();
        if (cfg.optim.grad_clip > 0) clipGradNorm_(net.parameters(), cfg.optim.grad_clip);
        optimizer.step();
        average?.update();
        return nll.item();
      });
      if (!Number.isFinite(loss))
        throw new LensfindError(
          'E_NONFINITE',
          `step ${step}: the loss is ${loss}; lower optim.lr or raise optim.grad_clip`,
        );
      schedule.step();
      step++;
      lossSum += loss;
      lossN++;
      if (step % 50 === 0 || step === cfg.steps) {
        const dt = (Date.now() - tick) / 1000;
        log.info(
          `step ${step}/${cfg.steps} loss ${(lossSum / lossN).toFixed(4)} lr ${optimizer.paramGroups[0].lr.toExponential(2)} ` +
            `${((lossN * B) / dt).toFixed(1)} img/s`,
        );
        tick = Date.now();
        lossSum = 0;
        lossN = 0;
      }
      if (step % cfg.val_every === 0 || step === cfg.steps) {
        const v = scoreNll(scored, space, val, perImage);
        // with an average, the trained weights' own score beside it: what the averaging gains
        const raw = average ? scoreNll(net, space, val, perImage).z : undefined;
        const improved = v.z < best;
        if (improved) best = v.z;
        appendFileSync(
          path.join(runDir, 'metrics.jsonl'),
          JSON.stringify({
            step,
            val_nll: v.z,
            val_nll_theta: v.theta,
            ...(raw !== undefined ? { val_nll_raw: raw } : {}),
            lr: optimizer.paramGroups[0].lr,
          }) + '\n',
        );
        log.info(
          `step ${step}: val_nll ${v.z.toFixed(4)} (physical ${v.theta.toFixed(4)}` +
            `${raw !== undefined ? `; trained weights ${raw.toFixed(4)}` : ''})${improved ? ' best' : ''}`,
        );
        if (improved) save(bestDir);
        save(last);
      }
    }
  } finally {
    await data.close();
  }
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(
    path.join(runDir, 'summary.json'),
    JSON.stringify({ steps: step, best_val_nll: best, seconds, parameters: space.names }, null, 1),
  );
  return { runDir, steps: step, bestValNll: best, seconds };
}
