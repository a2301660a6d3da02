/**
 * Draws one scene (lens or non-lens) from the config: light components normalised to unit total flux, each with
 * its e-/s per band and whether it is lensed, plus the mass model and metadata. Pure function of (config, bands,
 * survey zero points, rng).
 */
import { ConfigError } from '../../errors.js';
import { phiQToEllipticity } from '../ellipticity.js';
import type { MassComponent } from '../lens/index.js';
import type { LightComponent } from '../light/index.js';
import { sersicAmpForFlux } from '../light/sersic.js';
import { magToCps } from '../noise.js';
import { sampleDistribution, type Distribution, type Rng } from '../rng.js';
import type { Survey } from '../survey.js';
import { NEGATIVE_KINDS, type NegativeKind, type SceneConfig } from './schema.js';

export interface PlacedLight {
  /** Shape with unit total flux. */
  shape: LightComponent;
  /** e-/s per band, in the order of `bands`. */
  flux: Float64Array;
  lensed: boolean;
  role: 'deflector' | 'source' | 'clump' | 'feature';
}

export interface Scene {
  lights: PlacedLight[];
  mass: MassComponent[];
  meta: Record<string, number | string>;
}

interface GalaxySpec {
  mag: Distribution;
  R_sersic: Distribution;
  n_sersic: Distribution;
  q: Distribution;
  colors: Record<string, Distribution>;
  color_scatter: number;
}

const RAD = Math.PI / 180;

export class SceneDrawer {
  constructor(
    private readonly cfg: SceneConfig,
    private readonly survey: Survey,
    private readonly bands: readonly string[],
  ) {}

  /** e-/s per band for reference-band magnitude `mag` and a colour spec. */
  fluxes(
    mag: number,
    spec: Pick<GalaxySpec, 'colors' | 'color_scatter'>,
    rng: Rng,
    field: string,
  ): Float64Array {
    const out = new Float64Array(this.bands.length);
    this.bands.forEach((b, i) => {
      let color = 0;
      if (b !== this.cfg.reference_band) {
        const c = spec.colors[b];
        if (c === undefined) {
          throw new ConfigError(
            `scene.${field}.colors has no entry for band '${b}' (give mag(${b}) - mag(${this.cfg.reference_band}))`,
            `${field}.colors.${b}`,
          );
        }
        color = sampleDistribution(c, rng) + (spec.color_scatter > 0 ? rng.normal(0, spec.color_scatter) : 0);
      }
      out[i] = magToCps(mag + color, this.survey.bands[b].zero_point);
    });
    return out;
  }

  sersic(R: number, n: number, q: number, phi: number, cx: number, cy: number): LightComponent {
    const { e1, e2 } = phiQToEllipticity(phi, Math.min(1, Math.max(0.05, q)));
    return {
      type: 'SERSIC_ELLIPSE',
      amp: sersicAmpForFlux(1, R, n),
      R_sersic: R,
      n_sersic: n,
      e1,
      e2,
      center_x: cx,
      center_y: cy,
    };
  }

  /** A Sérsic galaxy from a spec (mag offset `dmag`). */
  galaxy(
    spec: GalaxySpec,
    rng: Rng,
    field: string,
    cx: number,
    cy: number,
    role: PlacedLight['role'],
    lensed: boolean,
    dmag = 0,
  ) {
    const mag = sampleDistribution(spec.mag, rng) + dmag;
    const R = Math.max(0.01, sampleDistribution(spec.R_sersic, rng));
    const n = Math.min(8, Math.max(0.3, sampleDistribution(spec.n_sersic, rng)));
    const q = Math.min(1, Math.max(0.05, sampleDistribution(spec.q, rng)));
    const phi = rng.uniform(0, Math.PI);
    const light: PlacedLight = {
      shape: this.sersic(R, n, q, phi, cx, cy),
      flux: this.fluxes(mag, spec, rng, field),
      lensed,
      role,
    };
    return { light, mag, R, n, q, phi };
  }

  deflector(rng: Rng) {
    const d = this.cfg.deflector;
    const cx = rng.normal(0, d.center_sd),
      cy = rng.normal(0, d.center_sd);
    return { ...this.galaxy(d, rng, 'deflector', cx, cy, 'deflector', false), cx, cy };
  }

