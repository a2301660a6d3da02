/**
 * A quick estimate, before rendering, of how well a lens's arcs stand out from the deflector's light: lensing
 * conserves surface brightness, so an arc is about as bright per arcsec² as its source (less the PSF's blurring
 * across the arc's narrow direction), while the deflector's light at the Einstein radius follows from its Sérsic
 * profile. Their ratio, in the best band, approximates the rendered `arc_contrast` (render.ts) without rendering;
 * it screens lens draws before they are rendered and selects non-lens central galaxies the way the contrast cut
 * selects deflectors, so that the two classes' central galaxies stay alike.
 */
import { sersicAmpForFlux, sersicBn } from '../light/sersic.js';
import { magToCps } from '../noise.js';
import { FWHM_TO_SIGMA } from '../psf.js';
import type { LensDraw } from './population.js';

export function estimatedContrast(
  lens: LensDraw,
  zeroPoints: readonly number[],
  fwhm: readonly number[],
): number {
  const { deflector: d, source: s, thetaE } = lens;
  const bn = sersicBn(d.n);
  // the deflector's surface brightness at theta_E per unit flux (circularised radius)
  const profile = sersicAmpForFlux(1, d.R, d.n) * Math.exp(-bn * (Math.pow(thetaE / d.R, 1 / d.n) - 1));
  let best = 0;
  for (let b = 0; b < zeroPoints.length; b++) {
    const sigma = fwhm[b] * FWHM_TO_SIGMA;
    const arc =
      magToCps(s.mags[b], zeroPoints[b]) / (2 * Math.PI * s.R * Math.sqrt(s.R * s.R + sigma * sigma));
    const lens = magToCps(d.mags[b], zeroPoints[b]) * profile;
    best = Math.max(best, lens > 0 ? arc / lens : Infinity);
  }
  return ESTIMATE_BIAS * best;
}

// the rendered arc_contrast is 1.6 times this estimate, in the median over LSST-preset lenses (the PSF and the
// magnified source's peak make arcs brighter than the plain ratio)
const ESTIMATE_BIAS = 1.6;
