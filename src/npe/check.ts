/**
 * `lensfind sersic check`: a trained run against galaxies it never saw (stream 2 of its own simulator, the same
 * priors): expected coverage at 68% / 95% per parameter with curves and SBC histograms, TARP, and the accuracy of
 * the posterior medians overall and at SNR >= 50 (the goals); coverage again in SNR bins. Written to
 * `<run>/check/metrics.json` with plots (coverage.png, tarp.png, truth_<param>.png; and SVG).
 */
import { medianInPlace } from '../metrics/robust.js';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { snakeCaseKeys } from '../io/snake-keys.js';
import { makeDirs } from '../io/mkdirs.js';
import { availableParallelism } from 'node:os';
import { Generator } from '../torch/random.js';
import { setNumThreads } from '../torch/threads.js';
import { Rng } from '../sim/rng.js';
import {
  binnedCoverage,
  calibrationReport,
  type BinCoverage,
  type CalibrationReport,
} from './calibration.js';
import { makeRenderer, STREAM } from './data.js';
import { SimPool } from './pool.js';
import { samplePosterior, summarise } from './posterior.js';
import { refineWithRun } from './refine-pool.js';
import { LOW_ESS } from './refine.js';
import { loadSersicRun } from './run.js';
import type { SersicRenderer } from './render.js';
import { exactGapPerGalaxy, summariseGap, type ExactGap } from './exact-gap.js';

export interface AccuracySummary {
  galaxies: number;
  /** median |Δmag| of the posterior medians. */
  magAbsErrorMedian: number;
  /** median |ΔR_e| / R_e. */
  reRelErrorMedian: number;
  /** median |Δn| / n. */
  nRelErrorMedian: number;
}

/** How the importance-sampled refinement went (`check --refine`): effective sample sizes across galaxies. */
export interface RefineSummary {
  /** Median draws (likelihood evaluations) per galaxy, all rounds. */
  drawsMedian: number;
  essMedian: number;
  /** Fraction of galaxies whose refined posterior rests on fewer than 50 effective draws. */
  essBelow50: number;
  /** Median effective sample size of the flow's own first-round draws (out of `roundDraws`). */
  flowEssMedian: number;
  roundDraws: number;
  roundsMedian: number;
  secondsPerGalaxy: number;
}

export interface CheckReport {
  run: string;
  calibration: CalibrationReport;
  /** Coverage per parameter in bins of the galaxies' SNR (`SNR_EDGES`). */
  coverageBySnr: BinCoverage[];
  accuracy: { all: AccuracySummary; snr50: AccuracySummary };
  seconds: { render: number; sample: number };
  refine?: RefineSummary;
  /**
   * With --refine: how far the flow itself is from the exact posterior (expected KL(exact ‖ flow) in nats, exact-gap.ts),
   * overall and in the SNR bins of `coverageBySnr`.
   */
  flowGapToExact?: ExactGap;
  /** Which posteriors were checked: the flow's, the flow's with the run's recalibration, or the refined ones. */
  posterior: CheckedPosterior;
}

export type CheckedPosterior = 'flow' | 'recalibrated' | 'refined';

/** The folder of a run where the check of these posteriors goes. */
export function checkFolder(p: CheckedPosterior): string {
  return p === 'flow' ? 'check' : `check-${p}`;
}

/** Matched-filter SNR of a noiseless galaxy: sqrt(sum m^2 / var), var = sky + read + the galaxy's Poisson. */
export function galaxySnr(renderer: SersicRenderer, theta: ArrayLike<number>, offset = 0): number {
  const img = renderer.noiseless(theta, offset);
  const P = renderer.size * renderer.size;
  let s = 0;
  renderer.bands.forEach((b, k) => {
    const t = b.noise.exposureTotal;
    for (let i = 0; i < P; i++) {
      const m = img[k * P + i];
      s += (m * m) / (b.sigma * b.sigma + Math.max(0, m) / t);
    }
  });
  return Math.sqrt(s);
}

/** SNR bins of `coverageBySnr`: faint, typical, bright, very bright. */
export const SNR_EDGES = [0, 50, 200, 1000, Infinity];

const median = (v: number[]): number => medianInPlace(Float64Array.from(v));

