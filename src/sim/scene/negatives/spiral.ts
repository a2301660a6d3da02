import type { LightComponent } from '../../light/index.js';
import { phiQToEllipticity } from '../../ellipticity.js';
import type { NegativeKindDraw } from './types.js';

const RAD = Math.PI / 180;

/** A spiral galaxy in place of the central one: blue logarithmic arms on an exponential disc, and a red bulge. */
export const spiral: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const q = rng.uniform(0.45, 1);
  const phi = rng.uniform(0, Math.PI);
  const { e1, e2 } = phiQToEllipticity(phi, q);
  const mag = galaxy.refMag + rng.uniform(-0.5, 0.5);
  const disc = ctx.pop.blue(mag, rng, galaxy.z);
  const shape: LightComponent = {
    type: 'SPIRAL',
    flux: 1,
    h: rng.uniform(0.4, 1.4),
    arms: rng.choice([2, 2, 3, 4]),
    pitch: rng.uniform(10, 30) * RAD,
    amplitude: rng.uniform(0.5, 0.95),
    phase: rng.uniform(0, 2 * Math.PI),
    e1,
    e2,
    center_x: cx,
    center_y: cy,
  };
  const bulge = ctx.sersic(rng.uniform(0.15, 0.5), rng.uniform(2, 4), rng.uniform(0.7, 1), phi, cx, cy);
  return {
    lights: [
      { shape, flux: ctx.flux(disc.mags), lensed: false, role: 'feature' },
      {
        shape: bulge,
        flux: ctx.flux(galaxy.mags, mag - galaxy.refMag + rng.uniform(0.5, 2)),
        lensed: false,
        role: 'deflector',
      },
    ],
    q,
    mag,
  };
};
