import type { SimulateConfig } from '../sim/config.js';
import { itemId, planItems, type PlanItem } from '../sim/dataset/plan.js';
import type { ItemRenderer } from '../sim/dataset/render-item.js';
import { Sfc32Rng } from '../rng/index.js';
import type { DatasetSpec } from './types.js';

/**
 * Fresh simulations while training (`data.sim`): an endless stream of simulated cutouts, `perEpoch` new ones every
 * epoch, rendered where the loader prepares batches (its worker threads, or the main thread with `workers: 0`).
 *
 * Item p of epoch e is simulation index `e * perEpoch + p` of `config` (whose `seed` is the run's training seed,
 * see simSeeds): for the physical backend `renderCutout(config.scene, survey, { seed, index, label, size, bands })`,
 * as `lensfind simulate` renders its items. Each epoch's labels are placed as `lensfind simulate` places them
 * (planItems: exactly round(balance * perEpoch) lenses, at positions shuffled by a generator seeded by (seed,
 * epoch)). So a cutout depends only on (seed, epoch, position): never on the number of workers, nor on where a
 * resumed run starts.
 */
export interface SimStream {
  /** The resolved simulate config of the training cutouts; its `seed` is the training seed space's. */
  config: SimulateConfig;
  /** New cutouts per epoch. */
  perEpoch: number;
}

const SIM_SEED_STREAM = 0x51a7;
const LABEL_STREAM = 0x1abe;

/**
 * The simulator seeds of a run with `runSeed`: training and validation cutouts in two separate seed spaces (so no
 * training cutout is ever a validation cutout), both hashed from the run's seed (so neither is the seed a user
 * typically gives `lensfind simulate` for a test set).
 */
export function simSeeds(runSeed: number): { train: number; val: number } {
  const rng = new Sfc32Rng(runSeed, SIM_SEED_STREAM);
  const train = rng.nextUint32();
  let val = rng.nextUint32();
  while (val === train) val = rng.nextUint32();
  return { train, val };
}

/** The items of one epoch, in order: simulation index `epoch * perEpoch + position`, id and label. */
export function simEpochItems(stream: SimStream, epoch: number): PlanItem[] {
  const { config, perEpoch } = stream;
  const labelSeed = new Sfc32Rng(config.seed, LABEL_STREAM, epoch).nextUint32();
  const plan = planItems({
    n: perEpoch,
    splits: { train: 1, val: 0, test: 0 },
    balance: config.balance,
    seed: labelSeed,
  });
  const base = epoch * perEpoch;
  return plan.map((it) => ({ ...it, index: base + it.index, id: itemId(base + it.index) }));
}

// One renderer per config and thread (it loads the survey and its tables once); the simulator is imported only
// by threads that render, so loaders that only read files never load it.
const renderers = new WeakMap<SimulateConfig, Promise<ItemRenderer>>();

function rendererOf(config: SimulateConfig): Promise<ItemRenderer> {
  let r = renderers.get(config);
  if (!r) {
    r = import('../sim/dataset/render-item.js').then((m) => m.createItemRenderer(config));
    renderers.set(config, r);
  }
  return r;
}

/** The shape of the stream's cutouts (from the config's backend, survey, bands and image size). */
export async function simSpec(
  config: SimulateConfig,
): Promise<Pick<DatasetSpec, 'bands' | 'height' | 'width'>> {
  const r = await rendererOf(config);
  return { bands: r.bands.length, height: r.size, width: r.size };
}

/** Renders items (simulation indices with their labels) as float32 [bands, H, W] in physical units. */
export async function renderSimItems(
  config: SimulateConfig,
  indices: readonly number[],
  labels: readonly number[],
): Promise<Float32Array[]> {
  const renderer = await rendererOf(config);
  return indices.map(
    (index, k) =>
      renderer.render({ index, id: itemId(index), split: 'train', label: labels[k] >= 0.5 ? 1 : 0 }).image,
  );
}
