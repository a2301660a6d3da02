import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuildError, type ErrorMessage } from '../../errors.js';
import { startWorker } from '../../worker/start-worker.js';
import type { SimulateConfig } from '../config.js';
import type { PlanShard } from './plan.js';

export type ToWorker = { type: 'shard'; shard: PlanShard } | { type: 'exit' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; n: number }
  | { type: 'done'; shard: number }
  | ({ type: 'error' } & ErrorMessage);

const here = fileURLToPath(import.meta.url);
const workerFile = path.join(path.dirname(here), `worker${path.extname(here)}`);

/**
 * Renders `shards` on `count` worker threads, handing out one shard at a time to whichever worker is free.
 * Each shard's bytes depend only on the config and the shard, so the result is the same for any `count`.
 */
export function runShardsInWorkers(
  cfg: SimulateConfig,
  outDir: string,
  shards: readonly PlanShard[],
  count: number,
  onProgress: (n: number) => void,
): Promise<void> {
  const queue = [...shards];
  const n = Math.max(1, Math.min(count, queue.length));
  if (queue.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let running = n;
    let failed = false;
    const workers: Worker[] = [];
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(err);
    };
    for (let i = 0; i < n; i++) {
      const worker = startWorker(workerFile, { cfg, outDir });
      workers.push(worker);
      const next = () => {
        const shard = queue.shift();
        worker.postMessage((shard ? { type: 'shard', shard } : { type: 'exit' }) satisfies ToWorker);
      };
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'progress') onProgress(m.n);
        else if (m.type === 'ready' || m.type === 'done') next();
        else if (m.type === 'error') fail(rebuildError(m));
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (failed) return;
        if (code !== 0) fail(new Error(`simulate worker ${i} exited with code ${code}`));
        else if (--running === 0) resolve();
      });
    }
  });
}
