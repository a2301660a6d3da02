import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, LensfindError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { saveConfig } from '../config/load.js';
import { openDataset } from '../data/open.js';
import { splitIndices } from '../data/split.js';
import { fitNormalization, type NormalizationParams } from '../data/normalize.js';
import { fitOnTrainSplit, openSplits, posWeightOf, requireTrainSplit } from '../data/training-split.js';
import { BatchLoader, type Batch } from '../data/loader.js';
import { renderSimItems, simEpochItems, simSeeds, simSpec, type SimStream } from '../data/sim-stream.js';
import type { Dataset, DatasetSpec, SkippedItem } from '../data/types.js';
import type { SimulateConfig } from '../sim/config.js';
import type { TrainConfig } from './schema.js';
import type { RunSession } from './run-session.js';
import { SIM_CONFIG_FILE, VAL_DATA_DIR } from './run-folder.js';

/** What summary.json records about fresh simulations. */
export interface SimRecord {
  /** The simulate config of the training cutouts, in the run folder. */
  config: string;
  n_per_epoch: number;
  /** The training cutouts' seed: item p of epoch e is simulation index e * n_per_epoch + p. */
  seed: number;
  /** The validation data: `val-data` in the run folder (simulated with `val_seed`), or data.path. */
  validation: string;
  val_seed: number | null;
}

interface SimSetup {
  stream: SimStream;
  /** Where its config came from: data.sim.config as written, or the resumed run's sim.yaml. */
  source: string;
  /** The validation set's simulate config when it is simulated (no data.path). */
  valConfig: SimulateConfig | null;
  record: SimRecord;
}

type Shape = Pick<DatasetSpec, 'bands' | 'height' | 'width'>;

/**
 * A run's data: the training items (a stored split, or fresh simulations), the validation items, the normalisation
 * and pos_weight, and the batch loader that reads (and renders) them in its worker threads. Made by
 * `TrainingData.prepare` before a new run's folder exists; `start` then opens the loader (fresh simulations without
 * `data.path` first simulate their validation set into the folder). `close` stops the workers.
 */
export class TrainingData {
  private loaderRef: BatchLoader | null = null;
  /** Validation items of the loader's dataset. */
  valIdx: number[];

  private constructor(
    private readonly config: TrainConfig,
    /** The cutouts' shape. */
    readonly spec: Shape,
    /** Stored data: the training split (empty with fresh simulations). */
    readonly trainIdx: number[],
    dataset: Dataset | null,
    readonly normalization: NormalizationParams,
    readonly posWeight: number | null,
    private readonly simSetup: SimSetup | null,
    private readonly logger: Logger,
    private readonly onSkip: (s: SkippedItem) => void,
    private readonly skippedCount: () => number,
  ) {
    this.valIdx = dataset ? splitIndices(dataset.items, 'val') : [];
    if (dataset) this.loaderRef = this.makeLoader(dataset);
  }

  /**
   * Opens the configured data and prepares what training reads from it, writing nothing (a new run creates its
   * folder only once its data is good). A resumed run reuses the normalisation and pos_weight saved in its
   * checkpoint, so it sees exactly what the interrupted run saw; a new run fits them on the training split, or on
   * a seeded sample of the first epoch's simulated cutouts. `runDir`: the resumed run's folder (its saved
   * simulate config is used).
   */
  static async prepare(
    config: TrainConfig,
    saved: { normalization: NormalizationParams; posWeight: number | null } | null,
    logger: Logger,
    runDir?: string,
  ): Promise<TrainingData> {
    let skipped = 0;
    const onSkip = (s: { source: string; reason: string }) => {
      skipped++;
      logger.warn(`skipped ${s.source}: ${s.reason}`);
    };
    const sim = config.data.sim ? await setUpSim(config, runDir) : null;
    const splits = config.data.path ? await openSplits(config.data, config.seed, onSkip) : null;
    const dataset = splits?.dataset ?? null;
    const trainIdx = splits && !sim ? splits.train : [];
    let spec: Shape;
    let normalization: NormalizationParams;
    let posWeight: number | null;
    if (sim) {
      ({ spec, normalization, posWeight } = await simTrainingStats(sim, dataset, config, saved, logger));
    } else {
      const ds = dataset!;
      requireTrainSplit(config.data.path, trainIdx);
      spec = ds;
      const trainLabels = trainIdx.map((i) => ds.items[i].label);
      const positives = trainLabels.filter((y) => y >= 0.5).length;
      logger.info(
        `data ${ds.root} (${ds.format}): ${ds.bands}x${ds.height}x${ds.width}, ` +
          `train ${trainIdx.length} (${positives} lenses), val ${splitIndices(ds.items, 'val').length}, ` +
          `skipped ${ds.skipped.length}`,
      );
      // a resumed run's stored statistics (a stored null pos_weight follows the config, as it always did)
      ({ normalization, posWeight } = await fitOnTrainSplit(splits!, config.data, config.seed, {
        normalization: saved?.normalization,
        posWeight: saved?.posWeight ?? undefined,
      }));
    }
    return new TrainingData(
      config,
      { bands: spec.bands, height: spec.height, width: spec.width },
      trainIdx,
      dataset,
      normalization,
      posWeight,
      sim,
      logger,
      onSkip,
      () => skipped,
    );
  }

