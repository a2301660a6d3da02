import { WorkerPool } from '../../worker/pool.js';
import { besideModule } from '../../worker/start-worker.js';
import type { SimulateConfig } from '../config.js';
import type { PlanShard } from './plan.js';

const workerFile = besideModule(import.meta.url, 'worker');

/**
 * Renders `shards` on `count` worker threads, handing out one shard at a time to whichever worker is free.
 * Each shard's bytes depend only on the config and the shard, so the result is the same for any `count`.
 */
export async function runShardsInWorkers(
  cfg: SimulateConfig,
  outDir: string,
  shards: readonly PlanShard[],
  count: number,
  onProgress: (n: number) => void,
): Promise<void> {
  if (shards.length === 0) return;
  const n = Math.max(1, Math.min(count, shards.length));
  const pool = new WorkerPool<PlanShard, number, number>(workerFile, { cfg, outDir }, n, {
    name: 'simulate',
    depth: 1,
  });
  try {
    await Promise.all(shards.map((shard) => pool.request(shard, { onProgress })));
  } finally {
    await pool.close();
  }
}
