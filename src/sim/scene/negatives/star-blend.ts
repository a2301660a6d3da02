import type { NegativeKindDraw } from './types.js';

/** One or two foreground stars blended with the galaxy (0.3-2.5 arcsec away), from faint to as bright as it. */
export const starBlend: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const points = [];
  const n = rng.next() < 0.75 ? 1 : 2;
  for (let k = 0; k < n; k++) {
    const p = ctx.around(cx, cy, rng.uniform(0.3, 2.5), rng);
    points.push(ctx.star(galaxy.refMag + rng.uniform(-1, 4), p.x, p.y, rng));
  }
  return { lights: [ctx.place(galaxy, cx, cy, 'deflector')], points };
};
