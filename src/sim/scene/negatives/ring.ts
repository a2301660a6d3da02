import type { PlacedLight } from '../context.js';
import type { NegativeKindDraw } from './types.js';

/**
 * A ring galaxy: an outer or resonance ring of star formation around an early-type disc galaxy (Buta & Combes
 * 1996). Such rings lie at several kpc, beyond most Einstein radii of galaxy-scale lenses (2.5-5 arcsec here), and are
 * knotty: H II regions along the ring. A smooth blue ring at the Einstein radius is not drawn here: on the sky it is
 * an Einstein ring, and a training set that labels it a non-lens teaches the wrong thing.
 */
export const ring: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const R = rng.uniform(2.5, 5);
  const phi = rng.uniform(0, Math.PI),
    q = rng.uniform(0.55, 1);
  const shape = ctx.ring(R, R * rng.uniform(0.06, 0.15), phi, q, cx, cy);
  const blue = ctx.pop.near(galaxy, rng.uniform(0.5, 2), false, rng);
  const flux = ctx.flux(blue.mags);
  const lights: PlacedLight[] = [
    ctx.place(galaxy, cx, cy, 'deflector'),
    { shape, flux: flux.map((f) => f * 0.4), lensed: false, role: 'feature' },
  ];
  // the knots: 60% of the ring's light in 5-12 compact clumps on the ellipse
  const n = rng.int(5, 13);
  const c = Math.cos(phi),
    s = Math.sin(phi),
    sq = Math.sqrt(q);
  for (let k = 0; k < n; k++) {
    const t = rng.uniform(0, 2 * Math.PI);
    // a point of the product-average ellipse R^2 = q x'^2 + y'^2 / q at radius R
    const xp = (R / sq) * Math.cos(t),
      yp = R * sq * Math.sin(t);
    const clump = ctx.sersic(
      rng.uniform(0.05, 0.15),
      0.5,
      rng.uniform(0.6, 1),
      rng.uniform(0, Math.PI),
      cx + c * xp - s * yp,
      cy + s * xp + c * yp,
    );
    lights.push({ shape: clump, flux: flux.map((f) => (f * 0.6) / n), lensed: false, role: 'feature' });
  }
  return { lights };
};
