// One training epoch of the lensfind fixture dataset through a BatchLoader, for the loader tests: the batches and
// the bad files skipped on the way (the dataset is opened without validation, so they reach the loader).
import path from 'node:path';
import {
  BatchLoader,
  fitNormalization,
  openDataset,
  splitIndices,
  type Batch,
  type Dataset,
  type EpochOptions,
  type SkippedItem,
} from '../../src/data/index.js';

const root = path.join(import.meta.dirname, '../fixtures/data');
const aug = { flip: true, rot90: true, rotate: 15, shift: 0.5, noise: 0.05, brightness: 0.1 };

export interface FixtureEpoch {
  batches: Batch[];
  skipped: SkippedItem[];
  ds: Dataset;
  /** The training split's item indices. */
  train: number[];
}

/** The batches of epoch `o.epoch` (shuffled, augmented) with `workers` loader workers and the loader's seed. */
export async function fixtureEpoch(
  workers: number,
  loader: { seed: number; prefetch: number },
  o: Omit<EpochOptions, 'sampler' | 'augment'>,
): Promise<FixtureEpoch> {
  const ds = await openDataset(path.join(root, 'lensfind'), { validate: false, valFraction: 0 });
  const train = splitIndices(ds.items, 'train');
  const normalization = await fitNormalization(ds, train, { kind: 'dataset' }); // skips the bad files
  const skipped: SkippedItem[] = [];
  const bl = new BatchLoader(ds, {
    normalization,
    augmentation: aug,
    seed: loader.seed,
    workers,
    prefetch: loader.prefetch,
    onSkip: (s) => skipped.push(s),
  });
  try {
    const batches: Batch[] = [];
    for await (const b of bl.epoch(train, { ...o, sampler: 'shuffle', augment: true })) batches.push(b);
    return { batches, skipped, ds, train };
  } finally {
    await bl.close();
  }
}
