import { LensfindError } from '../errors.js';
import { WorkerPool } from '../worker/pool.js';
import { besideModule } from '../worker/start-worker.js';
import type { AugmentConfig } from './augment.js';
import type { NormalizationParams } from './normalize.js';
import { prepareBatch, type BatchResult, type BatchTask, type PrepareContext } from './prepare.js';
import { epochOrder, type SamplerKind } from './sampler.js';
import { simEpochItems, type SimStream } from './sim-stream.js';
import type { Dataset, SkippedItem } from './types.js';

/** One batch: x is [B, bands, H, W] row-major, y the labels (1 = lens). */
export interface Batch {
  x: Float32Array;
  y: Float32Array;
  ids: string[];
  indices: number[];
  shape: [number, number, number, number];
  /** Index of this batch in the epoch's list of batches (counts batches whose items were all skipped). */
  batchIndex: number;
}

export interface LoaderOptions {
  normalization: NormalizationParams;
  augmentation?: AugmentConfig | null;
  seed: number;
  /** Worker threads (0: prepare on the main thread). */
  workers: number;
  /** Batches prepared ahead of the one being consumed. */
  prefetch: number;
  /** Called the first time a bad file is met; it is skipped in every epoch but reported (and counted) once. */
  onSkip?: (s: SkippedItem) => void;
  /**
   * Fresh simulations (`data.sim`): `simEpoch` renders this stream's cutouts in the same workers that read the
   * dataset's (which must have the stream's shape).
   */
  sim?: SimStream | null;
}

export interface EpochOptions {
  epoch: number;
  batchSize: number;
  /** 'none' keeps the given order (evaluation). */
  sampler: SamplerKind | 'none';
  /** Apply the augmentation (training only). */
  augment: boolean;
  dropLast?: boolean;
  /**
   * Start at this batch of the epoch (resuming mid-epoch): earlier batches are neither read nor augmented, and
   * later ones are identical to those of a full pass (same order, same per-position augmentation draws).
   */
  startBatch?: number;
}

/**
 * The most memory kept for passes that repeat (`evalBatches` with `keep`): 512 MiB, e.g. 10,000 3-band 64x64 or
 * 2,700 128x128 validation cutouts. Larger sets are read again each time.
 */
export const KEPT_BATCH_BYTES = 512 * 2 ** 20;

/** What a batch's labels and ids are, from the indices that made it into the batch. */
type Describe = (kept: readonly number[]) => Pick<Batch, 'y' | 'ids'>;

/**
 * Prepares batches (load or render, normalise, augment) in worker threads while the model computes, `prefetch`
 * batches ahead. Every random draw depends on (seed, epoch, position), so batches are identical for any worker
 * count. Bad files are skipped (reported through onSkip), never fatal. Call close() when done; a loader left open
 * never keeps the process alive, and a worker that stops fails the epoch with a message naming it (WorkerPool).
 */
export class BatchLoader {
  private readonly ctx: PrepareContext;
  private readonly pool: WorkerPool<BatchTask, BatchResult> | null;
  private nextId = 0;
  private readonly reported = new Set<string>();
  /** Passes kept by `evalBatches(..., { keep: true })`, by their indices array and batch size. */
  private readonly kept = new Map<readonly number[], { batchSize: number; batches: Batch[] }>();
  private closed = false;

  constructor(
    private readonly dataset: Dataset,
    private readonly opts: LoaderOptions,
  ) {
    this.ctx = {
      spec: { bands: dataset.bands, height: dataset.height, width: dataset.width },
      normalization: opts.normalization,
      augmentation: opts.augmentation ?? null,
      seed: opts.seed,
      sim: opts.sim?.config ?? null,
    };
    this.pool =
      opts.workers > 0
        ? new WorkerPool(besideModule(import.meta.url, 'loader-worker'), this.ctx, opts.workers, {
            name: 'data',
          })
        : null;
  }

