/**
 * The steps that training (train/training-data.ts) and the data pipeline (pipeline.ts) share, in one place: open
 * the configured dataset, take its train/val/test splits, and fit the normalisation and the BCE pos_weight on the
 * training split. Both refuse an empty training split the same way when something has to be fitted on it.
 */
import { DataError, LensfindError } from '../errors.js';
import { fitNormalization, type NormalizationParams } from './normalize.js';
import { openDataset } from './open.js';
import { computePosWeight } from './sampler.js';
import type { DataConfig } from './schema.js';
import { splitIndices } from './split.js';
import type { DataFormat, Dataset, SkippedItem } from './types.js';

export interface DataSplits {
  dataset: Dataset;
  train: number[];
  val: number[];
  test: number[];
}

/** What is fitted on the training split: stored ones (a resumed run, an evaluation) are used as they are. */
export interface TrainStats {
  normalization: NormalizationParams;
  /** The BCE pos_weight the config asks for (null: none). */
  posWeight: number | null;
}

/** Opens `cfg.path` (its format, labels file, root and validation fraction) and lists its splits. */
export async function openSplits(
  cfg: DataConfig,
  seed: number,
  onSkip?: (s: SkippedItem) => void,
): Promise<DataSplits> {
  if (!cfg.path) throw new DataError('data.path is not set: give the dataset folder or file (--data PATH)');
  const dataset = await openDataset(cfg.path, {
    format: cfg.format === 'auto' ? undefined : (cfg.format as DataFormat),
    labels: cfg.labels,
    dataRoot: cfg.root,
    valFraction: cfg.val_fraction,
    seed,
    onSkip,
  });
  const split = (name: 'train' | 'val' | 'test') => splitIndices(dataset.items, name);
  return { dataset, train: split('train'), val: split('val'), test: split('test') };
}

/** The error for a dataset whose training split is empty. */
export function requireTrainSplit(path: string | undefined, train: readonly number[]): void {
  if (train.length === 0) {
    throw new LensfindError(
      'E_DATA',
      `${path}: no training items (split 'train' is empty); the normalisation and pos_weight are fitted on them`,
    );
  }
}

/** pos_weight as configured: 'auto' = negatives / positives of `labels`, a number, or null. */
export function posWeightOf(setting: DataConfig['pos_weight'], labels: ArrayLike<number>): number | null {
  return setting === 'auto' ? computePosWeight(labels) : setting;
}

/** The normalisation and pos_weight: the stored ones, else fitted on the training split (which must not be empty). */
export async function fitOnTrainSplit(
  splits: DataSplits,
  cfg: DataConfig,
  seed: number,
  stored: Partial<TrainStats> = {},
): Promise<TrainStats> {
  const { dataset, train } = splits;
  const fitsPosWeight = stored.posWeight === undefined && cfg.pos_weight === 'auto';
  if (stored.normalization === undefined || fitsPosWeight) requireTrainSplit(cfg.path, train);
  const normalization =
    stored.normalization ?? (await fitNormalization(dataset, train, cfg.normalization, seed));
  const posWeight =
    stored.posWeight !== undefined
      ? stored.posWeight
      : posWeightOf(
          cfg.pos_weight,
          train.map((i) => dataset.items[i].label),
        );
  return { normalization, posWeight };
}
