/**
 * Where `lensfind inject` runs its per-item jobs (work.ts): on `workers` worker threads, each cutout's measures in
 * chunks and each shard as one request to whichever worker is free, or on the main thread with fewer than two
 * workers (one worker would only add its start-up). The bytes are the same either way.
 */
import { WorkerPool } from '../worker/pool.js';
import { besideModule } from '../worker/start-worker.js';
import type { PlanShard } from '../sim/dataset/plan.js';
import type { ItemSource } from '../data/types.js';
import type { InjectConfig } from './config.js';
import type { Injector } from './inject.js';
import {
  injectShard,
  measureCutouts,
  type CutoutSpec,
  type InjectReply,
  type InjectRequest,
  type InjectWorkerData,
  type Measured,
  type ShardJob,
} from './work.js';

/** Cutouts measured per request: enough to amortise a message, few enough to share the work evenly. */
const MEASURE_CHUNK = 32;

export class InjectRunner {
  private readonly pool: WorkerPool<InjectRequest, InjectReply, number> | null;
  /** The last shard started on the main thread. */
  private inline: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly inj: Injector,
    private readonly cfg: InjectConfig,
    private readonly out: string,
    workers: number,
  ) {
    const data: InjectWorkerData = { cfg, size: inj.size, out };
    // depth 1: a work queue, so a slow shard does not hold up requests queued behind it on the same worker
    this.pool =
      workers >= 2
        ? new WorkerPool(besideModule(import.meta.url, 'work-worker'), data, workers, {
            name: 'inject',
            depth: 1,
          })
        : null;
  }

  /** The cutouts' measures (or why each is skipped), in the order of `jobs`. */
  async measure(
    spec: CutoutSpec,
    jobs: readonly { index: number; source: ItemSource }[],
    onItem: () => void,
  ): Promise<Measured[]> {
    const pool = this.pool;
    if (!pool) return measureCutouts(this.inj, spec, jobs, onItem);
    const parts: Promise<InjectReply>[] = [];
    for (let s = 0; s < jobs.length; s += MEASURE_CHUNK)
      parts.push(
        pool.request(
          { kind: 'measure', spec, jobs: jobs.slice(s, s + MEASURE_CHUNK) },
          { onProgress: onItem },
        ),
      );
    return (await Promise.all(parts)).flatMap((r) => (r.kind === 'measure' ? r.measured : []));
  }

  /** Injects and writes `shard`; resolves with its first `previews` injected images. */
  shard(
    shard: PlanShard,
    jobs: ShardJob[],
    previews: number,
    onItem: () => void,
  ): Promise<{ id: string; image: Float32Array }[]> {
    if (!this.pool) {
      // one shard at a time, as the workers take them: shards started together would hold all their images at once
      // after a failure (or close) the shards still queued are not written: the caller has its error already
      const run = this.inline.then(() =>
        this.stopped
          ? Promise.reject(new Error('inject: stopped before this shard'))
          : injectShard(this.inj, this.cfg, this.out, shard, jobs, previews, onItem),
      );
      this.inline = run.catch(() => {
        this.stopped = true;
      });
      return run;
    }
    return this.pool
      .request({ kind: 'shard', shard, jobs, previews }, { onProgress: onItem })
      .then((r) => (r.kind === 'shard' ? r.previews : []));
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.pool?.close();
  }
}
