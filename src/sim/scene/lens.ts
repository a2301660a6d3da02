/**
 * A lens scene: the deflector's light, an SIE with external shear whose axis ratio and angle follow the light's
 * (with scatter), a Sérsic source placed within max_offset Einstein radii (uniformly in area by default), and
 * star-forming clumps.
 */
import { phiQToEllipticity } from '../ellipticity.js';
import type { MassComponent } from '../lens/index.js';
import { sampleDistribution, type Rng } from '../rng.js';
import type { PlacedLight, Scene, SceneContext } from './context.js';
import type { LensDraw } from './population.js';

const RAD = Math.PI / 180;
const MAX_SCREENED = 200;

/**
 * Draws a lens. `accept` screens the population's draws before the scene is built (re-drawn up to 200 times).
 * `given`: the deflector, source and Einstein radius, and the deflector's place, instead of drawing them (injection
 * into real cutouts: src/inject); the rest (mass axis ratio and angle with scatter, shear, source offset, clumps) is
 * drawn as for any lens.
 */
export function drawLens(
  ctx: SceneContext,
  rng: Rng,
  opts: { accept?: (lens: LensDraw) => boolean; given?: { cx: number; cy: number; lens: LensDraw } } = {},
): Scene {
  const c = ctx.cfg;
  const { accept, given } = opts;
  const { cx, cy } = given ?? ctx.centre(rng);
  let drawn = given?.lens ?? ctx.pop.lens(rng);
  for (let i = 0; i < MAX_SCREENED && !given && accept && !accept(drawn); i++) drawn = ctx.pop.lens(rng);
  const { deflector: defl, source, thetaE: rawThetaE, sigma } = drawn;
  const thetaE = Math.max(0.05, rawThetaE);
  const qm = Math.min(
    1,
    Math.max(c.lens.q_min, defl.q + (c.lens.q_scatter > 0 ? rng.normal(0, c.lens.q_scatter) : 0)),
  );
  const phim = defl.phi + rng.normal(0, c.lens.angle_scatter_deg) * RAD;
  const { e1, e2 } = phiQToEllipticity(phim, qm);
  const gamma = Math.max(0, sampleDistribution(c.lens.gamma, rng));
  const gphi = rng.uniform(0, Math.PI);
  const gamma1 = gamma * Math.cos(2 * gphi);
  const gamma2 = gamma * Math.sin(2 * gphi);
  const mass: MassComponent[] = [
    { type: 'SIE', theta_E: thetaE, e1, e2, center_x: cx, center_y: cy },
    { type: 'SHEAR', gamma1, gamma2 },
  ];
  const r = c.source.max_offset * thetaE * Math.pow(rng.next(), 1 / c.source.offset_power);
  const ang = rng.uniform(0, 2 * Math.PI);
  const sx = cx + r * Math.cos(ang),
    sy = cy + r * Math.sin(ang);
  const src = ctx.place(source, sx, sy, 'source', true);
  const lights: PlacedLight[] = [ctx.place(defl, cx, cy, 'deflector'), src];
  const cl = c.source.clumps;
  let nClumps = 0;
  if (rng.next() < cl.probability) {
    nClumps = Math.max(0, Math.round(sampleDistribution(cl.count, rng)));
    for (let k = 0; k < nClumps; k++) {
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
  return {
    lights,
    points: [],
    mass,
    central: { galaxy: defl, cx, cy },
    meta: {
      label: 1,
      negative_kind: 'none',
      theta_E: thetaE,
      q: qm,
      gamma,
      // The lens's orientation, in lenstronomy's parameters: the SIE's e1, e2 and the shear's components and
      // angle (degrees counter-clockwise from +x, in [0, 180)).
      e1,
      e2,
      gamma1,
      gamma2,
      shear_angle_deg: gphi / RAD,
      sigma_v: sigma,
      z_lens: defl.z,
      z_source: source.z,
      source_mag: source.refMag,
      source_R: source.R,
      source_x: sx,
      source_y: sy,
      source_offset: r / thetaE,
      deflector_mag: defl.refMag,
      deflector_R: defl.R,
      n_clumps: nClumps,
    },
  };
}
