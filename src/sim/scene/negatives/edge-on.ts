import type { NegativeKindDraw } from './types.js';

/** An edge-on disc galaxy (axis ratio 0.08-0.25) with a small red bulge, in place of the central one. */
export const edgeOn: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const q = rng.uniform(0.08, 0.25);
  const phi = rng.uniform(0, Math.PI);
  const mag = galaxy.refMag + rng.uniform(-0.5, 0.5);
  // discs: a red galaxy's light reddened and mixed with star formation; a galaxy drawn at the same redshift
  const disc = ctx.pop.near(galaxy, mag - galaxy.refMag, rng.next() < 0.5, rng);
  const bulge = ctx.sersic(rng.uniform(0.15, 0.4), rng.uniform(2, 4), rng.uniform(0.6, 1), phi, cx, cy);
  return {
    lights: [
      {
        shape: ctx.sersic(rng.uniform(0.8, 2.2), rng.uniform(0.8, 1.2), q, phi, cx, cy),
        flux: ctx.flux(disc.mags),
        lensed: false,
        role: 'deflector',
      },
      {
        shape: bulge,
        flux: ctx.flux(galaxy.mags, mag - galaxy.refMag + rng.uniform(0.7, 2)),
        lensed: false,
        role: 'deflector',
      },
    ],
    q,
    mag,
  };
};
