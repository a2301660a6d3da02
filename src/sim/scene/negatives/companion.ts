import type { NegativeKindDraw } from './types.js';

/** Compact blue galaxies where arcs would be, stretched tangentially like an arc. */
export const companion: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const lights = [ctx.place(galaxy, cx, cy, 'deflector')];
  const n = rng.int(1, 4);
  for (let k = 0; k < n; k++) {
    const p = ctx.around(cx, cy, ctx.pop.thetaE(rng) * rng.uniform(0.8, 1.3), rng);
    const blue = ctx.pop.blue(ctx.pop.arcMag(rng), rng, galaxy.z);
    const R = Math.min(Math.max(0.05, blue.R), 0.6);
    const shape = ctx.sersic(R, rng.uniform(0.5, 1.5), rng.uniform(0.25, 0.8), p.a + Math.PI / 2, p.x, p.y);
    lights.push({ shape, flux: ctx.flux(blue.mags), lensed: false, role: 'feature' });
  }
  return { lights };
};
