/**
 * Galaxies rendered on the fly: item `index` of stream `stream` draws its parameters from the prior and its noise
 * from `Rng.forItem(seed, index, stream)` alone, so the same seed gives the same bytes whatever the number of
 * workers or the batch size. Stream 0 is training, 1 the fixed validation set, 2 `sersic check`'s held-out set,
 * 3 bench/sersic.ts's galaxies, 4 `sersic calibrate`'s.
 * Images are normalised as asinh(x / sigma) per band (sigma: the band's empty-pixel noise), which keeps galaxies
 * from magnitude 15 to 28 within a few units; predict applies the same to a user's cutouts.
 */
import { loadSurvey } from '../sim/survey.js';
import { Rng } from '../sim/rng.js';
import { ParamSpace } from './params.js';
import { SersicRenderer } from './render.js';
import type { SersicConfig } from './config.js';

export const STREAM = { train: 0, val: 1, check: 2, bench: 3, calibrate: 4 } as const;

/** What a data worker needs to rebuild the renderer (plain data: it crosses to worker threads). */
export type SimSettings = Pick<
  SersicConfig,
  'survey' | 'bands' | 'image_size' | 'priors' | 'supersampling' | 'psf' | 'noise' | 'seed'
>;

export interface SimBatch {
  /** Normalised images [count, bands, size, size]. */
  x: Float32Array;
  /** Physical parameters [count, D]. */
  theta: Float64Array;
}

export function makeSpace(s: Pick<SimSettings, 'priors' | 'bands'>): ParamSpace {
  return new ParamSpace(s.priors, s.bands);
}

export function makeRenderer(s: SimSettings, space = makeSpace(s)): SersicRenderer {
  return new SersicRenderer(
    loadSurvey(s.survey),
    { size: s.image_size, bands: s.bands, supersampling: s.supersampling, psf: s.psf, noise: s.noise },
    space,
  );
}

/** asinh(x / sigma_band) in place over [n, bands, H, W]. */
export function normalizeImages(x: Float32Array, sigmas: readonly number[], pixels: number): Float32Array {
  const B = sigmas.length;
  for (let i = 0; i < x.length; i++) x[i] = Math.asinh(x[i] / sigmas[Math.floor(i / pixels) % B]);
  return x;
}

/** Renders items start..start+count-1 of a stream. */
export function simulateBatch(
  renderer: SersicRenderer,
  seed: number,
  stream: number,
  start: number,
  count: number,
): SimBatch {
  const { space } = renderer;
  const D = space.dim;
  const P = renderer.size * renderer.size;
  const per = renderer.bands.length * P;
  const x = new Float32Array(count * per);
  const theta = new Float64Array(count * D);
  for (let i = 0; i < count; i++) {
    const rng = Rng.forItem(seed, start + i, stream);
    space.samplePrior(rng, theta, i * D);
    x.set(renderer.render(theta, rng, i * D), i * per);
  }
  normalizeImages(
    x,
    renderer.bands.map((b) => b.sigma),
    P,
  );
  return { x, theta };
}
