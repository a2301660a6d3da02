/**
 * A lens scene: the deflector's light, its mass (deflector.ts: an SIE with external shear whose axis ratio and angle
 * follow the light's, with scatter), and a Sérsic source with star-forming clumps behind it (source.ts).
 */
import type { Rng } from '../rng.js';
import type { Scene, SceneContext } from './context.js';
import { drawLensMass } from './deflector.js';
import type { LensDraw } from './population.js';
import { drawSource } from './source.js';

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
  const { accept, given } = opts;
  const { cx, cy } = given ?? ctx.centre(rng);
  let drawn = given?.lens ?? ctx.pop.lens(rng);
  for (let i = 0; i < MAX_SCREENED && !given && accept && !accept(drawn); i++) drawn = ctx.pop.lens(rng);
  const { deflector: defl, source, thetaE: rawThetaE, sigma } = drawn;
  const thetaE = Math.max(0.05, rawThetaE);
  const { mass, ...m } = drawLensMass(ctx.cfg, defl, thetaE, cx, cy, rng);
  const src = drawSource(ctx, source, thetaE, cx, cy, rng);
  return {
    lights: [ctx.place(defl, cx, cy, 'deflector'), ...src.lights],
    points: [],
    mass,
    central: { galaxy: defl, cx, cy },
    meta: {
      label: 1,
      negative_kind: 'none',
      theta_E: thetaE,
      q: m.q,
      gamma: m.gamma,
      // The lens's orientation, in lenstronomy's parameters: the SIE's e1, e2 and the shear's components and
      // angle (degrees counter-clockwise from +x, in [0, 180)).
      e1: m.e1,
      e2: m.e2,
      gamma1: m.gamma1,
      gamma2: m.gamma2,
      shear_angle_deg: m.shear_angle_deg,
      sigma_v: sigma,
      z_lens: defl.z,
      z_source: source.z,
      source_mag: source.refMag,
      source_R: source.R,
      source_x: src.x,
      source_y: src.y,
      source_offset: src.offset,
      deflector_mag: defl.refMag,
      deflector_R: defl.R,
      n_clumps: src.clumps,
    },
  };
}
