/**
 * `lensfind sersic calibrate`: fits a run's width recalibration (recalibration.ts) on galaxies of its own simulator
 * that neither training (streams 0, 1), `sersic check` (stream 2) nor bench/sersic.ts (3) sees: stream 4. Writes
 * `<run>/recalibration.json`, which `predict` and `check` then apply (check writes check-recalibrated/).
 */
import { availableParallelism } from 'node:os';
import { Generator } from '../torch/random.js';
import { setNumThreads } from '../torch/threads.js';
import { coverageCurve, credibilityLevels } from './calibration.js';
import { STREAM } from './data.js';
import { SimPool } from './pool.js';
import { samplePosterior } from './posterior.js';
import {
  applyWidthScaling,
  fitWidthScaling,
  imageLogSnr,
  writeRecalibration,
  scaledComponents,
  type WidthScaling,
} from './recalibration.js';
import { loadSersicRun } from './run.js';

/** Galaxies rendered and sampled at a time. */
const CHUNK = 1000;

export interface CalibrateReport {
  file: string;
  recalibration: WidthScaling;
  /** 68% coverage of each z coordinate on the calibration galaxies, before and after. */
  coverage68: { name: string; before: number; after: number }[];
}

export async function calibrateSersic(
  runDir: string,
  opts: {
    galaxies?: number;
    samples?: number;
    bins?: number;
    seed?: number;
    which?: 'best' | 'last';
    /** Progress (galaxies rendered and sampled). */
    onGalaxy?: (done: number, total: number) => void;
  } = {},
): Promise<CalibrateReport> {
  const { config, space, net } = loadSersicRun(runDir, opts.which ?? 'best', { recalibration: false });
  setNumThreads(config.threads ?? availableParallelism());
  // 10,000 galaxies: 1,250 a bin, so a bin's coverage is known to ±0.013 and its factor to ~2%
  const N = opts.galaxies ?? 10000;
  const S = opts.samples ?? 300;
  const D = space.dim;
  const z = new Float64Array(N * S * D);
  const zTrue = new Float32Array(N * D);
  const logSnr = new Float64Array(N);
  const generator = new Generator((opts.seed ?? 0) + 3);
  const pool = new SimPool(config, config.workers);
  try {
    // in chunks: only the draws, truths and SNRs are kept, not 10,000 images
    for (let start = 0; start < N; start += CHUNK) {
      const m = Math.min(CHUNK, N - start);
      const set = await pool.range(STREAM.calibrate, start, m);
      z.set(samplePosterior(net, space, set.x, m, S, { generator, unconstrained: true }), start * S * D);
      zTrue.set(space.toZRows(set.theta, m).z, start * D);
      logSnr.set(imageLogSnr(set.x, m), start);
      opts.onGalaxy?.(start + m, N);
    }
  } finally {
    await pool.close();
  }
  const recalibration = fitWidthScaling(z, zTrue, logSnr, N, S, D, scaledComponents(space), opts.bins);
  const coverage = (samples: Float64Array) =>
    space.zNames.map(
      (_, j) => coverageCurve(credibilityLevels({ n: N, s: S, d: D, samples, truths: zTrue }, j), [0.68])[0],
    );
  const before = coverage(z);
  applyWidthScaling(recalibration, z, logSnr, S, D);
  const after = coverage(z);
  const file = writeRecalibration(runDir, recalibration);
  return {
    file,
    recalibration,
    coverage68: space.zNames.map((name, j) => ({ name, before: before[j], after: after[j] })),
  };
}
