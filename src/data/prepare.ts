import { DataError } from '../errors.js';
import { augmentImage, type AugmentConfig } from './augment.js';
import { applyNormalization, type NormalizationParams } from './normalize.js';
import { describe, loadChecked } from './source.js';
import { renderSimItems } from './sim-stream.js';
import type { SimulateConfig } from '../sim/config.js';
import type { DatasetSpec, ItemSource, SkippedItem } from './types.js';

/**
 * What a batch needs besides its items; the same on the main thread and in every worker. The item list is not
 * part of it: each task carries its own items' sources, so a worker never holds a copy of a million-item list.
 */
export interface PrepareContext {
  spec: Pick<DatasetSpec, 'bands' | 'height' | 'width'>;
  normalization: NormalizationParams;
  augmentation: AugmentConfig | null;
  seed: number;
  /** The simulate config of fresh training cutouts (`data.sim`), rendered for tasks with `labels`; else null. */
  sim: SimulateConfig | null;
}

export interface BatchTask {
  id: number;
  epoch: number;
  /** Dataset indices. */
  indices: number[];
  /** Where to read each item of `indices` (absent for tasks that render, with `labels`). */
  sources?: ItemSource[];
  /** Positions in the epoch's order: the augmentation stream of each draw. */
  positions: number[];
  augment: boolean;
  /**
   * Set for fresh simulations: `indices` are simulation indices of `PrepareContext.sim`, rendered with these labels
   * instead of read from the sources.
   */
  labels?: number[];
}

export interface BatchResult {
  id: number;
  /** [kept, bands, H, W] */
  x: Float32Array;
  /** Dataset indices that made it into x, in order. */
  kept: number[];
  skipped: SkippedItem[];
}

/** The raw images of a task's items: read (a bad file is a rejection, skipped) or rendered (an error throws). */
async function rawImages(
  ctx: PrepareContext,
  task: BatchTask,
): Promise<PromiseSettledResult<Float32Array>[]> {
  if (!task.labels) {
    const sources = task.sources;
    if (sources?.length !== task.indices.length)
      throw new Error('prepareBatch: a task to read needs one source per index');
    return Promise.allSettled(sources.map((s) => loadChecked(s, ctx.spec)));
  }
  if (!ctx.sim) throw new Error('prepareBatch: a task to render, but the loader has no simulate config');
  const images = await renderSimItems(ctx.sim, task.indices, task.labels);
  return images.map((value) => ({ status: 'fulfilled', value }));
}

/**
 * Loads (or renders), normalises and augments the items of one batch; bad files are skipped and returned, never
 * thrown.
 */
export async function prepareBatch(ctx: PrepareContext, task: BatchTask): Promise<BatchResult> {
  const { bands, height, width } = ctx.spec;
  const size = bands * height * width;
  const images = await rawImages(ctx, task);
  const kept: number[] = [];
  const skipped: SkippedItem[] = [];
  const outs: Float32Array[] = [];
  images.forEach((r, k) => {
    const i = task.indices[k];
    if (r.status === 'rejected') {
      if (!(r.reason instanceof DataError)) throw r.reason;
      skipped.push({ source: describe(task.sources![k]), reason: r.reason.message });
      return;
    }
    const norm = (img: Float32Array): Float32Array => applyNormalization(ctx.normalization, img);
    outs.push(
      task.augment && ctx.augmentation
        ? augmentImage(r.value, ctx.spec, ctx.augmentation, norm, ctx.seed, task.epoch, task.positions[k])
        : norm(r.value),
    );
    kept.push(i);
  });
  const x = new Float32Array(kept.length * size);
  outs.forEach((o, k) => x.set(o, k * size));
  return { id: task.id, x, kept, skipped };
}
