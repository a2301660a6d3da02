/**
 * The field every cutout has, lens or not, drawn the same way for both so that neighbours carry no information
 * about the label: line-of-sight galaxies from the number counts over the cutout and a margin around it (so that
 * some are cut off by the edges), satellites of the central galaxy, and stars from star counts.
 */
import { cumulativeCounts, drawCountsMag, type GalaxyModel } from '../population/galaxies.js';
import { sampleDistribution, type Rng } from '../rng.js';
import type { PlacedLight, PointLight, SceneContext } from './context.js';
import type { Galaxy } from './population.js';

export interface Field {
  lights: PlacedLight[];
  points: PointLight[];
  /** Objects whose centre lies inside the cutout: n_field, n_satellites, n_stars, n_neighbours (all three). */
  meta: Record<string, number>;
}

const ARCMIN2 = 3600;
/** Arcsec beyond the edges where faint field galaxies are placed (their visible light reaches no farther). */
const FAINT_MARGIN = 0.5;

/** The counts of a cutout without neighbours, recorded as zeros (not left out) so every manifest has the columns. */
export function noNeighbours(): Record<'n_field' | 'n_satellites' | 'n_stars' | 'n_neighbours', number> {
  return { n_field: 0, n_satellites: 0, n_stars: 0, n_neighbours: 0 };
}

/**
 * Draws the field of a cutout of `side` arcsec whose central galaxy is `central` at (cx, cy). `galaxies` is the
 * line-of-sight galaxy model (population.counts and its relations).
 */
export function drawField(
  ctx: SceneContext,
  galaxies: GalaxyModel,
  central: { galaxy: Galaxy; cx: number; cy: number },
  side: number,
  rng: Rng,
): Field {
  const f = ctx.cfg.field;
  const st = ctx.cfg.stars;
  const lights: PlacedLight[] = [];
  const points: PointLight[] = [];
  const half = side / 2;
  const inside = (x: number, y: number) => Math.abs(x) <= half && Math.abs(y) <= half;
  const meta = noNeighbours();
  if (f.enabled) {
    const [lo, hi] = f.mag_range;
    // two independent Poisson processes: all magnitudes near the cutout, bright ones out to the full margin
    const near = side + 2 * Math.min(f.margin, FAINT_MARGIN);
    const far = side + 2 * f.margin;
    const cut = Math.min(hi, Math.max(lo, f.margin_mag));
    const place = (box: number, hole: number, mlo: number, mhi: number) => {
      const n = rng.poisson((galaxies.density(mlo, mhi) * (box * box - hole * hole)) / ARCMIN2);
      for (let k = 0; k < n; k++) {
        let x: number, y: number;
        do {
          x = rng.uniform(-box / 2, box / 2);
          y = rng.uniform(-box / 2, box / 2);
        } while (Math.abs(x) < hole / 2 && Math.abs(y) < hole / 2);
        lights.push(ctx.place(galaxies.draw(galaxies.drawMag(mlo, mhi, rng), rng), x, y, 'field'));
        if (inside(x, y)) meta.n_field++;
      }
    };
    place(near, 0, lo, hi);
    if (far > near && cut > lo) place(far, near, lo, cut);
    const s = f.satellites;
    const ns = s.mean > 0 ? rng.poisson(s.mean) : 0;
    const rMax = Math.max(s.r_min * 1.01, Math.SQRT2 * half);
    // projected density ∝ R^slope: R^(slope + 2) uniform between the bounds
    const e = s.slope + 2;
    for (let k = 0; k < ns; k++) {
      const u = rng.next();
      const r = Math.pow(Math.pow(s.r_min, e) + u * (Math.pow(rMax, e) - Math.pow(s.r_min, e)), 1 / e);
      const p = ctx.around(central.cx, central.cy, r, rng);
      const dmag = Math.max(0, sampleDistribution(s.dmag, rng));
      lights.push(
        ctx.place(ctx.pop.near(central.galaxy, dmag, rng.next() < s.red_fraction, rng), p.x, p.y, 'field'),
      );
      if (inside(p.x, p.y)) meta.n_satellites++;
    }
  }
  if (st.enabled) {
    const box = side + 2 * f.margin;
    const [lo, hi] = st.mag_range;
    const lat = Math.max(20, Math.abs(st.galactic_latitude)) * (Math.PI / 180);
    const perArcmin2 = (cumulativeCounts(st, hi) - cumulativeCounts(st, lo)) / Math.sin(lat);
    const n = rng.poisson((perArcmin2 * box * box) / ARCMIN2);
    for (let k = 0; k < n; k++) {
      const x = rng.uniform(-box / 2, box / 2),
        y = rng.uniform(-box / 2, box / 2);
      points.push(ctx.star(drawCountsMag(st.slope, lo, hi, rng), x, y, rng));
      if (inside(x, y)) meta.n_stars++;
    }
  }
  meta.n_neighbours = meta.n_field + meta.n_satellites + meta.n_stars;
  return { lights, points, meta };
}
