import { DataError } from '../errors.js';
import { BatchLoader, type Batch } from './loader.js';
import { fitNormalization, type NormalizationParams } from './normalize.js';
import { openDataset } from './open.js';
import { computePosWeight } from './sampler.js';
import type { DataConfig } from './schema.js';
import { splitIndices } from './split.js';
import type { DataFormat, Dataset, SkippedItem } from './types.js';

/** Everything training needs from the `data` config: the dataset, its splits, normalisation, pos_weight, batches. */
export interface DataPipeline {
  dataset: Dataset;
  train: number[];
  val: number[];
  test: number[];
  /** Store in the run; pass back as `normalization` to evaluate/predict on the same footing. */
  normalization: NormalizationParams;
  /** The BCE pos_weight the config asks for (null: none). */
  posWeight: number | null;
  /** Training batches of one epoch: sampled, augmented; from batch `startBatch` on when resuming mid-epoch. */
  trainBatches(epoch: number, batchSize: number, startBatch?: number): AsyncGenerator<Batch>;
  /** Batches of `indices` in order, without augmentation (validation, test, prediction). */
  evalBatches(indices: readonly number[], batchSize: number): AsyncGenerator<Batch>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  seed: number;
  /** Reuse stored normalisation parameters (evaluate/predict) instead of fitting them on the training split. */
  normalization?: NormalizationParams;
  onSkip?: (s: SkippedItem) => void;
}

export async function createDataPipeline(cfg: DataConfig, opts: PipelineOptions): Promise<DataPipeline> {
  if (!cfg.path) throw new DataError('data.path is not set: give the dataset folder or file (--data PATH)');
  const dataset = await openDataset(cfg.path, {
    format: cfg.format === 'auto' ? undefined : (cfg.format as DataFormat),
    labels: cfg.labels,
    dataRoot: cfg.root,
    valFraction: cfg.valFraction,
    seed: opts.seed,
    onSkip: opts.onSkip,
  });
  const train = splitIndices(dataset.items, 'train');
  const val = splitIndices(dataset.items, 'val');
  const test = splitIndices(dataset.items, 'test');
  const normalization =
    opts.normalization ??
    (await fitNormalization(dataset, train.length ? train : val, cfg.normalization, opts.seed));
  const posWeight =
    cfg.posWeight === 'auto' ? computePosWeight(train.map((i) => dataset.items[i].label)) : cfg.posWeight;
  const loader = new BatchLoader(dataset, {
    normalization,
    augmentation: cfg.augmentation,
    seed: opts.seed,
    workers: cfg.workers,
    prefetch: cfg.prefetch,
    onSkip: opts.onSkip,
  });
  return {
    dataset,
    train,
    val,
    test,
    normalization,
    posWeight,
    trainBatches: (epoch, batchSize, startBatch) =>
      loader.epoch(train, { epoch, batchSize, sampler: cfg.sampler, augment: true, startBatch }),
    evalBatches: (indices, batchSize) =>
      loader.epoch(indices, { epoch: 0, batchSize, sampler: 'none', augment: false }),
    close: () => loader.close(),
  };
}
