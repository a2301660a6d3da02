/**
 * The `lensfind inject` configuration (configs/inject/*.yaml): which survey's bands, zero points, pixel scale and
 * PSF describe the cutouts, how many cutouts get a lens, how the deflector is measured, and the simulator's scene
 * (population, shear, source offset, clumps, detectability) the lenses are drawn from. One zod schema, strict.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { resolveConfig, userLayers, type ConfigSources } from '../config/load.js';
import { listPresets, packageConfigDir, presetLayers } from '../config/presets.js';
import { isFractions, outputSchema, splitsSchema } from '../sim/config.js';
import { sceneSchema } from '../sim/scene/schema.js';
import { loadSurvey } from '../sim/survey.js';

const perBand = () => z.array(z.number().positive()).min(1).optional();

export const injectConfigSchema = z
  .strictObject({
    /** The cutouts to inject into: any layout `--data` reads. */
    cutouts: z.string().min(1).optional(),
    /** Reader format of `cutouts` and `contaminants` (default: detected). */
    format: z.enum(['lensfind', 'deeplense', 'png-csv', 'fits', 'stack']).optional(),
    /** Labels file when `cutouts` is an .npy/.npz stack. */
    labels: z.string().optional(),
    /** Hard negatives: every cutout here becomes a non-lens (label 0), never injected into. */
    contaminants: z.string().min(1).optional(),
    /** A CSV with theta_E (arcsec) per deflector, matched by `id` or by file name (file, filename, path). */
    catalog: z.string().min(1).optional(),
    /** A survey preset name (configs/surveys/NAME.yaml) or a survey YAML: filters, zero points, depth, seeing. */
    survey: z.string().min(1).default('lsst'),
    /** The cutouts' bands, in their order (default: the survey's default_bands). */
    bands: z.array(z.string().min(1)).min(1).optional(),
    /** Arcsec per pixel of the cutouts (default: the survey's). */
    pixel_scale: z.number().positive().optional(),
    /**
     * Per band, the magnitude of a source whose pixels sum to 1 in the cutouts' units (default: the survey's zero
     * points, i.e. cutouts in e-/s like the simulator's).
     */
    zero_points: z.array(z.number()).min(1).optional(),
    /**
     * Per band, electrons per cutout unit (per pixel value), for the arcs' Poisson noise. Default: the survey band's
     * total exposure time times 10^(0.4 (survey zero point - zero point)).
     */
    gain: perBand(),
    /** The PSF per band: FITS images (at the cutouts' pixel scale), or Gaussian FWHMs (arcsec); default the survey's. */
    psf: z
      .strictObject({
        fwhm: perBand(),
        files: z.array(z.string().min(1)).min(1).optional(),
      })
      .refine((p) => !(p.fwhm && p.files), { message: 'give psf.fwhm or psf.files, not both' })
      .prefault({}),
    /** Exactly this many cutouts get a lens (spread over the splits in proportion); else `fraction` of them. */
    n: z.number().int().min(0).optional(),
    /** The fraction of the (label 0) cutouts of every split that get a lens (default 0.5). */
    fraction: z.number().min(0).max(1).optional(),
    seed: z.number().int().min(0).default(0),
    /** Fractions for the cutouts that have no split of their own (an input's split is kept). */
    splits: splitsSchema
      .refine(isFractions, { message: 'expected fractions summing to 1' })
      .default({ train: 0.8, val: 0.1, test: 0.1 }),
    /** How the deflector (the galaxy nearest the cutout centre) is measured and its Einstein radius chosen. */
    deflector: z
      .strictObject({
        /** Arcsec from the cutout centre where the deflector's peak is looked for. */
        search_radius: z.number().positive().default(1),
        /** Detection threshold (sigma of the smoothed image) of the deflector's pixels. */
        detect_sigma: z.number().positive().default(3),
        /** Sérsic index of the profile fitted for the total magnitude and size. */
        n_sersic: z.number().min(0.3).max(8).default(4),
        /** Band of the measured magnitude matched to the population (default scene.reference_band, else the reddest). */
        reference_band: z.string().optional(),
        /** Lens pairs are drawn until the deflector's magnitude is this close to the measured one. */
        mag_tolerance: z.number().positive().default(0.3),
        /** Pairs drawn at most per attempt; then the closest is kept. */
        max_draws: z.number().int().min(1).default(5000),
      })
      .prefault({}),
    /** The simulator's scene: population, lens (shear, scatter of q and angle), source (offset, clumps), detectability. */
    scene: sceneSchema.prefault({}),
    output: outputSchema.prefault({}),
    /** Worker threads measuring and injecting (0 or 1: the main thread). The bytes do not depend on it. */
    workers: z
      .number()
      .int()
      .min(0)
      .default(() => availableParallelism()),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.n !== undefined && cfg.fraction !== undefined)
      ctx.addIssue({ code: 'custom', path: ['n'], message: 'give n or fraction, not both' });
  });

export type InjectConfig = z.output<typeof injectConfigSchema>;
export type InjectConfigInput = z.input<typeof injectConfigSchema>;

/** configs/inject/ of this package. */
export const INJECT_PRESET_DIR = packageConfigDir('inject');

export function listInjectPresets(): string[] {
  return listPresets(INJECT_PRESET_DIR);
}

export interface LoadInjectConfigOptions extends ConfigSources {
  /** configs/inject/NAME.yaml under the rest. */
  preset?: string;
}

/** preset < YAML file < --set < flags, validated by one schema; the survey and its bands are checked. */
export function loadInjectConfig(opts: LoadInjectConfigOptions): InjectConfig {
  const layers = [...presetLayers(INJECT_PRESET_DIR, opts.preset), ...userLayers(opts)];
  const cfg = resolveConfig(injectConfigSchema, layers);
  checkBands(cfg);
  return cfg;
}

/** The survey exists, has the bands, and every per-band list has one value per band. */
export function checkBands(cfg: InjectConfig): string[] {
  const survey = loadSurvey(cfg.survey);
  const bands = cfg.bands ?? survey.default_bands;
  const missing = bands.filter((b) => !(b in survey.bands));
  if (missing.length > 0)
    throw new ConfigError(
      `bands: survey ${survey.name} has no band ${missing.map((b) => `'${b}'`).join(', ')} (bands: ${Object.keys(survey.bands).join(', ')})`,
      'bands',
    );
  const lists: [string, readonly unknown[] | undefined][] = [
    ['zero_points', cfg.zero_points],
    ['gain', cfg.gain],
    ['psf.fwhm', cfg.psf.fwhm],
    ['psf.files', cfg.psf.files],
  ];
  for (const [key, list] of lists) {
    if (list && list.length !== bands.length)
      throw new ConfigError(
        `${key}: ${list.length} values for ${bands.length} bands (${bands.join(', ')}): give one per band`,
        key,
      );
  }
  const ref = cfg.deflector.reference_band;
  if (ref !== undefined && !bands.includes(ref))
    throw new ConfigError(
      `deflector.reference_band: '${ref}' is not one of the bands (${bands.join(', ')})`,
      'deflector.reference_band',
    );
  return bands;
}
