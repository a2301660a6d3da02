/** Light profiles: surface brightness (flux / arcsec^2) of one component at points. */
import { LensfindError } from '../../errors.js';
import { phiQToEllipticity } from '../ellipticity.js';
import { sersicAdd, sersicAmpForFlux, type SersicEllipseParams, type SersicParams } from './sersic.js';
import { ringAdd, spiralAdd, type RingParams, type SpiralParams } from './shapes.js';

export type { SersicEllipseParams, SersicParams, RingParams, SpiralParams };
export type LightComponent = SersicEllipseParams | SersicParams | RingParams | SpiralParams;
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
  if (c.type === 'SERSIC_ELLIPSE' || c.type === 'SERSIC') sersicAdd(c, x, y, out, scale);
  else if (c.type === 'RING') ringAdd(c, x, y, out, scale);
  else if (c.type === 'SPIRAL') spiralAdd(c, x, y, out, scale);
  else throw new LensfindError('E_SIM', `unknown light component type '${(c as { type: string }).type}'`);
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
