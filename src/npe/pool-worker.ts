/** A galaxy-rendering worker (pool.ts): builds the renderer once, then answers batch requests. */
import { parentPort, workerData } from 'node:worker_threads';
import { makeRenderer, simulateBatch, type SimSettings } from './data.js';

const settings = workerData as SimSettings;
const renderer = makeRenderer(settings);
parentPort!.on('message', (m: { id: number; stream: number; start: number; count: number }) => {
  try {
    const b = simulateBatch(renderer, settings.seed, m.stream, m.start, m.count);
    parentPort!.postMessage({ id: m.id, ok: true, x: b.x, theta: b.theta }, [
      b.x.buffer as ArrayBuffer,
      b.theta.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    parentPort!.postMessage({ id: m.id, ok: false, message: (err as Error).message });
  }
});
