/**
 * How far the flow is from the exact posterior, in nats. For galaxies drawn from the prior with true parameters z*,
 * the mean of log p(z* | x) − log q(z* | x) estimates the expected KL(exact ‖ flow): the part of the flow's NLL
 * that a perfect network would not pay, and what more training or a larger network can still gain (0 for a flow
 * equal to the exact posterior). log p(z* | x) is the run's likelihood and prior (`sersicLogPosterior`, the MCMC
 * reference's) minus the log evidence that the refinement's importance weights give (refine.ts). Where a galaxy's
 * refinement has few effective draws its evidence is underestimated, and its gap overstated.
 */
import { sersicLogPosterior } from './mcmc.js';
import { flowLogDensity } from './posterior.js';
import type { PosteriorNet } from './model.js';
import type { ParamSpace } from './params.js';
import type { SersicRenderer } from './render.js';

export interface GapSummary {
  galaxies: number;
  /** Mean of log p − log q over the galaxies (nats), and its standard error. */
  meanNats: number;
  stderr: number;
  /** Mean negative log density of z* under the flow and under the exact posterior. */
  flowNll: number;
  exactNll: number;
}

export interface ExactGap extends GapSummary {
  /** The same in bins of SNR [lo, hi). */
  bySnr: (GapSummary & { lo: number; hi: number })[];
}

/**
 * log p(z* | x) − log q(z* | x) per galaxy: `raw` the cutouts in e-/s per pixel (the likelihood's units), `x` the
 * same normalised (the network's input), `truths` physical rows [n, D], `logEvidence` per galaxy.
 */
export function exactGapPerGalaxy(
  net: PosteriorNet,
  space: ParamSpace,
  renderer: SersicRenderer,
  raw: Float32Array,
  x: Float32Array,
  truths: Float64Array,
  logEvidence: Float64Array,
  n: number,
): { gap: Float64Array; flow: Float64Array; exact: Float64Array } {
  const D = space.dim;
  const per = raw.length / n;
  const { z } = space.toZRows(truths, n);
  const flow = flowLogDensity(net, x, z, n, renderer.bands.length);
  const exact = new Float64Array(n);
  const gap = new Float64Array(n);
  for (let g = 0; g < n; g++) {
    const logPost = sersicLogPosterior(renderer, space, raw.subarray(g * per, (g + 1) * per));
    exact[g] = logPost(Float64Array.from(z.subarray(g * D, (g + 1) * D))) - logEvidence[g];
    gap[g] = exact[g] - flow[g];
  }
  return { gap, flow, exact };
}

/** The summary of some galaxies' gaps; NaN figures (null in JSON) for none. */
function summary(gap: number[], flow: number[], exact: number[]): GapSummary {
  const n = gap.length;
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const m = mean(gap);
  const variance = gap.reduce((a, v) => a + (v - m) ** 2, 0) / Math.max(1, n - 1);
  return {
    galaxies: n,
    meanNats: m,
    stderr: n > 1 ? Math.sqrt(variance / n) : NaN,
    flowNll: -mean(flow),
    exactNll: -mean(exact),
  };
}

/** The gap over all galaxies and in SNR bins (edges ascending; a galaxy in [edges[i], edges[i + 1])). */
export function summariseGap(
  r: { gap: Float64Array; flow: Float64Array; exact: Float64Array },
  snr: ArrayLike<number>,
  edges: readonly number[],
): ExactGap {
  const all = Array.from(r.gap.keys());
  const pick = (idx: number[]) =>
    summary(
      idx.map((i) => r.gap[i]),
      idx.map((i) => r.flow[i]),
      idx.map((i) => r.exact[i]),
    );
  return {
    ...pick(all),
    bySnr: edges.slice(0, -1).map((lo, b) => ({
      lo,
      hi: edges[b + 1],
      ...pick(all.filter((i) => snr[i] >= lo && snr[i] < edges[b + 1])),
    })),
  };
}
