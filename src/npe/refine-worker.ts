/** A refinement worker (refine-pool.ts): loads the run once, then refines the ranges of galaxies it is sent. */
import { workerData } from 'node:worker_threads';
import { setNumThreads } from '../torch/threads.js';
import { serveRequests } from '../worker/serve.js';
import { makeRenderer } from './data.js';
import { refinePosteriors, type RefinedPosteriors } from './refine.js';
import { loadSersicRun } from './run.js';
import type { RefineWorkerData, RefineRequest } from './refine-pool.js';

const data = workerData as RefineWorkerData;
setNumThreads(1);
const { config, space, net } = loadSersicRun(data.run, data.which);
const renderer = makeRenderer(config, space);
const per = data.raw.length / data.n;
serveRequests<RefineRequest, RefinedPosteriors, number>(({ start, count }, progress) => ({
  result: refinePosteriors(
    net,
    space,
    renderer,
    data.raw.subarray(start * per, (start + count) * per),
    data.x.subarray(start * per, (start + count) * per),
    count,
    { ...data.options, first: start, onGalaxy: () => progress(1) },
  ),
}));
