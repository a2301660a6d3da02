/**
 * The deflector's mass: an SIE whose axis ratio and angle follow the deflector's light (with the scene's scatter),
 * and an external shear of uniform angle.
 */
import { phiQToEllipticity } from '../ellipticity.js';
import type { MassComponent } from '../lens/index.js';
import { sampleDistribution, type Rng } from '../rng.js';
import type { Galaxy } from './population.js';
import type { SceneConfig } from './schema.js';

const RAD = Math.PI / 180;

/** The mass model and its parameters, in lenstronomy's names (shear angle in degrees, in [0, 180)). */
export interface LensMass {
  mass: MassComponent[];
  q: number;
  e1: number;
  e2: number;
  gamma: number;
  gamma1: number;
  gamma2: number;
  shear_angle_deg: number;
}

/** Draws the SIE + shear of a deflector `defl` at (cx, cy) with Einstein radius thetaE. */
export function drawLensMass(
  c: SceneConfig,
  defl: Galaxy,
  thetaE: number,
  cx: number,
  cy: number,
  rng: Rng,
): LensMass {
  const scatter = c.lens.q_scatter > 0 ? rng.normal(0, c.lens.q_scatter) : 0;
  const q = Math.min(1, Math.max(c.lens.q_min, defl.q + scatter));
  const phi = defl.phi + rng.normal(0, c.lens.angle_scatter_deg) * RAD;
  const { e1, e2 } = phiQToEllipticity(phi, q);
  const gamma = Math.max(0, sampleDistribution(c.lens.gamma, rng));
  const gphi = rng.uniform(0, Math.PI);
  const gamma1 = gamma * Math.cos(2 * gphi);
  const gamma2 = gamma * Math.sin(2 * gphi);
  const mass: MassComponent[] = [
    { type: 'SIE', theta_E: thetaE, e1, e2, center_x: cx, center_y: cy },
    { type: 'SHEAR', gamma1, gamma2 },
  ];
  return { mass, q, e1, e2, gamma, gamma1, gamma2, shear_angle_deg: gphi / RAD };
}
