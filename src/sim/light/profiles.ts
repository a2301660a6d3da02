/**
 * The light profiles by name (lenstronomy's names and parameters where it has them): one file each, all with the same
 * interface, looked up once per component and call (never per point). test/sim/profiles.test.ts checks every entry:
 * its surface brightness integrates to its stated total flux.
 */
import { byName } from '../by-name.js';
import { sersicAdd, sersicTotalFlux, type SersicEllipseParams, type SersicParams } from './sersic.js';
import { ringAdd, spiralAdd, type RingParams, type SpiralParams } from './shapes.js';

export type LightComponent = SersicEllipseParams | SersicParams | RingParams | SpiralParams;
export type LightProfileName = LightComponent['type'];

/** One light profile: its parameters, its surface brightness (flux / arcsec^2) and its total flux. */
export interface LightProfile<P extends LightComponent = LightComponent> {
  /** Parameter names, besides `type`. */
  readonly params: readonly Exclude<keyof P, 'type'>[];
  /** Adds scale * I(x, y) into `out`. */
  add(p: P, x: ArrayLike<number>, y: ArrayLike<number>, out: Float64Array, scale: number): void;
  /** The integral of I over the plane. */
  totalFlux(p: P): number;
}

const SHAPE = ['e1', 'e2', 'center_x', 'center_y'] as const;

export const LIGHT_PROFILES: {
  readonly [K in LightProfileName]: LightProfile<Extract<LightComponent, { type: K }>>;
} = {
  SERSIC_ELLIPSE: {
    params: ['amp', 'R_sersic', 'n_sersic', ...SHAPE],
    add: sersicAdd,
    totalFlux: (p) => sersicTotalFlux(p.amp, p.R_sersic, p.n_sersic),
  },
  SERSIC: {
    params: ['amp', 'R_sersic', 'n_sersic', 'center_x', 'center_y'],
    add: sersicAdd,
    totalFlux: (p) => sersicTotalFlux(p.amp, p.R_sersic, p.n_sersic),
  },
  RING: { params: ['flux', 'R_ring', 'width', ...SHAPE], add: ringAdd, totalFlux: (p) => p.flux },
  SPIRAL: {
    params: ['flux', 'h', 'arms', 'pitch', 'amplitude', 'phase', ...SHAPE],
    add: spiralAdd,
    totalFlux: (p) => p.flux,
  },
};

export const LIGHT_PROFILE_NAMES = Object.keys(LIGHT_PROFILES) as LightProfileName[];

/** The profile of a component; an unknown type's error lists the registered names. */
export function lightProfile<C extends LightComponent>(c: C): LightProfile<C> {
  return byName<unknown>(LIGHT_PROFILES, c.type, 'light component type') as LightProfile<C>;
}
