/**
 * Galaxies rendered in worker threads while the main thread trains. Each request is one contiguous range of items,
 * rendered by one worker with the items' own seeds (data.ts), so the results equal `simulateBatch` on the main
 * thread byte for byte. With 0 workers the same function runs inline.
 */
import { WorkerPool } from '../worker/pool.js';
import { besideModule } from '../worker/start-worker.js';
import { makeRenderer, simulateBatch, type SimBatch, type SimSettings } from './data.js';
import type { SersicRenderer } from './render.js';

/** A range of items of one stream (pool-worker.ts renders it). */
export interface SimRequest {
  stream: number;
  start: number;
  count: number;
}

export class SimPool {
  private readonly pool: WorkerPool<SimRequest, SimBatch> | null;
  private readonly inline: SersicRenderer | null;

  constructor(
    readonly settings: SimSettings,
    workers: number,
  ) {
    this.inline = workers === 0 ? makeRenderer(settings) : null;
    this.pool =
      workers > 0
        ? new WorkerPool(besideModule(import.meta.url, 'pool-worker'), settings, workers, {
            name: 'rendering',
          })
        : null;
  }

  /** Items start..start+count-1 of a stream. */
  batch(stream: number, start: number, count: number): Promise<SimBatch> {
    if (!this.pool)
      return Promise.resolve(simulateBatch(this.inline!, this.settings.seed, stream, start, count));
    return this.pool.request({ stream, start, count });
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
    await this.pool?.close();
  }
}
