/** A galaxy-rendering worker (pool.ts): builds the renderer once, then answers batch requests. */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../worker/serve.js';
import { makeRenderer, simulateBatch, type SimBatch, type SimSettings } from './data.js';
import type { SimRequest } from './pool.js';

const settings = workerData as SimSettings;
const renderer = makeRenderer(settings);
serveRequests<SimRequest, SimBatch>(({ stream, start, count }) => {
  const b = simulateBatch(renderer, settings.seed, stream, start, count);
  return { result: b, transfer: [b.x.buffer as ArrayBuffer, b.theta.buffer as ArrayBuffer] };
});