  lens(rng: Rng): Scene {
    const c = this.cfg;
    const defl = this.deflector(rng);
    const thetaE = Math.max(0.05, sampleDistribution(c.lens.theta_E, rng));
    const qm = Math.min(
      1,
      Math.max(c.lens.q_min, defl.q + (c.lens.q_scatter > 0 ? rng.normal(0, c.lens.q_scatter) : 0)),
    );
    const phim = defl.phi + rng.normal(0, c.lens.angle_scatter_deg) * RAD;
    const { e1, e2 } = phiQToEllipticity(phim, qm);
    const gamma = Math.max(0, sampleDistribution(c.lens.gamma, rng));
    const gphi = rng.uniform(0, Math.PI);
    const mass: MassComponent[] = [
      { type: 'SIE', theta_E: thetaE, e1, e2, center_x: defl.cx, center_y: defl.cy },
      { type: 'SHEAR', gamma1: gamma * Math.cos(2 * gphi), gamma2: gamma * Math.sin(2 * gphi) },
    ];
    const r = c.source.max_offset * thetaE * Math.sqrt(rng.next());
    const ang = rng.uniform(0, 2 * Math.PI);
    const sx = defl.cx + r * Math.cos(ang),
      sy = defl.cy + r * Math.sin(ang);
    const src = this.galaxy(c.source, rng, 'source', sx, sy, 'source', true);
    const lights: PlacedLight[] = [defl.light, src.light];
    const cl = c.source.clumps;
    let nClumps = 0;
    if (rng.next() < cl.probability) {
      nClumps = Math.max(0, Math.round(sampleDistribution(cl.count, rng)));
      for (let k = 0; k < nClumps; k++) {
        const rr = 1.2 * src.R * Math.sqrt(rng.next()),
          aa = rng.uniform(0, 2 * Math.PI);
        const frac = Math.max(0, sampleDistribution(cl.flux_fraction, rng));
        const R = Math.max(0.005, sampleDistribution(cl.R_sersic, rng));
        const shape = this.sersic(
          R,
          0.5,
          rng.uniform(0.6, 1),
          rng.uniform(0, Math.PI),
          sx + rr * Math.cos(aa),
          sy + rr * Math.sin(aa),
        );
        lights.push({ shape, flux: src.light.flux.map((f) => f * frac), lensed: true, role: 'clump' });
      }
    }
    return {
      lights,
      mass,
      meta: {
        label: 1,
        negative_kind: 'none',
        theta_E: thetaE,
        q: qm,
        gamma,
        source_mag: src.mag,
        source_x: sx,
        source_y: sy,
        source_offset: r / thetaE,
        deflector_mag: defl.mag,
        n_clumps: nClumps,
      },
    };
  }