  /** Training items per epoch. */
  get trainSize(): number {
    return this.simSetup ? this.simSetup.stream.perEpoch : this.trainIdx.length;
  }

  /** Fresh simulations: what summary.json records about them; null when training on stored data. */
  get sim(): SimRecord | null {
    return this.simSetup?.record ?? null;
  }

  /** Cutouts skipped so far (unreadable, mis-shaped, non-finite), each logged with its path. */
  skipped(): number {
    return this.skippedCount();
  }

  /** The batch loader; once `start` has run. */
  get loader(): BatchLoader {
    if (!this.loaderRef) throw new Error('TrainingData: the loader is used before start()');
    return this.loaderRef;
  }

  /**
   * Gets the run folder ready and the loader running. Fresh simulations record their simulate config in the
   * folder (`sim.yaml`, unless resuming with one) and, without `data.path`, simulate the validation set into
   * `val-data/` (a resumed run renders only what is missing or damaged, so it validates on the same cutouts).
   */
  async start(session: RunSession): Promise<void> {
    const sim = this.simSetup;
    if (sim) {
      const file = session.file(SIM_CONFIG_FILE);
      if (session.created || !existsSync(file)) {
        const { workers: _w, ...recorded } = sim.stream.config;
        saveConfig(
          file,
          recorded,
          'lensfind train --sim: the simulate configuration of the training cutouts. Item p of epoch e (from 0) is\n' +
            `simulation index e * ${sim.stream.perEpoch} + p of this seed; each epoch's labels are placed by ` +
            '`balance` as lensfind simulate places them.\n' +
            (sim.valConfig ? `The validation set is ${VAL_DATA_DIR}/ (its config.yaml).` : ''),
        );
      }
    }
    if (this.loaderRef) return;
    const valConfig = sim?.valConfig;
    if (!valConfig) throw new Error('TrainingData.start: no data to validate on');
    const dir = session.file(VAL_DATA_DIR);
    const { simulateDataset } = await import('../sim/dataset/writer.js');
    const done = await simulateDataset(valConfig, { out: dir, quiet: true });
    this.logger.info(
      `validation set ${dir}: ${valConfig.n} simulated cutouts, seed ${valConfig.seed}` +
        (done.images > 0
          ? ` (${done.images} rendered in ${done.seconds.toFixed(1)} s)`
          : ' (complete from before)'),
    );
    const dataset = await openDataset(dir, { format: 'lensfind', valFraction: 0, onSkip: this.onSkip });
    this.valIdx = splitIndices(dataset.items, 'val');
    this.loaderRef = this.makeLoader(dataset);
  }

  /** The training batches of one epoch: the stored split in the sampler's order, or the epoch's new cutouts. */
  trainBatches(
    epoch: number,
    o: { batchSize: number; dropLast: boolean; startBatch: number },
  ): AsyncGenerator<Batch> {
    if (this.simSetup) return this.loader.simEpoch(epoch, { ...o, augment: true });
    return this.loader.epoch(this.trainIdx, {
      ...o,
      epoch,
      sampler: this.config.data.sampler,
      augment: true,
    });
  }

  /** Stops the loader's workers (safe to call twice, and before start). */
  async close(): Promise<void> {
    await this.loaderRef?.close();
  }

  private makeLoader(dataset: Dataset): BatchLoader {
    const data = this.config.data;
    return new BatchLoader(dataset, {
      normalization: this.normalization,
      augmentation: data.augmentation,
      seed: this.config.seed,
      workers: data.workers,
      prefetch: data.prefetch,
      onSkip: this.onSkip,
      sim: this.simSetup?.stream ?? null,
    });
  }
}

/**
 * Fresh simulations' shape (checked against a validation dataset), normalisation and pos_weight: a resumed
 * run's saved ones, or fitted on a seeded sample of the first epoch's cutouts.
 */
async function simTrainingStats(
  sim: SimSetup,
  dataset: Dataset | null,
  config: TrainConfig,
  saved: { normalization: NormalizationParams; posWeight: number | null } | null,
  logger: Logger,
): Promise<{ spec: Shape; normalization: NormalizationParams; posWeight: number | null }> {
  const spec = await checkSim(sim, dataset);
  const plan = simEpochItems(sim.stream, 0);
  const trainLabels = plan.map((it) => it.label);
  const lenses = trainLabels.filter((y) => y >= 0.5).length;
  logger.info(
    `data: fresh simulations (${sim.stream.config.backend}, survey ${sim.stream.config.survey}, ` +
      `${spec.bands}x${spec.height}x${spec.width}): ${sim.stream.perEpoch} new cutouts per epoch ` +
      `(${lenses} lenses), seed ${sim.stream.config.seed}; validation ${sim.record.validation}` +
      (dataset ? ` (${dataset.format}): val ${splitIndices(dataset.items, 'val').length}` : ''),
  );
  if (config.data.sampler !== 'shuffle')
    logger.warn(
      `data.sampler ${config.data.sampler} is not used with data.sim: every epoch's cutouts are new draws, ` +
        `balance ${sim.stream.config.balance} of them lenses`,
    );
  // Dataset-scope statistics come from a seeded sample of the first epoch's cutouts, rendered here.
  const fitData = {
    bands: spec.bands,
    load: async (p: number) => (await renderSimItems(sim.stream.config, [plan[p].index], [plan[p].label]))[0],
  };
  const normalization =
    saved?.normalization ??
    (await fitNormalization(
      fitData,
      plan.map((_, p) => p),
      config.data.normalization,
      config.seed,
    ));
  const posWeight = saved?.posWeight ?? posWeightOf(config.data.pos_weight, trainLabels);
  return { spec, normalization, posWeight };
}

