import type { NegativeKindDraw } from './types.js';

/** A close pair of red galaxies with a faint tidal tail along the line joining them. */
export const merger: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const p = ctx.around(cx, cy, rng.uniform(0.5, 2.5), rng);
  const second = ctx.pop.near(galaxy, rng.uniform(0, 1.5), true, rng);
  const tail = ctx.sersic(
    rng.uniform(0.8, 2),
    1,
    rng.uniform(0.15, 0.35),
    p.a + rng.normal(0, 0.3),
    (cx + p.x) / 2,
    (cy + p.y) / 2,
  );
  return {
    lights: [
      ctx.place(galaxy, cx, cy, 'deflector'),
      ctx.place(second, p.x, p.y, 'feature'),
      { shape: tail, flux: ctx.flux(second.mags, rng.uniform(1, 2.5)), lensed: false, role: 'feature' },
    ],
  };
};
