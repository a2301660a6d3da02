/**
 * The worker side of `WorkerPool`: answers each request with `handle`'s result (its `transfer` buffers moved, not
 * copied) or with the error it threw, which the pool rebuilds with its class. `progress` reports on the request
 * being handled.
 */
import { parentPort, type Transferable } from 'node:worker_threads';
import { errorMessage } from '../errors.js';
import type { WorkerReply } from './pool.js';

export interface Handled<Res> {
  result: Res;
  transfer?: readonly Transferable[];
}

export function serveRequests<Req, Res, P = never>(
  handle: (request: Req, progress: (p: P) => void) => Handled<Res> | Promise<Handled<Res>>,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveRequests: not in a worker thread');
  const post = (m: WorkerReply<Res, P>, transfer: readonly Transferable[] = []) =>
    port.postMessage(m, transfer);
  port.on('message', async ({ id, request }: { id: number; request: Req }) => {
    try {
      const { result, transfer } = await handle(request, (progress) => post({ id, progress }));
      post({ id, ok: true, result }, transfer);
    } catch (err) {
      post({ id, ok: false, ...errorMessage(err) });
    }
  });
}