/**
 * The simulate config of a run's fresh simulations: the one saved in a resumed run's folder, else `data.sim.config`
 * (a preset of configs/sim or a YAML file) with the run's training seed. Errors name `data.sim.config` and, for a
 * bad simulate config, its key.
 */
async function setUpSim(config: TrainConfig, runDir?: string): Promise<SimSetup> {
  const sim = config.data.sim!;
  const { loadSimulateConfig, listSimPresets } = await import('../sim/dataset/load-config.js');
  const seeds = simSeeds(config.seed);
  const savedFile = runDir ? path.join(runDir, SIM_CONFIG_FILE) : undefined;
  const key = 'data.sim.config';
  let source: string;
  let load: () => SimulateConfig;
  if (savedFile && existsSync(savedFile)) {
    source = savedFile;
    load = () => loadSimulateConfig({ file: savedFile });
  } else {
    source = sim.config;
    const isFile = /\.ya?ml$/i.test(sim.config) || sim.config.includes('/') || sim.config.includes(path.sep);
    if (isFile && !existsSync(sim.config)) throw new ConfigError(`${key}: ${sim.config}: no such file`, key);
    if (!isFile && !listSimPresets().includes(sim.config))
      throw new ConfigError(
        `${key}: no simulate preset '${sim.config}' (presets: ${listSimPresets().join(', ')}; or give a YAML file)`,
        key,
      );
    const flags = { seed: seeds.train, n: sim.n_per_epoch, splits: { train: 1, val: 0, test: 0 } };
    load = () => loadSimulateConfig(isFile ? { file: sim.config, flags } : { preset: sim.config, flags });
  }
  let stream: SimStream;
  try {
    stream = { config: load(), perEpoch: sim.n_per_epoch };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${key} ${source}: ${err.message}`, key, source);
    throw err;
  }
  const validation = config.data.path ?? VAL_DATA_DIR;
  const valConfig: SimulateConfig | null = config.data.path
    ? null
    : {
        ...stream.config,
        seed: seeds.val,
        n: sim.val_n,
        splits: { train: 0, val: 1, test: 0 },
        workers: config.data.workers,
        output: { ...stream.config.output, layout: 'lensfind', format: 'npy' },
      };
  return {
    stream,
    source,
    valConfig,
    record: {
      config: SIM_CONFIG_FILE,
      n_per_epoch: sim.n_per_epoch,
      seed: stream.config.seed,
      validation,
      val_seed: valConfig?.seed ?? null,
    },
  };
}

/**
 * Renders the first epoch's first lens and first non-lens on this thread, so a config the simulator cannot render
 * fails here, naming data.sim.config, before any folder or worker exists; returns the cutouts' shape, which
 * validation data given by data.path must have too.
 */
async function checkSim(sim: SimSetup, dataset: Dataset | null): Promise<Shape> {
  const key = 'data.sim.config';
  const { config } = sim.stream;
  const plan = simEpochItems(sim.stream, 0);
  const probe = [0, 1].flatMap((label) => plan.filter((it) => it.label === label).slice(0, 1));
  let spec: Shape;
  try {
    spec = await simSpec(config);
    await renderSimItems(
      config,
      probe.map((it) => it.index),
      probe.map((it) => it.label),
    );
  } catch (err) {
    if (err instanceof LensfindError)
      throw new ConfigError(`${key} ${sim.source}: cannot render a cutout: ${err.message}`, key);
    throw err;
  }
  if (
    dataset &&
    (dataset.bands !== spec.bands || dataset.height !== spec.height || dataset.width !== spec.width)
  ) {
    throw new LensfindError(
      'E_DATA',
      `${dataset.root}: cutouts of [${dataset.bands}, ${dataset.height}, ${dataset.width}], but data.sim renders ` +
        `[${spec.bands}, ${spec.height}, ${spec.width}]: the validation data (data.path) must have the shape of ` +
        'the simulated cutouts (bands, image_size)',
    );
  }
  if (dataset && splitIndices(dataset.items, 'val').length === 0) {
    throw new LensfindError(
      'E_DATA',
      `${dataset.root}: no validation items (split 'val' is empty); with data.sim, data.path is the validation ` +
        'data: give a dataset with a val split, or set data.val_fraction',
    );
  }
  return spec;
}
