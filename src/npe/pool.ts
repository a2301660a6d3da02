/**
 * Galaxies rendered in worker threads while the main thread trains. Each request is one contiguous range of items,
 * rendered by one worker with the items' own seeds (data.ts), so the results equal `simulateBatch` on the main
 * thread byte for byte. With 0 workers the same function runs inline.
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { LensfindError } from '../errors.js';
import { startWorker } from '../worker/start-worker.js';
import { makeRenderer, simulateBatch, type SimBatch, type SimSettings } from './data.js';
import type { SersicRenderer } from './render.js';

function spawn(settings: SimSettings): Worker {
  const here = fileURLToPath(import.meta.url);
  const file = here.replace(/pool\.(ts|js)$/, 'pool-worker.$1');
  return startWorker(file, settings);
}

interface Reply {
  id: number;
  ok: boolean;
  x?: Float32Array;
  theta?: Float64Array;
  message?: string;
}

export class SimPool {
  private readonly workers: Worker[];
  private readonly inline: SersicRenderer | null;
  private readonly pending = new Map<
    number,
    { resolve: (b: SimBatch) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private turn = 0;

  constructor(
    readonly settings: SimSettings,
    workers: number,
  ) {
    this.inline = workers === 0 ? makeRenderer(settings) : null;
    this.workers = Array.from({ length: workers }, () => {
      const w = spawn(settings);
      w.on('message', (m: Reply) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve({ x: m.x!, theta: m.theta! });
        else p.reject(new LensfindError('E_SIM', `a rendering worker failed: ${m.message}`));
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
      return w;
    });
  }

  /** Items start..start+count-1 of a stream. */
  batch(stream: number, start: number, count: number): Promise<SimBatch> {
    if (this.inline)
      return Promise.resolve(simulateBatch(this.inline, this.settings.seed, stream, start, count));
    const id = this.nextId++;
    const w = this.workers[this.turn++ % this.workers.length];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, stream, start, count });
    });
  }

  /** Items start..start+count-1 rendered in chunks spread over the workers, concatenated in order. */
  async range(stream: number, start: number, count: number, chunk = 64): Promise<SimBatch> {
    const parts: Promise<SimBatch>[] = [];
    for (let s = 0; s < count; s += chunk)
      parts.push(this.batch(stream, start + s, Math.min(chunk, count - s)));
    const got = await Promise.all(parts);
    const x = new Float32Array(got.reduce((a, b) => a + b.x.length, 0));
    const theta = new Float64Array(got.reduce((a, b) => a + b.theta.length, 0));
    let ox = 0,
      ot = 0;
    for (const g of got) {
      x.set(g.x, ox);
      theta.set(g.theta, ot);
      ox += g.x.length;
      ot += g.theta.length;
    }
    return { x, theta };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
