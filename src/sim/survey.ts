/** Survey presets (configs/surveys/<name>.yaml): pixel scale, read noise and, per band, depth, sky, zero point, PSF. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { readYamlFile, resolveConfig } from '../config/load.js';
import { packageConfigDir } from '../config/presets.js';
import { distributionSchema } from './rng.js';

export const bandSchema = z.strictObject({
  /** Seconds per exposure. */
  exposure_time: z.number().positive(),
  /** Exposures combined in the coadd. */
  num_exposures: z.number().int().positive(),
  /** Sky surface brightness, mag / arcsec^2. */
  sky_brightness: z.number(),
  /** Magnitude giving 1 e-/s. */
  zero_point: z.number(),
  /** PSF FWHM in arcsec. */
  seeing: z.number().positive(),
  psf: z.enum(['gaussian', 'moffat']).default('gaussian'),
  /** Moffat power-law index (used when psf is moffat). */
  moffat_beta: z.number().gt(1).default(3.5),
  /** The band's filter in the spectral table (src/sim/population/sed.ts FILTERS); default `<survey name>-<band>`. */
  filter: z.string().optional(),
});
export type Band = z.infer<typeof bandSchema>;

/**
 * How observing conditions vary from cutout to cutout (one draw per cutout, recorded in the manifest): the depth as
 * a factor on every band's number of exposures, the seeing as a factor on every band's FWHM (one draw for all
 * bands, as the bands of a coadd share their nights) times a small independent factor per band, and an offset of the
 * sky brightness. The defaults keep every cutout at the survey's nominal values.
 */
export const conditionsSchema = z
  .strictObject({
    exposure_scale: distributionSchema.default(1),
    seeing_scale: distributionSchema.default(1),
    /** Standard deviation of ln(FWHM) added independently per band. */
    seeing_band_scatter: z.number().nonnegative().default(0),
    /** mag / arcsec^2 added to every band's sky brightness. */
    sky_offset: distributionSchema.default(0),
  })
  .prefault({});
export type Conditions = z.output<typeof conditionsSchema>;

export const surveySchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  /** Arcsec per pixel. */
  pixel_scale: z.number().positive(),
  /** Read noise per exposure, electrons (rms). */
  read_noise: z.number().nonnegative(),
  /** Electrons per ADU (documentation only: images are in e-/s). */
  ccd_gain: z.number().positive().default(1),
  /** Band order used when a config does not list bands. */
  default_bands: z.array(z.string()).min(1),
  bands: z
    .record(z.string(), bandSchema)
    .refine((b) => Object.keys(b).length > 0, { message: 'at least one band' }),
  conditions: conditionsSchema,
});
export type Survey = z.infer<typeof surveySchema>;

/** configs/surveys of the package. */
export function surveysDir(): string {
  return packageConfigDir('surveys');
}

const cache = new Map<string, Survey>();

/** A preset by name (lsst, des, hsc, euclid) or a YAML path; validated, cached. */
export function loadSurvey(nameOrPath: string): Survey {
  const isPath = /[/\\]|\.ya?ml$/i.test(nameOrPath);
  const file = isPath
    ? path.resolve(nameOrPath)
    : path.join(surveysDir(), `${nameOrPath.toLowerCase()}.yaml`);
  if (!existsSync(file)) {
    throw new ConfigError(
      `unknown survey '${nameOrPath}': no file ${file} (presets: lsst, des, hsc, euclid, or give a YAML path)`,
      'survey',
      nameOrPath,
    );
  }
  // keyed by file state too, so an edited YAML is read again
  const st = statSync(file);
  const key = `${file}|${st.mtimeMs}|${st.size}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const survey = resolveConfig(surveySchema, [{ source: file, value: readYamlFile(file) }]);
  for (const b of survey.default_bands) {
    if (!(b in survey.bands))
      throw new ConfigError(
        `${file}: default_bands lists '${b}', which is not in bands`,
        'default_bands',
        file,
      );
  }
  if (cache.size > 64) cache.clear();
  cache.set(key, survey);
  return survey;
}

/** The band settings, with an error naming the survey's bands if `band` is not one of them. */
export function surveyBand(survey: Survey, band: string): Band {
  const b = survey.bands[band];
  if (!b) {
    throw new ConfigError(
      `survey ${survey.name} has no band '${band}' (bands: ${Object.keys(survey.bands).join(', ')})`,
      'bands',
    );
  }
  return b;
}

/** The band's filter name in the spectral table. */
export function bandFilter(survey: Survey, band: string): string {
  return surveyBand(survey, band).filter ?? `${survey.name}-${band}`;
}
