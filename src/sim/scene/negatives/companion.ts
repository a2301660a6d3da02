import type { NegativeKindDraw } from './types.js';

/**
 * Blue star-forming companions close to the galaxy, the contaminant lens searches meet most: half of them compact
 * and round at 0.5-2 arcsec (a satellite or a chance alignment), half stretched tangentially at an Einstein radius
 * like an arc, without a counter-image.
 */
export const companion: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const lights = [ctx.place(galaxy, cx, cy, 'deflector')];
  const n = rng.int(1, 4);
  for (let k = 0; k < n; k++) {
    const blue = ctx.pop.blue(ctx.pop.arcMag(rng), rng, galaxy.z);
    const R = Math.min(Math.max(0.05, blue.R), 0.6);
    if (rng.next() < 0.5) {
      const p = ctx.around(cx, cy, rng.uniform(0.5, 2), rng);
      const shape = ctx.sersic(R, blue.n, rng.uniform(0.6, 1), rng.uniform(0, Math.PI), p.x, p.y);
      lights.push({ shape, flux: ctx.flux(blue.mags), lensed: false, role: 'feature' });
    } else {
      const p = ctx.around(cx, cy, ctx.pop.thetaE(rng) * rng.uniform(0.8, 1.3), rng);
      const shape = ctx.sersic(R, rng.uniform(0.5, 1.5), rng.uniform(0.25, 0.8), p.a + Math.PI / 2, p.x, p.y);
      lights.push({ shape, flux: ctx.flux(blue.mags), lensed: false, role: 'feature' });
    }
  }
  return { lights };
};
