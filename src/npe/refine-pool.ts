/**
 * `refinePosteriors` on worker threads: the likelihood is plain TypeScript on one core, so galaxies are refined in
 * parallel, each worker loading the run once (single-threaded libtorch) and taking chunks of galaxies as it frees up.
 * Every galaxy draws from its own streams (`first`), so the result is the same for any number of workers.
 */
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../worker/pool.js';
import { besideModule } from '../worker/start-worker.js';
import { refinePosteriors, type RefineOptions, type RefinedPosteriors } from './refine.js';
import { makeRenderer } from './data.js';
import { loadSersicRun, type SersicRun } from './run.js';

export interface RefineWorkerData {
  run: string;
  which: 'best' | 'last';
  raw: Float32Array;
  x: Float32Array;
  n: number;
  options: Omit<RefineOptions, 'onGalaxy' | 'first'>;
}

export interface RefineRequest {
  start: number;
  count: number;
}

/**
 * Refined posteriors of the run's galaxies `raw` / `x` (as `refinePosteriors`) on `workers` threads (0: inline; default
 * one per core).
 */
export async function refineWithRun(
  run: string,
  which: 'best' | 'last',
  raw: Float32Array,
  x: Float32Array,
  n: number,
  options: RefineOptions & {
    workers?: number;
    chunk?: number;
    /** The run, if the caller has loaded it already (used when refining on this thread). */
    loaded?: SersicRun;
  },
): Promise<RefinedPosteriors> {
  const { workers = availableParallelism(), chunk = 8, onGalaxy, loaded, ...rest } = options;
  if (workers <= 0 || n <= chunk) {
    const { config, space, net } = loaded ?? loadSersicRun(run, which);
    return refinePosteriors(net, space, makeRenderer(config, space), raw, x, n, { ...rest, onGalaxy });
  }
  const data: RefineWorkerData = { run, which, raw, x, n, options: rest };
  // depth 1: a work queue, each worker takes the next chunk as it frees up
  const pool = new WorkerPool<RefineRequest, RefinedPosteriors, number>(
    besideModule(import.meta.url, 'refine-worker'),
    data,
    Math.min(workers, Math.ceil(n / chunk)),
    { name: 'refinement', depth: 1 },
  );
  let done = 0;
  const onProgress = () => onGalaxy?.(++done);
  const parts: { start: number; r: RefinedPosteriors }[] = [];
  try {
    const requests: Promise<void>[] = [];
    for (let start = 0; start < n; start += chunk)
      requests.push(
        pool
          .request({ start, count: Math.min(chunk, n - start) }, { onProgress })
          .then((r) => void parts.push({ start, r })),
      );
    await Promise.all(requests);
  } finally {
    await pool.close();
  }
  return assemble(parts, n, options.samples);
}

/** The chunks' results in galaxy order. */
function assemble(parts: { start: number; r: RefinedPosteriors }[], n: number, S: number): RefinedPosteriors {
  const D = parts[0].r.theta.length / parts[0].r.ess.length / S;
  const out: RefinedPosteriors = {
    theta: new Float64Array(n * S * D),
    ess: new Float64Array(n),
    flowEss: new Float64Array(n),
    rounds: new Int32Array(n),
    draws: new Int32Array(n),
    logEvidence: new Float64Array(n),
    roundDraws: parts[0].r.roundDraws,
  };
  for (const { start, r } of parts) {
    out.theta.set(r.theta, start * S * D);
    out.ess.set(r.ess, start);
    out.flowEss.set(r.flowEss, start);
    out.rounds.set(r.rounds, start);
    out.draws.set(r.draws, start);
    out.logEvidence.set(r.logEvidence, start);
  }
  return out;
}
