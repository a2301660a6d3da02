/**
 * The lensed source: a Sérsic galaxy placed within max_offset Einstein radii of the lens centre (r ∝
 * u^(1/offset_power): uniformly in area by default), and with probability clumps.probability a few star-forming
 * clumps about it, lensed with it.
 */
import { sampleDistribution, type Rng } from '../rng.js';
import type { PlacedLight, SceneContext } from './context.js';
import type { Galaxy } from './population.js';

export interface LensedSource {
  /** The source, then its clumps. */
  lights: PlacedLight[];
  x: number;
  y: number;
  /** Distance from the lens centre in Einstein radii. */
  offset: number;
  clumps: number;
}

/** Places `source` behind a lens at (cx, cy) of Einstein radius thetaE, with its clumps. */
export function drawSource(
  ctx: SceneContext,
  source: Galaxy,
  thetaE: number,
  cx: number,
  cy: number,
  rng: Rng,
): LensedSource {
  const c = ctx.cfg.source;
  const r = c.max_offset * thetaE * Math.pow(rng.next(), 1 / c.offset_power);
  const ang = rng.uniform(0, 2 * Math.PI);
  const sx = cx + r * Math.cos(ang),
    sy = cy + r * Math.sin(ang);
  const src = ctx.place(source, sx, sy, 'source', true);
  const lights = [src];
  const cl = c.clumps;
  let clumps = 0;
  if (rng.next() < cl.probability) {
    clumps = Math.max(0, Math.round(sampleDistribution(cl.count, rng)));
    for (let k = 0; k < clumps; k++) {
      const rr = 1.2 * source.R * Math.sqrt(rng.next()),
        aa = rng.uniform(0, 2 * Math.PI);
      const frac = Math.max(0, sampleDistribution(cl.flux_fraction, rng));
      const R = Math.max(0.005, sampleDistribution(cl.R_sersic, rng));
      const shape = ctx.sersic(
        R,
        0.5,
        rng.uniform(0.6, 1),
        rng.uniform(0, Math.PI),
        sx + rr * Math.cos(aa),
        sy + rr * Math.sin(aa),
      );
      lights.push({ shape, flux: src.flux.map((f) => f * frac), lensed: true, role: 'clump' });
    }
  }
  return { lights, x: sx, y: sy, offset: r / thetaE, clumps };
}
