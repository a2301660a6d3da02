import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import { prepareBatch, type BatchTask, type PrepareContext } from './prepare.js';

/** A batch-preparation worker: receives tasks, answers with the batch (its buffer transferred) or an error. */
const ctx = workerData as PrepareContext;
parentPort!.on('message', (task: BatchTask) => {
  prepareBatch(ctx, task).then(
    (r) => parentPort!.postMessage({ ok: true, result: r }, [r.x.buffer as ArrayBuffer]),
    (err: unknown) => parentPort!.postMessage({ ok: false, id: task.id, ...errorMessage(err) }),
  );
});
