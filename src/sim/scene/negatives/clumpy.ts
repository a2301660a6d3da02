import type { PlacedLight } from '../context.js';
import type { NegativeKindDraw } from './types.js';

/** A clumpy star-forming galaxy in place of the central one: a blue disc with 3-8 compact knots. */
export const clumpy: NegativeKindDraw = (ctx, { galaxy, cx, cy }, rng) => {
  const R = rng.uniform(0.4, 1.2),
    q = rng.uniform(0.4, 1);
  const mag = galaxy.refMag + rng.uniform(0, 1.5);
  const blue = ctx.pop.blue(mag, rng, galaxy.z);
  const discFlux = ctx.flux(blue.mags);
  const lights: PlacedLight[] = [
    {
      shape: ctx.sersic(R, rng.uniform(0.5, 1.5), q, rng.uniform(0, Math.PI), cx, cy),
      flux: discFlux,
      lensed: false,
      role: 'deflector',
    },
  ];
  const n = rng.int(3, 9);
  for (let k = 0; k < n; k++) {
    const rr = 1.5 * R * Math.sqrt(rng.next()),
      aa = rng.uniform(0, 2 * Math.PI);
    const shape = ctx.sersic(
      rng.uniform(0.04, 0.15),
      0.5,
      rng.uniform(0.6, 1),
      rng.uniform(0, Math.PI),
      cx + rr * Math.cos(aa),
      cy + rr * Math.sin(aa),
    );
    const frac = rng.uniform(0.04, 0.15);
    lights.push({ shape, flux: discFlux.map((f) => f * frac), lensed: false, role: 'feature' });
  }
  return { lights, q, mag };
};
