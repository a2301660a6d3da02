import type { PlacedLight } from '../context.js';
import type { NegativeKindDraw } from './types.js';

/**
 * Tidal features of an early-type galaxy: faint streams (thin elongated light offset from the centre) or a broad
 * shell, in the galaxy's own (red) colours, 2-5 mag fainter than it.
 */
export const tidal: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const lights: PlacedLight[] = [ctx.place(galaxy, cx, cy, 'deflector')];
  const n = rng.int(1, 3);
  for (let k = 0; k < n; k++) {
    const dmag = rng.uniform(2, 5);
    if (rng.next() < 0.5) {
      const p = ctx.around(cx, cy, rng.uniform(1, 3), rng);
      const shape = ctx.sersic(
        rng.uniform(0.8, 2.5),
        rng.uniform(0.5, 1),
        rng.uniform(0.08, 0.25),
        p.a + Math.PI / 2 + rng.normal(0, 0.4),
        p.x,
        p.y,
      );
      lights.push({ shape, flux: ctx.flux(galaxy.mags, dmag), lensed: false, role: 'feature' });
    } else {
      const R = rng.uniform(2, 4.5); // shells lie farther out than galaxy-scale Einstein radii
      const shape = ctx.ring(R, R * rng.uniform(0.1, 0.25), galaxy.phi, Math.max(0.5, galaxy.q), cx, cy);
      lights.push({ shape, flux: ctx.flux(galaxy.mags, dmag), lensed: false, role: 'feature' });
    }
  }
  return { lights };
};
