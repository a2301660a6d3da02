/**
 * The literature populations' configuration (scene.population, scene.field, scene.stars): every default is a
 * published value, cited where it is set. Distributions use the simulator's spec (rng.ts distributionSchema).
 */
import { z } from 'zod';
import { distributionSchema } from '../rng.js';

const dist = distributionSchema;
const range = (lo: number, hi: number) =>
  z
    .tuple([z.number(), z.number()])
    .refine((r) => r[1] > r[0], { message: 'expected [low, high] with high > low' })
    .default([lo, hi]);

/** Power-law counts N(<m) = density 10^(slope (m - at_mag)) per arcmin^2 in `filter`. */
export const countsSchema = z
  .strictObject({
    /** Filter of the counts (a name of the spectral table: lsst-i, sdss-r, euclid-VIS, ...). */
    filter: z.string().default('lsst-i'),
    // LSST Science Book (2009), section 3.7.2, eq. 3.7: N(<i) = 46 x 10^(0.31 (i - 25)) per arcmin^2, 20.5 < i < 25.5
    density: z.number().positive().default(46),
    at_mag: z.number().default(25),
    slope: z.number().positive().default(0.31),
  })
  .prefault({});

export const populationSchema = z
  .strictObject({
    /**
     * `literature`: deflectors from the velocity-dispersion function, sources from galaxy counts, Einstein radii
     * from the two redshifts (LensPop, Collett 2015); `uniform`: the ranges of scene.deflector, scene.lens and
     * scene.source.
     */
    model: z.enum(['literature', 'uniform']).default('literature'),
    /** Flat ΛCDM (Collett 2015 and LensPop use H0 = 70, Om0 = 0.3). */
    cosmology: z
      .strictObject({ H0: z.number().positive().default(70), Om0: z.number().min(0).max(1).default(0.3) })
      .prefault({}),
    counts: countsSchema,
    /**
     * A training-set choice: reweight the lens pairs so that θ_E is uniform in [low, high] (arcsec), the flat
     * Einstein-radius distribution of HOLISMOKES' mock lenses (Schuldt et al. 2021, A&A 646, A126; Cañameras et al.
     * 2021, A&A 653, L6: 0.75–2.5"). The sky's mix peaks below 1" and holds few of the wide rings that searches
     * find first; conditional on θ_E, every other draw (σ, redshifts, deflector light, source) stays the physical
     * population's. Unset: the sky's θ_E distribution (times sigma_boost).
     */
    theta_E_flat: z
      .tuple([z.number().positive(), z.number().positive()])
      .refine((r) => r[1] > r[0], { message: 'expected [low, high] arcsec with high > low' })
      .optional(),
    /**
     * Redshift of a galaxy of magnitude m in the counts' filter: p(z) ∝ z^2 exp(-z / z0), z0 = z0_slope m +
     * z0_intercept (LSST Science Book 2009, eq. 3.8, fitted to DEEP2; extrapolated beyond i = 25.5).
     */
    redshift: z
      .strictObject({
        z0_slope: z.number().default(0.0417),
        z0_intercept: z.number().default(-0.744),
        z0_min: z.number().positive().default(0.05),
        z_max: z.number().positive().max(4).default(4),
      })
      .prefault({}),
    deflector: z
      .strictObject({
        // Choi, Park & Vogeley (2007, ApJ 658, 884) early-type velocity-dispersion function, as in LensPop
        sigma_star: z.number().positive().default(161),
        alpha: z.number().positive().default(2.32),
        beta: z.number().positive().default(2.67),
        /** km/s; LensPop's floor is 100. */
        sigma_range: range(100, 400),
        z_range: range(0.05, 1.5),
        /**
         * Extra power of σ in the deflectors' weight φ(σ) σ^(4 + sigma_boost): 0 is the lensing cross-section alone
         * (the sky's mix); a training set may raise it so that the rarer wide lenses (θ_E ∝ σ²) are well represented.
         */
        sigma_boost: z.number().min(0).max(8).default(0),
        /** Number density ∝ (1 + z)^evolution (LensPop). */
        evolution: z.number().default(-2.5),
        n_sersic: dist.default({ normal: [4, 0.5], min: 2.5, max: 6 }),
        /**
         * Scatter (mag) of the luminosity at fixed σ about Hyde & Bernardi's (2009) mean relation. SDSS early types
         * have a joint Gaussian in (M, log σ) with σ_M ≈ 0.84 mag and correlation ρ ≈ -0.75 (Bernardi et al. 2003,
         * AJ 125, 1849), so σ(M | σ) = σ_M √(1 - ρ²) ≈ 0.55 mag: wide lenses around modest deflectors exist.
         * LensPop's 0.15 / 2.4 = 0.06 mag made luminosity almost a function of σ.
         */
        mag_scatter: z.number().nonnegative().default(0.5),
        /**
         * The σ that sets the deflector's light (luminosity, size, flattening): `lens`, the lensing σ (LensPop: the
         * light follows the mass); `independent`, a second σ drawn from the same distribution at the same redshift,
         * so θ_E says nothing about the deflector's brightness: a training-set choice, as in the searches that
         * paint arcs with independently drawn θ_E onto real red galaxies (Petrillo et al. 2017, MNRAS 472, 1129;
         * Jacobs et al. 2019, ApJS 243, 17), so that a network learns the arcs rather than the galaxy. Non-lens
         * central galaxies are drawn the same way, so the two classes' centrals stay alike.
         */
        light_sigma: z.enum(['lens', 'independent']).default('lens'),
        /** Scatter (dex) of the Hyde & Bernardi (2009) size at fixed sigma (LensPop). */
        size_scatter: z.number().nonnegative().default(0.11),
      })
      .prefault({}),
    source: z
      .strictObject({
        /** Unlensed magnitudes in the counts' filter. Fainter sources are below LSST's 10-year depth (26.8). */
        mag_range: range(20, 27),
        /**
         * d log10 N / dm of the source magnitudes drawn (per unit cross-section). Unset: the counts' slope, the sky's
         * mix, dominated by faint sources. A training set may flatten it so that bright, obvious arcs, rare on the
         * sky but what searches find first, are well represented.
         */
        mag_slope: z.number().nonnegative().optional(),
        /** Sources at least this far behind the deflector. */
        min_dz: z.number().nonnegative().default(0.1),
        n_sersic: dist.default({ uniform: [0.5, 2] }),
        /** Fraction drawn from the red population (most lensed sources are star-forming). */
        red_fraction: z.number().min(0).max(1).default(0.1),
      })
      .prefault({}),
  })
  .prefault({});

