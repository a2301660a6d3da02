/**
 * Worker thread of the simulate pool: renders the shards the main thread sends and writes them itself, so
 * rendering and file writing both run in parallel. Never imports the engine.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../errors.js';
import type { SimulateConfig } from '../config.js';
import { createItemRenderer } from './render-item.js';
import { renderAndWriteShard } from './layout.js';
import type { PlanShard } from './plan.js';
import type { FromWorker, ToWorker } from './pool.js';

const { cfg, outDir } = workerData as { cfg: SimulateConfig; outDir: string };
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

const rendererPromise = createItemRenderer(cfg);

port.on('message', async (msg: ToWorker) => {
  if (msg.type === 'exit') {
    port.close();
    return;
  }
  try {
    const renderer = await rendererPromise;
    const shard: PlanShard = msg.shard;
    let pending = 0;
    let last = performance.now();
    renderAndWriteShard(renderer, cfg, outDir, shard, () => {
      pending += 1;
      const now = performance.now();
      if (now - last > 200) {
        post({ type: 'progress', n: pending });
        pending = 0;
        last = now;
      }
    });
    if (pending > 0) post({ type: 'progress', n: pending });
    post({ type: 'done', shard: shard.shard });
  } catch (err) {
    post({ type: 'error', ...errorMessage(err) });
  }
});
post({ type: 'ready' });
