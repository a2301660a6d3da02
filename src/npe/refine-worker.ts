/** A refinement worker (refine-pool.ts): loads the run once, then refines the ranges of galaxies it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { setNumThreads } from '../torch/threads.js';
import { makeRenderer } from './data.js';
import { refinePosteriors } from './refine.js';
import { loadSersicRun } from './run.js';
import type { RefineWorkerData, RefineRequest } from './refine-pool.js';

const data = workerData as RefineWorkerData;
setNumThreads(1);
const { config, space, net } = loadSersicRun(data.run, data.which);
const renderer = makeRenderer(config, space);
const per = data.raw.length / data.n;
parentPort!.on('message', (m: RefineRequest) => {
  try {
    const r = refinePosteriors(
      net,
      space,
      renderer,
      data.raw.subarray(m.start * per, (m.start + m.count) * per),
      data.x.subarray(m.start * per, (m.start + m.count) * per),
      m.count,
      { ...data.options, first: m.start, onGalaxy: () => parentPort!.postMessage({ progress: 1 }) },
    );
    parentPort!.postMessage({ start: m.start, result: r });
  } catch (err) {
    parentPort!.postMessage({ start: m.start, error: (err as Error).message });
  }
});
