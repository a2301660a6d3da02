/**
 * A pool of worker threads answering requests (the main side of `serveRequests`). One shape serves every parallel
 * job in lensfind (simulated shards, data batches, rendered galaxies, refined posteriors):
 *  - a request goes to the worker with the fewest requests in flight, if it has fewer than `depth`; otherwise it
 *    waits in order for the next free slot (`depth: 1` is a work queue: whoever frees up first takes the next);
 *  - results come back as promises, errors rebuilt with their class (a ConfigError stays one, naming its key);
 *  - a worker that stops on its own (killed, crashed, out of memory) fails its requests and every later one with a
 *    message naming it: a caller never waits forever, and Node never exits silently with code 13;
 *  - an idle worker never keeps the process alive: a pool left open (an error before close()) does not hang it.
 *    The workers stay unref'd; while requests are in flight a timer holds the event loop instead. Ref'ing and
 *    unref'ing the workers themselves undid the ref that terminate() holds until a worker has exited: a result that
 *    arrived after a terminate() (the pool's or anyone's) let the loop end before that terminate() settled, and the
 *    caller awaiting it never resumed.
 * Which worker answers never changes a result: every job draws from its own seeds.
 */
import type { Transferable, Worker } from 'node:worker_threads';
import { rebuildError, type ErrorMessage } from '../errors.js';
import { startWorker } from './start-worker.js';

/** What a served worker posts back (serve.ts). */
export type WorkerReply<Res, P> =
  | { id: number; ok: true; result: Res }
  | ({ id: number; ok: false } & ErrorMessage)
  | { id: number; progress: P };

export interface WorkerPoolOptions {
  /** What the workers are, for messages: "data worker 0 stopped ...". */
  name: string;
  /** Requests in flight per worker before later ones wait (default: no limit). */
  depth?: number;
}

export interface RequestOptions<P> {
  /** Buffers moved to the worker, not copied. */
  transfer?: readonly Transferable[];
  /** Progress the worker reports while it works on this request. */
  onProgress?: (p: P) => void;
}

interface Pending<Res, P> {
  worker: number;
  resolve: (r: Res) => void;
  reject: (e: Error) => void;
  onProgress?: (p: P) => void;
}

interface Queued<Req, Res, P> {
  request: Req;
  options: RequestOptions<P>;
  resolve: (r: Res) => void;
  reject: (e: Error) => void;
}

export class WorkerPool<Req, Res, P = never> {
  readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly pending = new Map<number, Pending<Res, P>>();
  private readonly queue: Queued<Req, Res, P>[] = [];
  private readonly depth: number;
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;
  /** Holds the event loop while requests are in flight (the workers themselves are unref'd). */
  private keepAlive: ReturnType<typeof setInterval> | null = null;

  /** `count` workers running `entry` (a module path or URL) with `workerData`. */
  constructor(
    entry: string | URL,
    workerData: unknown,
    count: number,
    readonly options: WorkerPoolOptions,
  ) {
    this.depth = options.depth ?? Infinity;
    for (let w = 0; w < count; w++) {
      const worker = startWorker(entry, workerData);
      worker.on('message', (m: WorkerReply<Res, P>) => this.receive(w, m));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closed && !this.failure)
          this.fail(
            new Error(`${options.name} worker ${w} stopped (exit code ${code}) while it was still needed`),
          );
      });
      // unref() after the listeners: on Node 20 adding a 'message' listener refs the worker's port again. Never
      // ref'd again: `keepAlive` holds the loop while work is in flight.
      worker.unref();
      this.workers.push(worker);
      this.busy.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Sends `request` to a free worker (or queues it) and resolves with the worker's result. */
  request(request: Req, options: RequestOptions<P> = {}): Promise<Res> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ request, options, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops the workers; requests still waiting are rejected (safe to call twice). */
  async close(): Promise<void> {
    this.closed = true;
    this.fail(new Error(`${this.options.name} pool: used after close()`));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let w = -1;
      for (let i = 0; i < this.busy.length; i++)
        if (this.busy[i] < this.depth && (w < 0 || this.busy[i] < this.busy[w])) w = i;
      if (w < 0) return;
      const { request, options, resolve, reject } = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { worker: w, resolve, reject, onProgress: options.onProgress });
      this.busy[w]++;
      this.keepAlive ??= setInterval(() => {}, 2 ** 30);
      this.workers[w].postMessage({ id, request }, options.transfer ?? []);
    }
  }

  private receive(w: number, m: WorkerReply<Res, P>): void {
    const p = this.pending.get(m.id);
    if ('progress' in m) return p?.onProgress?.(m.progress);
    this.pending.delete(m.id);
    this.busy[w]--;
    if (this.pending.size === 0) this.release();
    if (p) {
      if (m.ok) p.resolve(m.result);
      else p.reject(rebuildError(m));
    }
    this.dispatch();
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const q of this.queue.splice(0)) q.reject(err);
    this.release();
  }

  /** Nothing in flight: the event loop may end (the callers' own awaits keep it when they need it). */
  private release(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }
}
