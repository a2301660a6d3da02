/**
 * `lensfind sersic predict`: posteriors for cutouts in a file. Input: a `.npy` stack [N, bands, H, W] (or [N, H, W]
 * for one band, or one [H, W] image) or a FITS image/cube of the same shapes, in the simulator's units (e-/s per
 * pixel, sky-subtracted, row 0 the top) at the run's survey depth; they are normalised as in training. Output: a
 * table (.csv or .parquet) with one row per cutout and, per parameter, mean, median, std and the 2.5/16/84/97.5
 * percentiles; optionally all draws as `.npy` [N, S, D] (float32, the run's parameter order).
 */
import { writeNpy } from '../io/npy.js';
import { writeCsv } from '../io/csv.js';
import { catalogFormat, writeParquetCatalog } from '../predict/catalog.js';
import { availableParallelism } from 'node:os';
import { Generator } from '../torch/random.js';
import { setNumThreads } from '../torch/threads.js';
import { makeRenderer, normalizeImages } from './data.js';
import { samplePosterior, summaryRows } from './posterior.js';
import { refineWithRun } from './refine-pool.js';
import { LOW_ESS } from './refine.js';
import { loadSersicRun } from './run.js';
import { readCutouts } from './cutouts.js';

export { readCutouts };

export interface SersicPredictOptions {
  run: string;
  input: string;
  out: string;
  samples?: number;
  samplesOut?: string;
  seed?: number;
  which?: 'best' | 'last';
  /**
   * Importance-sample the flow's draws towards the exact posterior (refine.ts): for cutouts with the run's survey
   * noise and PSF; adds the columns refine_ess and refine_flow_ess.
   */
  refine?: boolean;
  /** Worker threads of the refinement (default: one per core; 0 refines on this thread). */
  workers?: number;
  /** Apply the run's width recalibration when it has one (default true; `sersic calibrate`). */
  recalibrate?: boolean;
  onGalaxy?: (done: number, total: number) => void;
}

export async function predictSersic(
  opts: SersicPredictOptions,
): Promise<{ rows: number; out: string; lowEss: number; recalibrated: boolean }> {
  const run = loadSersicRun(opts.run, opts.which ?? 'best');
  const { config, space, net } = run;
  setNumThreads(config.threads ?? availableParallelism());
  const format = catalogFormat(opts.out);
  const { x, n } = readCutouts(opts.input, config.bands.length, config.image_size);
  const renderer = makeRenderer(config, space);
  const xn = normalizeImages(
    Float32Array.from(x),
    renderer.bands.map((b) => b.sigma),
    config.image_size ** 2,
  );
  const S = opts.samples ?? 1000;
  let draws: Float64Array;
  let rows: Record<string, string | number>[];
  let lowEss = 0;
  const recalibration = opts.recalibrate === false || opts.refine ? undefined : run.recalibration;
  if (opts.refine) {
    const r = await refineWithRun(opts.run, opts.which ?? 'best', x, xn, n, {
      samples: S,
      seed: opts.seed,
      workers: opts.workers,
      loaded: run,
      onGalaxy: (done) => opts.onGalaxy?.(done, n),
    });
    draws = r.theta;
    lowEss = r.ess.filter((e) => e < LOW_ESS).length;
    rows = summaryRows(space, draws, n, S).map((row, g) => ({
      ...row,
      refine_ess: r.ess[g],
      refine_flow_ess: r.flowEss[g],
    }));
  } else {
    draws = samplePosterior(net, space, xn, n, S, {
      generator: new Generator(opts.seed ?? 0),
      recalibration,
    });
    rows = summaryRows(space, draws, n, S);
  }
  const columns = Object.keys(rows[0] ?? { id: '' });
  if (format === 'parquet') writeParquetCatalog(opts.out, columns, rows.length, (k) => rows[k]);
  else writeCsv(opts.out, rows, columns);
  if (opts.samplesOut) writeNpy(opts.samplesOut, Float32Array.from(draws), [n, S, space.dim], 'float32');
  return { rows: n, out: opts.out, lowEss, recalibrated: recalibration !== undefined };
}