  private run(task: BatchTask): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new Error('BatchLoader: used after close()'));
    return this.pool ? this.pool.request(task) : prepareBatch(this.ctx, task);
  }

  /** The batches of one pass over `indices` (dataset indices, e.g. the training split). */
  async *epoch(indices: readonly number[], o: EpochOptions): AsyncGenerator<Batch> {
    const items = this.dataset.items;
    const order =
      o.sampler === 'none'
        ? indices.slice()
        : epochOrder(
            indices,
            indices.map((i) => items[i].label),
            { kind: o.sampler, seed: this.opts.seed, epoch: o.epoch },
          );
    yield* this.batches(order, null, o, (kept) => ({
      y: Float32Array.from(kept, (i) => items[i].label),
      ids: kept.map((i) => items[i].id),
    }));
  }

  /**
   * The batches of `indices` in order, without augmentation (validation, evaluation). With `keep`, a complete pass
   * that fits in KEPT_BATCH_BYTES is kept and served again for the same `indices` array and batch size: validation
   * every epoch reads and normalises its cutouts once (on 2 cores that was ~6 s an epoch of the quick recipe).
   */
  async *evalBatches(
    indices: readonly number[],
    batchSize: number,
    opts: { keep?: boolean } = {},
  ): AsyncGenerator<Batch> {
    const hit = this.kept.get(indices);
    if (hit && hit.batchSize === batchSize) {
      yield* hit.batches;
      return;
    }
    const { bands, height, width } = this.dataset;
    const keep = opts.keep === true && indices.length * bands * height * width * 4 <= KEPT_BATCH_BYTES;
    const batches: Batch[] = [];
    for await (const b of this.epoch(indices, { epoch: 0, batchSize, sampler: 'none', augment: false })) {
      if (keep) batches.push(b);
      yield b;
    }
    // only a whole pass is kept (a consumer that stops early leaves nothing behind)
    if (keep) this.kept.set(indices, { batchSize, batches });
  }

  /**
   * The training batches of epoch `epoch` of fresh simulations (LoaderOptions.sim): the epoch's new cutouts in
   * order, rendered where batches are prepared, never read. `indices` of a batch are simulation indices.
   */
  async *simEpoch(epoch: number, o: Omit<EpochOptions, 'epoch' | 'sampler'>): AsyncGenerator<Batch> {
    const stream = this.opts.sim;
    if (!stream)
      throw new LensfindError('E_USAGE', 'loader.simEpoch: the loader has no simulation stream (sim)');
    const plan = simEpochItems(stream, epoch);
    const base = epoch * stream.perEpoch;
    yield* this.batches(
      plan.map((it) => it.index),
      plan.map((it) => it.label),
      { ...o, epoch, sampler: 'none' },
      (kept) => ({
        y: Float32Array.from(kept, (i) => plan[i - base].label),
        ids: kept.map((i) => plan[i - base].id),
      }),
    );
  }

  /**
   * Batches of `order` (dataset indices to read, or simulation indices to render with `labels`), from batch
   * `startBatch` on, prepared `prefetch` ahead.
   */
  private async *batches(
    order: readonly number[],
    labels: readonly number[] | null,
    o: EpochOptions,
    describe: Describe,
  ): AsyncGenerator<Batch> {
    const startBatch = o.startBatch ?? 0;
    if (!Number.isInteger(startBatch) || startBatch < 0)
      throw new LensfindError(
        'E_USAGE',
        `loader.epoch: startBatch must be a non-negative integer, got ${startBatch}`,
      );
    // Batches keep their epoch positions when the first ones are skipped: the order is drawn for the whole epoch
    // and augmentation is seeded by (seed, epoch, position), never by how many batches were prepared before.
    const tasks: (BatchTask & { batchIndex: number })[] = [];
    for (let s = startBatch * o.batchSize, b = startBatch; s < order.length; s += o.batchSize, b++) {
      const chunk = order.slice(s, s + o.batchSize);
      if (o.dropLast && chunk.length < o.batchSize) break;
      const positions = chunk.map((_, k) => s + k);
      const task = { id: 0, epoch: o.epoch, indices: chunk, positions, augment: o.augment, batchIndex: b };
      tasks.push(labels ? { ...task, labels: labels.slice(s, s + o.batchSize) } : task);
    }
    const inflight: { batchIndex: number; result: Promise<BatchResult> }[] = [];
    let sent = 0;
    const send = (): void => {
      const { batchIndex, ...task } = tasks[sent++];
      // Sources are looked up per batch, when it is sent (see PrepareContext).
      const sources = task.labels ? undefined : task.indices.map((i) => this.dataset.items[i].source);
      const p = this.run({ ...task, sources, id: this.nextId++ });
      p.catch(() => undefined); // awaited below; avoid an unhandled rejection if the consumer stops early
      inflight.push({ batchIndex, result: p });
    };
    while (sent < tasks.length && inflight.length < this.opts.prefetch + 1) send();
    while (inflight.length > 0) {
      const next = inflight.shift()!;
      const r = await next.result;
      if (sent < tasks.length) send();
      for (const s of r.skipped) {
        if (this.reported.has(s.source)) continue;
        this.reported.add(s.source);
        this.opts.onSkip?.(s);
      }
      if (r.kept.length === 0) continue;
      const { bands, height, width } = this.dataset;
      yield {
        x: r.x,
        ...describe(r.kept),
        indices: r.kept,
        shape: [r.kept.length, bands, height, width],
        batchIndex: next.batchIndex,
      };
    }
  }

  /** Stops the workers (safe to call twice). */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }
}
