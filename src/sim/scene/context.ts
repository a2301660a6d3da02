/**
 * What scene components share: the config, the population, the output bands' zero points, and the helpers that
 * turn a galaxy (magnitudes and a Sérsic shape) into a placed light.
 */
import { phiQToEllipticity } from '../ellipticity.js';
import type { MassComponent } from '../lens/index.js';
import { sersicEllipse, type LightComponent } from '../light/index.js';
import { magToCps } from '../noise.js';
import type { Rng } from '../rng.js';
import { starColor } from '../population/sed.js';
import type { Galaxy, ScenePopulation } from './population.js';
import type { SceneConfig } from './schema.js';

export interface PlacedLight {
  /** Shape with unit total flux. */
  shape: LightComponent;
  /** e-/s per band, in the order of `bands`. */
  flux: Float64Array;
  lensed: boolean;
  /** deflector: the central galaxy; source, clump: lensed; feature: a contaminant; field: line of sight. */
  role: 'deflector' | 'source' | 'clump' | 'feature' | 'field';
}

/** A point source (star): position (arcsec) and e-/s per band. */
export interface PointLight {
  x: number;
  y: number;
  flux: Float64Array;
}

export interface Scene {
  lights: PlacedLight[];
  /** Stars: point sources, rendered through the PSF alone. */
  points: PointLight[];
  mass: MassComponent[];
  /** The central galaxy (the deflector of a lens) and its place: the field's satellites gather around it. */
  central: { galaxy: Galaxy; cx: number; cy: number };
  meta: Record<string, number | string>;
}

export class SceneContext {
  constructor(
    readonly cfg: SceneConfig,
    readonly pop: ScenePopulation,
    readonly zeroPoints: readonly number[],
    /** The output bands' filters (spectral table names), for stars' colours. */
    readonly filters: readonly string[],
    /** The filter of the population's reference magnitudes. */
    readonly refFilter: string,
  ) {}

  /**
   * A star of magnitude `mag` in the reference filter at (x, y): a Planck spectrum of a halo turn-off star
   * (5,500-6,500 K) or a disc M dwarf (3,000-3,700 K), in the proportion of scene.stars.halo_fraction.
   */
  star(mag: number, x: number, y: number, rng: Rng): PointLight {
    const halo = rng.next() < this.cfg.stars.halo_fraction;
    const T = halo ? rng.uniform(5500, 6500) : rng.uniform(3000, 3700);
    const r = mag - starColor(this.refFilter, T);
    return { x, y, flux: this.flux(this.filters.map((f) => r + starColor(f, T))) };
  }

  /** e-/s per band of AB magnitudes per band. */
  flux(mags: ArrayLike<number>, dmag = 0): Float64Array {
    return Float64Array.from(this.zeroPoints, (zp, b) => magToCps(mags[b] + dmag, zp));
  }

  sersic(R: number, n: number, q: number, phi: number, cx: number, cy: number): LightComponent {
    return sersicEllipse(R, n, Math.min(1, Math.max(0.05, q)), phi, cx, cy);
  }

  /** A Gaussian ring of unit flux (light/shapes.ts) of radius R and width, axis ratio q at angle phi, about (cx, cy). */
  ring(R: number, width: number, phi: number, q: number, cx: number, cy: number): LightComponent {
    const { e1, e2 } = phiQToEllipticity(phi, q);
    return { type: 'RING', flux: 1, R_ring: R, width, e1, e2, center_x: cx, center_y: cy };
  }

  /** A galaxy placed at (cx, cy). */
  place(g: Galaxy, cx: number, cy: number, role: PlacedLight['role'], lensed = false): PlacedLight {
    return { shape: this.sersic(g.R, g.n, g.q, g.phi, cx, cy), flux: this.flux(g.mags), lensed, role };
  }

  /** A point at `dist` arcsec from (cx, cy) in a uniform direction, with that direction. */
  around(cx: number, cy: number, dist: number, rng: Rng): { x: number; y: number; a: number } {
    const a = rng.uniform(0, 2 * Math.PI);
    return { x: cx + dist * Math.cos(a), y: cy + dist * Math.sin(a), a };
  }

  /** The central galaxy's offset from the cutout centre. */
  centre(rng: Rng): { cx: number; cy: number } {
    const sd = this.cfg.deflector.center_sd;
    return { cx: rng.normal(0, sd), cy: rng.normal(0, sd) };
  }
}
