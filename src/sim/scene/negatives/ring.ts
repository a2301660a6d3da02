import type { LightComponent } from '../../light/index.js';
import { phiQToEllipticity } from '../../ellipticity.js';
import type { NegativeKindDraw } from './types.js';

/** A blue star-forming ring around the galaxy at an Einstein-radius-like distance (ring galaxies, resonance rings). */
export const ring: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const Rr = ctx.pop.thetaE(rng) * rng.uniform(0.9, 1.3);
  const { e1, e2 } = phiQToEllipticity(rng.uniform(0, Math.PI), rng.uniform(0.6, 1));
  const shape: LightComponent = {
    type: 'RING',
    flux: 1,
    R_ring: Math.max(0.3, Rr),
    width: Math.max(0.3, Rr) * rng.uniform(0.06, 0.2),
    e1,
    e2,
    center_x: cx,
    center_y: cy,
  };
  const blue = ctx.pop.blue(ctx.pop.arcMag(rng) - rng.uniform(0, 1), rng, galaxy.z);
  return {
    lights: [
      ctx.place(galaxy, cx, cy, 'deflector'),
      { shape, flux: ctx.flux(blue.mags), lensed: false, role: 'feature' },
    ],
  };
};