  nonLens(rng: Rng): Scene {
    const neg = this.cfg.negatives;
    const kind = rng.choice(
      NEGATIVE_KINDS,
      NEGATIVE_KINDS.map((k) => neg[k]),
    ) as NegativeKind;
    const c = this.cfg;
    const lights: PlacedLight[] = [];
    const defl = this.deflector(rng);
    const blue = c.source;
    let centralQ = defl.q;
    let centralMag = defl.mag;
    const around = (dist: number) => {
      const a = rng.uniform(0, 2 * Math.PI);
      return { x: defl.cx + dist * Math.cos(a), y: defl.cy + dist * Math.sin(a), a };
    };
    if (kind === 'deflector_only' || kind === 'companion' || kind === 'merger' || kind === 'ring')
      lights.push(defl.light);
    if (kind === 'companion') {
      // compact blue galaxies where arcs would be, stretched tangentially like an arc
      const n = rng.int(1, 4);
      for (let k = 0; k < n; k++) {
        const p = around(sampleDistribution(c.lens.theta_E, rng) * rng.uniform(0.8, 1.3));
        const R = Math.max(0.05, sampleDistribution(blue.R_sersic, rng));
        const shape = this.sersic(
          R,
          rng.uniform(0.5, 1.5),
          rng.uniform(0.25, 0.8),
          p.a + Math.PI / 2,
          p.x,
          p.y,
        );
        const mag = sampleDistribution(blue.mag, rng) - rng.uniform(0, 1.5);
        lights.push({ shape, flux: this.fluxes(mag, blue, rng, 'source'), lensed: false, role: 'feature' });
      }
    } else if (kind === 'merger') {
      const p = around(rng.uniform(0.5, 2.5));
      const second = this.galaxy(
        c.deflector,
        rng,
        'deflector',
        p.x,
        p.y,
        'feature',
        false,
        rng.uniform(0, 1.5),
      );
      lights.push(second.light);
      // faint tidal tail along the line joining the pair
      const tail = this.sersic(
        rng.uniform(0.8, 2),
        1,
        rng.uniform(0.15, 0.35),
        p.a + rng.normal(0, 0.3),
        (defl.cx + p.x) / 2,
        (defl.cy + p.y) / 2,
      );
      lights.push({
        shape: tail,
        flux: this.fluxes(second.mag + rng.uniform(1, 2.5), blue, rng, 'source'),
        lensed: false,
        role: 'feature',
      });
    } else if (kind === 'ring') {
      const Rr = sampleDistribution(c.lens.theta_E, rng);
      const { e1, e2 } = phiQToEllipticity(rng.uniform(0, Math.PI), rng.uniform(0.6, 1));
      const shape: LightComponent = {
        type: 'RING',
        flux: 1,
        R_ring: Rr,
        width: Rr * rng.uniform(0.06, 0.2),
        e1,
        e2,
        center_x: defl.cx,
        center_y: defl.cy,
      };
      const mag = sampleDistribution(blue.mag, rng) - rng.uniform(0.5, 2);
      lights.push({ shape, flux: this.fluxes(mag, blue, rng, 'source'), lensed: false, role: 'feature' });
    } else if (kind === 'spiral') {
      const h = rng.uniform(0.4, 1.4);
      const q = rng.uniform(0.45, 1);
      const phi = rng.uniform(0, Math.PI);
      const { e1, e2 } = phiQToEllipticity(phi, q);
      const mag = defl.mag + rng.uniform(-0.5, 0.5);
      const shape: LightComponent = {
        type: 'SPIRAL',
        flux: 1,
        h,
        arms: rng.choice([2, 2, 3, 4]),
        pitch: rng.uniform(10, 30) * RAD,
        amplitude: rng.uniform(0.5, 0.95),
        phase: rng.uniform(0, 2 * Math.PI),
        e1,
        e2,
        center_x: defl.cx,
        center_y: defl.cy,
      };
      lights.push({ shape, flux: this.fluxes(mag, blue, rng, 'source'), lensed: false, role: 'feature' });
      const bulge = this.sersic(
        rng.uniform(0.15, 0.5),
        rng.uniform(2, 4),
        rng.uniform(0.7, 1),
        phi,
        defl.cx,
        defl.cy,
      );
      lights.push({
        shape: bulge,
        flux: this.fluxes(mag + rng.uniform(0.5, 2), c.deflector, rng, 'deflector'),
        lensed: false,
        role: 'deflector',
      });
      centralQ = q;
      centralMag = mag;
    } else if (kind === 'edge_on') {
      const q = rng.uniform(0.08, 0.25);
      const phi = rng.uniform(0, Math.PI);
      const mag = defl.mag + rng.uniform(-0.5, 0.5);
      const disk = this.sersic(rng.uniform(0.8, 2.2), rng.uniform(0.8, 1.2), q, phi, defl.cx, defl.cy);
      lights.push({
        shape: disk,
        flux: this.fluxes(
          mag,
          { colors: mixColors(c.deflector.colors, blue.colors), color_scatter: 0.15 },
          rng,
          'deflector',
        ),
        lensed: false,
        role: 'deflector',
      });
      const bulge = this.sersic(
        rng.uniform(0.15, 0.4),
        rng.uniform(2, 4),
        rng.uniform(0.6, 1),
        phi,
        defl.cx,
        defl.cy,
      );
      lights.push({
        shape: bulge,
        flux: this.fluxes(mag + rng.uniform(0.7, 2), c.deflector, rng, 'deflector'),
        lensed: false,
        role: 'deflector',
      });
      centralQ = q;
      centralMag = mag;
    } else if (kind === 'clumpy') {
      const R = rng.uniform(0.4, 1.2),
        q = rng.uniform(0.4, 1);
      const mag = defl.mag + rng.uniform(0, 1.5);
      const disk = this.sersic(R, rng.uniform(0.5, 1.5), q, rng.uniform(0, Math.PI), defl.cx, defl.cy);
      const diskFlux = this.fluxes(mag, blue, rng, 'source');
      lights.push({ shape: disk, flux: diskFlux, lensed: false, role: 'deflector' });
      const n = rng.int(3, 9);
      for (let k = 0; k < n; k++) {
        const rr = 1.5 * R * Math.sqrt(rng.next()),
          aa = rng.uniform(0, 2 * Math.PI);
        const shape = this.sersic(
          rng.uniform(0.04, 0.15),
          0.5,
          rng.uniform(0.6, 1),
          rng.uniform(0, Math.PI),
          defl.cx + rr * Math.cos(aa),
          defl.cy + rr * Math.sin(aa),
        );
        const frac = rng.uniform(0.04, 0.15);
        lights.push({ shape, flux: diskFlux.map((f) => f * frac), lensed: false, role: 'feature' });
      }
      centralQ = q;
      centralMag = mag;
    }
    return {
      lights,
      mass: [],
      meta: {
        label: 0,
        negative_kind: kind,
        theta_E: 0,
        q: centralQ,
        gamma: 0,
        source_mag: NaN,
        source_x: NaN,
        source_y: NaN,
        source_offset: NaN,
        deflector_mag: centralMag,
        n_clumps: 0,
      },
    };
  }
}

/** Average of two colour specs (disk galaxies between red ellipticals and blue star-formers). */
function mixColors(
  a: Record<string, Distribution>,
  b: Record<string, Distribution>,
): Record<string, Distribution> {
  const out: Record<string, Distribution> = {};
  for (const k of Object.keys(a)) {
    if (typeof a[k] === 'number' && typeof b[k] === 'number')
      out[k] = ((a[k] as number) + (b[k] as number)) / 2;
    else out[k] = a[k];
  }
  return out;
}
