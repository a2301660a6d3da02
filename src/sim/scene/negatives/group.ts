import type { PlacedLight } from '../context.js';
import type { NegativeKindDraw } from './types.js';

/** A compact group: one to three more early-type galaxies of similar brightness within 1.2-5 arcsec. */
export const group: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const lights: PlacedLight[] = [ctx.place(galaxy, cx, cy, 'deflector')];
  const n = rng.int(1, 4);
  for (let k = 0; k < n; k++) {
    const p = ctx.around(cx, cy, rng.uniform(1.2, 5), rng);
    lights.push(
      ctx.place(ctx.pop.near(galaxy, rng.uniform(-0.5, 2), rng.next() < 0.8, rng), p.x, p.y, 'feature'),
    );
  }
  return { lights };
};