export async function checkSersic(
  runDir: string,
  opts: {
    galaxies?: number;
    samples?: number;
    which?: 'best' | 'last';
    plots?: boolean;
    seed?: number;
    /** Check the importance-sampled posteriors (refine.ts) instead of the flow's; written to check-refined/. */
    refine?: boolean;
    /** Worker threads of the refinement (default: one per core; 0 refines on this thread). */
    workers?: number;
    /** Check the flow with the run's width recalibration when it has one (default true): written to check-recalibrated/. */
    recalibrate?: boolean;
    /** Progress of the refinement (galaxies done). */
    onGalaxy?: (done: number, total: number) => void;
  } = {},
): Promise<CheckReport> {
  const run = loadSersicRun(runDir, opts.which ?? 'best');
  const { config, space, net } = run;
  setNumThreads(config.threads ?? availableParallelism());
  const N = opts.galaxies ?? config.check.galaxies;
  const S = opts.samples ?? config.check.samples;
  const D = space.dim;
  const recalibration = opts.recalibrate === false || opts.refine ? undefined : run.recalibration;
  const checked: CheckedPosterior = opts.refine ? 'refined' : recalibration ? 'recalibrated' : 'flow';
  const t0 = Date.now();
  const pool = new SimPool(config, config.workers);
  let set;
  try {
    set = await pool.range(STREAM.check, 0, N);
  } finally {
    await pool.close();
  }
  const t1 = Date.now();
  const renderer = makeRenderer(config, space);
  let draws: Float64Array;
  let refine: RefineSummary | undefined;
  let gap: ReturnType<typeof exactGapPerGalaxy> | undefined;
  if (opts.refine) {
    // the likelihood's units: the normalisation's exact inverse, sinh(x) sigma
    const P = config.image_size ** 2;
    const raw = set.x.map(
      (v, i) => Math.sinh(v) * renderer.bands[Math.floor(i / P) % renderer.bands.length].sigma,
    );
    const r = await refineWithRun(runDir, opts.which ?? 'best', raw, set.x, N, {
      samples: S,
      seed: opts.seed,
      workers: opts.workers,
      loaded: run,
      onGalaxy: (done) => opts.onGalaxy?.(done, N),
    });
    draws = r.theta;
    refine = {
      drawsMedian: median(Array.from(r.draws)),
      essMedian: median(Array.from(r.ess)),
      essBelow50: r.ess.filter((e) => e < LOW_ESS).length / N,
      flowEssMedian: median(Array.from(r.flowEss)),
      roundDraws: r.roundDraws,
      roundsMedian: median(Array.from(r.rounds)),
      secondsPerGalaxy: (Date.now() - t1) / 1000 / N,
    };
    gap = exactGapPerGalaxy(net, space, renderer, raw, set.x, set.theta, r.logEvidence, N);
  } else
    draws = samplePosterior(net, space, set.x, N, S, {
      generator: new Generator((opts.seed ?? 0) + 1),
      recalibration,
    });
  const t2 = Date.now();
  const posterior = { n: N, s: S, d: D, samples: draws, truths: set.theta };
  const unit = {
    n: N,
    s: S,
    d: D,
    samples: space.unitCoords(draws, N * S),
    truths: space.unitCoords(set.theta, N),
  };
  const calibration = calibrationReport(
    posterior,
    space.names,
    space.periods(),
    unit,
    new Rng(opts.seed ?? 0),
  );
  // accuracy of posterior medians
  const iMag = 0,
    iR = space.index('R_sersic'),
    iN = space.index('n_sersic');
  const rows: { snr: number; dm: number; dr: number; dn: number }[] = [];
  const med = (g: number, j: number) => summarise(draws, g * S * D + j, S, D).median;
  const medians: number[][] = space.names.map(() => []);
  for (let g = 0; g < N; g++) {
    const t = (j: number) => set.theta[g * D + j];
    for (let j = 0; j < D; j++)
      medians[j].push(
        j === space.index('phi') ? summarise(draws, g * S * D + j, S, D, 180).median : med(g, j),
      );
    rows.push({
      snr: galaxySnr(renderer, set.theta, g * D),
      dm: Math.abs(medians[iMag][g] - t(iMag)),
      dr: Math.abs(medians[iR][g] - t(iR)) / t(iR),
      dn: Math.abs(medians[iN][g] - t(iN)) / t(iN),
    });
  }
  const acc = (r: typeof rows): AccuracySummary => ({
    galaxies: r.length,
    magAbsErrorMedian: median(r.map((x) => x.dm)),
    reRelErrorMedian: median(r.map((x) => x.dr)),
    nRelErrorMedian: median(r.map((x) => x.dn)),
  });
  const coverageBySnr = binnedCoverage(
    posterior,
    space.names,
    space.periods(),
    rows.map((r) => r.snr),
    SNR_EDGES,
  );
  const report: CheckReport = {
    run: runDir,
    calibration,
    coverageBySnr,
    accuracy: { all: acc(rows), snr50: acc(rows.filter((r) => r.snr >= 50)) },
    seconds: { render: (t1 - t0) / 1000, sample: (t2 - t1) / 1000 },
    ...(refine ? { refine } : {}),
    ...(gap
      ? {
          flowGapToExact: summariseGap(
            gap,
            rows.map((r) => r.snr),
            SNR_EDGES,
          ),
        }
      : {}),
    posterior: checked,
  };
  const out = path.join(runDir, checkFolder(checked));
  makeDirs(out);
  writeFileAtomic(path.join(out, 'metrics.json'), JSON.stringify(snakeCaseKeys(report), null, 1));
  if (opts.plots ?? true) {
    const { saveChart } = await import('../plot/render.js');
    const { coveragePlot, truthScatter } = await import('../plot/coverage.js');
    const cov = calibration.parameters.map((p) => ({
      name: p.name,
      nominal: calibration.alphas,
      observed: p.curve,
    }));
    await saveChart(await coveragePlot(cov), path.join(out, 'coverage'));
    await saveChart(
      await coveragePlot(
        [{ name: 'TARP', nominal: calibration.tarp.alphas, observed: calibration.tarp.ecp }],
        {
          title: `TARP (KS ${calibration.tarp.ks.toFixed(3)}, ${calibration.tarp.passed ? 'passed' : 'failed'})`,
        },
      ),
      path.join(out, 'tarp'),
    );
    for (let j = 0; j < D; j++) {
      const truth = Array.from({ length: N }, (_, g) => set.theta[g * D + j]);
      const log = space.names[j] === 'R_sersic' || space.names[j] === 'n_sersic';
      await saveChart(
        await truthScatter(space.names[j], truth, medians[j], { log }),
        path.join(out, `truth_${space.names[j]}`),
      );
    }
  }
  return report;
}
