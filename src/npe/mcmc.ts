/**
 * The likelihood reference: the exact posterior of one galaxy's parameters under the simulator's forward model,
 * sampled by the affine-invariant ensemble sampler (Goodman & Weare 2010, the stretch move of emcee) in plain
 * TypeScript. It works in the flow's unconstrained z (ParamSpace.toZ), where the prior is logPriorZ, so walkers
 * never leave the bounds. Likelihood: independent Gaussian pixels with the noise the data were drawn with,
 * variance sky + read noise + the model's own Poisson term (m / t_exp), its log-normaliser included.
 */
import { LensfindError } from '../errors.js';
import type { Rng } from '../sim/rng.js';
import type { ParamSpace } from './params.js';
import type { SersicRenderer } from './render.js';

export interface EnsembleOptions {
  walkers: number;
  steps: number;
  /** Steps dropped from the start of every walker. */
  burn: number;
  /** Stretch scale a (emcee's default 2). */
  a?: number;
}

export interface EnsembleResult {
  /** Kept positions [ (steps - burn) * walkers, dim ]. */
  chain: Float64Array;
  acceptance: number;
}

/** Stretch-move ensemble sampling of logProb from the walkers' starting points init [walkers, dim]. */
export function ensembleSample(
  logProb: (x: Float64Array) => number,
  init: Float64Array,
  dim: number,
  rng: Rng,
  opts: EnsembleOptions,
): EnsembleResult {
  const { walkers: W, steps, burn } = opts;
  const a = opts.a ?? 2;
  if (W < 2 * dim)
    throw new LensfindError('E_NPE', `ensembleSample: need at least ${2 * dim} walkers, got ${W}`);
  const pos = Float64Array.from(init);
  const lp = new Float64Array(W);
  for (let w = 0; w < W; w++) lp[w] = logProb(pos.subarray(w * dim, (w + 1) * dim));
  const chain = new Float64Array(Math.max(0, steps - burn) * W * dim);
  const prop = new Float64Array(dim);
  const half = W >> 1;
  let accepted = 0;
  for (let t = 0; t < steps; t++) {
    // two halves, each moved against the other: detailed balance holds for the ensemble
    for (let h = 0; h < 2; h++) {
      const [from, to] = h === 0 ? [0, half] : [half, W];
      const [oFrom, oTo] = h === 0 ? [half, W] : [0, half];
      for (let w = from; w < to; w++) {
        const o = rng.int(oFrom, oTo);
        const zs = ((a - 1) * rng.next() + 1) ** 2 / a;
        for (let j = 0; j < dim; j++) prop[j] = pos[o * dim + j] + zs * (pos[w * dim + j] - pos[o * dim + j]);
        const lpp = logProb(prop);
        if (Math.log(rng.next()) < (dim - 1) * Math.log(zs) + lpp - lp[w]) {
          pos.set(prop, w * dim);
          lp[w] = lpp;
          accepted++;
        }
      }
    }
    if (t >= burn) chain.set(pos, (t - burn) * W * dim);
  }
  return { chain, acceptance: accepted / (steps * W) };
}

/** log p(image | θ(z)) + log prior(z) for a cutout in e-/s per pixel (not normalised). */
export function sersicLogPosterior(
  renderer: SersicRenderer,
  space: ParamSpace,
  image: Float32Array,
): (z: Float64Array) => number {
  const theta = new Float64Array(space.dim);
  const model = new Float64Array(image.length);
  const P = renderer.size * renderer.size;
  return (z) => {
    const lj = space.fromZ(z, theta);
    const lprior = space.logPrior(theta) + lj;
    if (!Number.isFinite(lprior)) return -Infinity;
    renderer.noiseless(theta, 0, model);
    let ll = 0;
    for (let k = 0; k < renderer.bands.length; k++) {
      const b = renderer.bands[k];
      const s2 = b.sigma * b.sigma,
        t = b.noise.exposureTotal;
      for (let i = k * P; i < (k + 1) * P; i++) {
        const v = s2 + Math.max(0, model[i]) / t;
        const r = image[i] - model[i];
        ll -= 0.5 * ((r * r) / v + Math.log(v));
      }
    }
    return ll + lprior;
  };
}
