/**
 * Worker thread of the simulate pool: renders the shards the main thread sends and writes them itself, so
 * rendering and file writing both run in parallel. Never imports the engine.
 */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../../worker/serve.js';
import type { SimulateConfig } from '../config.js';
import { createItemRenderer } from './render-item.js';
import { renderAndWriteShard } from './layout.js';
import type { PlanShard } from './plan.js';

const { cfg, outDir } = workerData as { cfg: SimulateConfig; outDir: string };
const rendererPromise = createItemRenderer(cfg);

serveRequests<PlanShard, number, number>(async (shard, progress) => {
  const renderer = await rendererPromise;
  let pending = 0;
  let last = performance.now();
  renderAndWriteShard(renderer, cfg, outDir, shard, () => {
    pending += 1;
    const now = performance.now();
    if (now - last > 200) {
      progress(pending);
      pending = 0;
      last = now;
    }
  });
  if (pending > 0) progress(pending);
  return { result: shard.shard };
});
