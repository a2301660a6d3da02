/**
 * Posterior draws of the physical parameters for images, and their per-parameter summaries. The position angle is
 * summarised on its circle: its draws are unwrapped into the half-period around their circular mean (period 180),
 * where mean, median, std and percentiles are taken, then wrapped back into [0, 180).
 */
import { fromTypedArray } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';
import { noGrad } from '../torch/autograd.js';
import { scope } from '../torch/scope.js';
import type { Generator } from '../torch/random.js';
import type { PosteriorNet } from './model.js';
import type { ParamSpace } from './params.js';
import { fromZTensor } from './params-tensor.js';
import { imageLogSnr, scalingMatrices, type WidthScaling } from './recalibration.js';

/** Images per backbone pass when sampling. */
const CONTEXT_BATCH = 128;

export interface SampleOptions {
  generator?: Generator;
  /** Galaxies per flow pass (default: the head's `drawsPerPass` draws a pass). */
  batch?: number;
  /** Scale the draws by the run's width recalibration (`lensfind sersic calibrate`). */
  recalibration?: WidthScaling;
  /** Return the flow's unconstrained z instead of the physical parameters. */
  unconstrained?: boolean;
}

/**
 * S draws for each of n normalised images [n, C, H, W]: physical values [n, S, D] (float64), or with
 * `unconstrained` the flow's z.
 */
export function samplePosterior(
  net: PosteriorNet,
  space: ParamSpace,
  x: Float32Array,
  n: number,
  S: number,
  opts: SampleOptions = {},
): Float64Array {
  const H = net.imageSize;
  const per = x.length / n;
  const C = per / (H * H);
  const D = space.dim;
  const out = new Float64Array(n * S * D);
  // galaxies per flow pass: the head's drawsPerPass (a coupling flow's CPU time per galaxy at 1 thread: 1.8 ms at
  // 8 galaxies of 1,000 draws a pass, 3.7 ms at 64); the backbone runs on CONTEXT_BATCH images at a time, where its
  // cost per image is less than half that at 8
  const batch = opts.batch ?? Math.max(1, Math.floor(net.flow.drawsPerPass / S));
  net.eval();
  for (let c0 = 0; c0 < n; c0 += CONTEXT_BATCH) {
    const cm = Math.min(CONTEXT_BATCH, n - c0);
    scope(() =>
      noGrad(() => {
        const ctx = net.context(fromTypedArray(x.subarray(c0 * per, (c0 + cm) * per), [cm, C, H, H]));
        for (let i = 0; i < cm; i += batch) {
          const m = Math.min(batch, cm - i);
          const s = c0 + i;
          // parameter-major [D, m * S], transposed into the galaxy-draw-parameter order below
          const theta = scope(() => {
            const c = ctx.narrow(0, i, m);
            const cal = opts.recalibration;
            let z: Tensor;
            if (cal) {
              const logSnr = imageLogSnr(x.subarray(s * per, (s + m) * per), m);
              z = net.flow.sampleScaledByParameter(
                c,
                S,
                (mean) => scalingMatrices(cal, mean, logSnr, D),
                opts.generator,
              );
            } else z = net.flow.sampleByParameter(c, S, opts.generator);
            // into the galaxy-draw-parameter order on the engine (a transpose there is a fraction of a JS loop's)
            return (opts.unconstrained ? z : fromZTensor(space, z, 0))
              .t()
              .to('float64')
              .dataSync() as Float64Array;
          });
          out.set(theta, s * S * D);
        }
      }),
    );
  }
  return out;
}

/**
 * log q(z | x) of the flow for n normalised images [n, C, H, W] (x) at unconstrained points z [n, D], one per image
 * (eval mode, batches of 256).
 */
export function flowLogDensity(
  net: PosteriorNet,
  x: Float32Array,
  z: Float32Array,
  n: number,
  bands: number,
): Float64Array {
  const H = net.imageSize;
  const per = bands * H * H;
  const D = z.length / n;
  const out = new Float64Array(n);
  net.eval();
  for (let s = 0; s < n; s += 256) {
    const m = Math.min(256, n - s);
    const lp = scope(() =>
      noGrad(() => {
        const xt = fromTypedArray(x.subarray(s * per, (s + m) * per), [m, bands, H, H]);
        const zt = fromTypedArray(z.subarray(s * D, (s + m) * D), [m, D]);
        return net.logProb(xt, zt).toFloat32Array();
      }),
    );
    out.set(lp, s);
  }
  return out;
}

export const SUMMARY_STATS = ['mean', 'median', 'std', 'p2.5', 'p16', 'p84', 'p97.5'] as const;
export type SummaryStat = (typeof SUMMARY_STATS)[number];

function quantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Summaries of one parameter's S draws (stride `stride` from `offset`); `period` for angles. */
export function summarise(
  draws: ArrayLike<number>,
  offset: number,
  S: number,
  stride: number,
  period?: number,
): Record<SummaryStat, number> {
  const v = new Float64Array(S);
  for (let k = 0; k < S; k++) v[k] = draws[offset + k * stride];
  let centre = 0;
  if (period !== undefined) {
    const w = (2 * Math.PI) / period;
    let c = 0,
      s = 0;
    for (const a of v) {
      c += Math.cos(a * w);
      s += Math.sin(a * w);
    }
    centre = Math.atan2(s, c) / w;
    for (let k = 0; k < S; k++) {
      let d = (v[k] - centre) % period;
      if (d >= period / 2) d -= period;
      if (d < -period / 2) d += period;
      v[k] = centre + d;
    }
  }
  let mean = 0;
  for (const a of v) mean += a;
  mean /= S;
  let varSum = 0;
  for (const a of v) varSum += (a - mean) ** 2;
  v.sort();
  const wrap = (a: number) => (period === undefined ? a : ((a % period) + period) % period);
  return {
    mean: wrap(mean),
    median: wrap(quantile(v, 0.5)),
    std: Math.sqrt(varSum / Math.max(1, S - 1)),
    'p2.5': wrap(quantile(v, 0.025)),
    p16: wrap(quantile(v, 0.16)),
    p84: wrap(quantile(v, 0.84)),
    'p97.5': wrap(quantile(v, 0.975)),
  };
}

/** One row per galaxy: `<param>_<stat>` columns for every parameter (and `id`). */
export function summaryRows(
  space: ParamSpace,
  draws: Float64Array,
  n: number,
  S: number,
  ids?: readonly string[],
): Record<string, string | number>[] {
  const D = space.dim;
  const periods = space.periods();
  const rows: Record<string, string | number>[] = [];
  for (let g = 0; g < n; g++) {
    const row: Record<string, string | number> = { id: ids?.[g] ?? String(g) };
    for (let j = 0; j < D; j++) {
      const s = summarise(draws, g * S * D + j, S, D, periods[j]);
      for (const k of SUMMARY_STATS) row[`${space.names[j]}_${k}`] = s[k];
    }
    rows.push(row);
  }
  return rows;
}
