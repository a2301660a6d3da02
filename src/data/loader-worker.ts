import { workerData } from 'node:worker_threads';
import { serveRequests } from '../worker/serve.js';
import { prepareBatch, type BatchResult, type BatchTask, type PrepareContext } from './prepare.js';

/** A batch-preparation worker: answers each task with its batch (the buffer moved, not copied). */
const ctx = workerData as PrepareContext;
serveRequests<BatchTask, BatchResult>(async (task) => {
  const r = await prepareBatch(ctx, task);
  return { result: r, transfer: [r.x.buffer as ArrayBuffer] };
});
