import { BatchLoader, type Batch } from './loader.js';
import type { NormalizationParams } from './normalize.js';
import type { DataConfig } from './schema.js';
import { fitOnTrainSplit, openSplits } from './training-split.js';
import type { Dataset, SkippedItem } from './types.js';

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

/** The dataset of `cfg`, its splits, the normalisation and pos_weight (fitted on the train split), and its batches. */
export async function createDataPipeline(cfg: DataConfig, opts: PipelineOptions): Promise<DataPipeline> {
  const splits = await openSplits(cfg, opts.seed, opts.onSkip);
  const { dataset, train, val, test } = splits;
  const { normalization, posWeight } = await fitOnTrainSplit(splits, cfg, opts.seed, {
    normalization: opts.normalization,
  });
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
    evalBatches: (indices, batchSize) => loader.evalBatches(indices, batchSize),
    close: () => loader.close(),
  };
}
