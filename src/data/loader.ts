import { Worker } from 'node:worker_threads';
import { LensfindError, rebuildError, type ErrorMessage } from '../errors.js';
import { startWorker } from '../worker/start-worker.js';
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

/** Starts the worker (its own module, compiled or from the TypeScript sources). */
function startLoaderWorker(workerData: unknown): Worker {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return startWorker(new URL(`./loader-worker.${ext}`, import.meta.url), workerData);
}

interface Pending {
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
}

/** What a batch's labels and ids are, from the indices that made it into the batch. */
type Describe = (kept: readonly number[]) => Pick<Batch, 'y' | 'ids'>;

/**
 * Prepares batches (load or render, normalise, augment) in worker threads while the model computes, `prefetch`
 * batches ahead. Every random draw depends on (seed, epoch, position), so batches are identical for any worker
 * count. Bad files are skipped (reported through onSkip), never fatal. Call close() when done.
 */
export class BatchLoader {
  private readonly ctx: PrepareContext;
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private readonly reported = new Set<string>();
  private failure: Error | null = null;
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
    for (let w = 0; w < opts.workers; w++) {
      const worker = startLoaderWorker(this.ctx);
      worker.on(
        'message',
        (m: { ok: true; result: BatchResult } | ({ ok: false; id: number } & ErrorMessage)) => {
          const id = m.ok ? m.result.id : m.id;
          const p = this.pending.get(id);
          this.pending.delete(id);
          // Not while closing: terminate() refs the worker until it has exited, and a result that arrives after
          // (the main thread was busy) must not unref it, or the event loop ends before terminate() settles and
          // the awaiting caller never resumes (Node's exit code 13).
          if (--this.busy[w] === 0 && !this.closed) worker.unref();
          if (!p) return;
          if (m.ok) p.resolve(m.result);
          else p.reject(rebuildError(m));
        },
      );
      worker.on('error', (err) => this.fail(err));
      // A worker that stops on its own (killed, crashed) would leave its batches unanswered: the trainer would wait
      // forever, or Node would end with exit code 13 and no message.
      worker.on('exit', (code) => {
        if (!this.closed && !this.failure)
          this.fail(new Error(`data worker ${w} stopped (exit code ${code}) while training still needed it`));
      });
      // Idle workers must not keep the process alive. unref() only after the listeners: on Node 20 adding a
      // 'message' listener refs the worker's port again, so a loader never closed would hang the exit.
      worker.unref();
      this.workers.push(worker);
      this.busy.push(0);
    }
  }

  private fail(err: Error): void {
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private run(task: BatchTask): Promise<BatchResult> {
    if (this.workers.length === 0) return prepareBatch(this.ctx, task);
    if (this.failure) return Promise.reject(this.failure);
    const w = task.id % this.workers.length;
    return new Promise<BatchResult>((resolve, reject) => {
      this.pending.set(task.id, { resolve, reject });
      if (this.busy[w]++ === 0) this.workers[w].ref();
      this.workers[w].postMessage(task);
    });
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
    this.fail(new Error('BatchLoader: used after close()'));
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
