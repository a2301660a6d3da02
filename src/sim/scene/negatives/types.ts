import type { Rng } from '../../rng.js';
import type { PlacedLight, PointLight, SceneContext } from '../context.js';
import type { Galaxy } from '../population.js';

/** The central galaxy of a non-lens and its place. */
export interface Central {
  galaxy: Galaxy;
  cx: number;
  cy: number;
}

export interface NegativeScene {
  lights: PlacedLight[];
  points?: PointLight[];
  /** The central object's axis ratio and reference magnitude when the kind replaces the galaxy (spiral, ...). */
  q?: number;
  mag?: number;
}

/** One kind of non-lens: the central galaxy's scene with (or instead of) a contaminant. */
export type NegativeKindDraw = (ctx: SceneContext, central: Central, rng: Rng) => NegativeScene;
