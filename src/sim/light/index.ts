/** Light profiles: surface brightness (flux / arcsec^2) of one component at points. */
import { phiQToEllipticity } from '../ellipticity.js';
import { lightProfile, type LightComponent } from './profiles.js';
import { sersicAmpForFlux, type SersicEllipseParams, type SersicParams } from './sersic.js';
import type { RingParams, SpiralParams } from './shapes.js';

export type { SersicEllipseParams, SersicParams, RingParams, SpiralParams, LightComponent };
export { LIGHT_PROFILES, LIGHT_PROFILE_NAMES, lightProfile } from './profiles.js';
export type { LightProfile, LightProfileName } from './profiles.js';
export { sersicBn, sersicTotalFlux, sersicAmpForFlux } from './sersic.js';
export { ringTotal } from './shapes.js';

/**
 * An elliptical Sérsic light of unit total flux: half-light radius R (arcsec), index n, axis ratio q, position angle
 * phi (radians, counter-clockwise from +x), centre (cx, cy) in arcsec.
 */
export function sersicEllipse(
  R: number,
  n: number,
  q: number,
  phi: number,
  cx: number,
  cy: number,
): SersicEllipseParams {
  const { e1, e2 } = phiQToEllipticity(phi, q);
  return {
    type: 'SERSIC_ELLIPSE',
    amp: sersicAmpForFlux(1, R, n),
    R_sersic: R,
    n_sersic: n,
    e1,
    e2,
    center_x: cx,
    center_y: cy,
  };
}

/** Adds scale * I(x, y) of `c` into `out`. */
export function addLight(
  c: LightComponent,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array,
  scale = 1,
): void {
  lightProfile(c).add(c, x, y, out, scale);
}

/** Surface brightness of one light component at the points (x, y). */
export function surfaceBrightness(
  c: LightComponent,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(x.length);
  addLight(c, x, y, out);
  return out;
}
