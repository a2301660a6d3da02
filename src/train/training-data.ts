import { LensfindError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { openDataset } from '../data/open.js';
import { splitIndices } from '../data/split.js';
import { computePosWeight } from '../data/sampler.js';
import { fitNormalization, type NormalizationParams } from '../data/normalize.js';
import { BatchLoader } from '../data/loader.js';
import type { Dataset } from '../data/types.js';
import type { TrainConfig } from './schema.js';

/** A run's data: the dataset, its train/val indices, the stored normalisation and pos_weight, the batch loader. */
export interface TrainingData {
  dataset: Dataset;
  trainIdx: number[];
  valIdx: number[];
  normalization: NormalizationParams;
  posWeight: number | null;
  loader: BatchLoader;
  /** Cutouts skipped so far (unreadable, mis-shaped, non-finite), each logged with its path. */
  skipped(): number;
}

/**
 * Opens the configured data and prepares what training reads from it, writing nothing (a new run creates its
 * folder only once its data is good). A resumed run reuses the normalisation and pos_weight saved in its
 * checkpoint, so it sees exactly what the interrupted run saw; a new run fits them on the training split.
 */
export async function prepareTrainingData(
  config: TrainConfig,
  saved: { normalization: NormalizationParams; posWeight: number | null } | null,
  logger: Logger,
): Promise<TrainingData> {
  let skipped = 0;
  const onSkip = (s: { source: string; reason: string }) => {
    skipped++;
    logger.warn(`skipped ${s.source}: ${s.reason}`);
  };
  const dataset = await openDataset(config.data.path!, {
    format: config.data.format === 'auto' ? undefined : config.data.format,
    valFraction: config.data.valFraction,
    seed: config.seed,
    labels: config.data.labels,
    dataRoot: config.data.root,
    onSkip,
  });
  const trainIdx = splitIndices(dataset.items, 'train');
  const valIdx = splitIndices(dataset.items, 'val');
  if (trainIdx.length === 0)
    throw new LensfindError('E_DATA', `${config.data.path}: no training items (split 'train' is empty)`);
  const trainLabels = trainIdx.map((i) => dataset.items[i].label);
  const positives = trainLabels.filter((y) => y >= 0.5).length;
  logger.info(
    `data ${dataset.root} (${dataset.format}): ${dataset.bands}x${dataset.height}x${dataset.width}, ` +
      `train ${trainIdx.length} (${positives} lenses), val ${valIdx.length}, skipped ${dataset.skipped.length}`,
  );
  const normalization =
    saved?.normalization ??
    (await fitNormalization(dataset, trainIdx, config.data.normalization, config.seed));
  const posWeight =
    saved?.posWeight ??
    (config.data.posWeight === 'auto' ? computePosWeight(trainLabels) : config.data.posWeight);
  const loader = new BatchLoader(dataset, {
    normalization,
    augmentation: config.data.augmentation,
    seed: config.seed,
    workers: config.data.workers,
    prefetch: config.data.prefetch,
    onSkip,
  });
  return { dataset, trainIdx, valIdx, normalization, posWeight, loader, skipped: () => skipped };
}