export const fieldSchema = z
  .strictObject({
    /**
     * Line-of-sight galaxies from the counts (population.counts) and the central galaxy's satellites (below), the
     * same for lenses and non-lenses; false leaves the central galaxy alone (stars are scene.stars).
     */
    enabled: z.boolean().default(true),
    /** Magnitudes (counts' filter) of field galaxies drawn: to below the deepest 5σ depth (LSST 10 years: 26.8). */
    mag_range: range(16, 27),
    /**
     * Arcsec beyond the cutout's edges where galaxies brighter than margin_mag are placed too (partly cut-off
     * neighbours); fainter ones within 0.5 arcsec of the edges, the farthest their visible light reaches.
     */
    margin: z.number().nonnegative().default(2),
    margin_mag: z.number().default(24),
    /**
     * Satellites of the central galaxy: a Poisson number with this mean, projected density ∝ R^slope (Nierenberg
     * et al. 2012, ApJ 752, 99: slope -1.1 around massive early types), between r_min (their detection limit near
     * the host was ~0.7"; the profile continues inward) and the cutout's corner.
     */
    satellites: z
      .strictObject({
        mean: z.number().nonnegative().default(1.5),
        slope: z.number().gt(-2).default(-1.1),
        r_min: z.number().positive().default(0.5),
        /** Magnitude below the central (Nierenberg et al. 2012 count satellites to ~5.5 mag fainter). */
        dmag: dist.default({ uniform: [0.5, 5.5] }),
        red_fraction: z.number().min(0).max(1).default(0.5),
      })
      .prefault({}),
  })
  .prefault({});

export const starsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /**
     * Galactic latitude (degrees) of the field: counts scale as 1 / sin|b| (a plane-parallel disc), floored at
     * |b| = 20 degrees.
     */
    galactic_latitude: z.number().min(-90).max(90).default(45),
    // Approximate high-latitude star counts in r: ~0.25 per arcmin^2 to r = 21 at the pole, rising by ~0.12 dex
    // per magnitude (SDSS, Juric et al. 2008, ApJ 673, 864, their Fig. 2; Bahcall & Soneira 1980)
    density: z.number().nonnegative().default(0.25),
    at_mag: z.number().default(21),
    slope: z.number().nonnegative().default(0.12),
    mag_range: range(15, 27),
    /** Fraction of halo turn-off stars (5,500-6,500 K); the rest are disc M dwarfs (3,000-3,700 K) (Juric+08). */
    halo_fraction: z.number().min(0).max(1).default(0.6),
  })
  .prefault({});

export type PopulationConfig = z.output<typeof populationSchema>;
export type FieldConfig = z.output<typeof fieldSchema>;
export type StarsConfig = z.output<typeof starsSchema>;
export type CountsConfig = z.output<typeof countsSchema>;
