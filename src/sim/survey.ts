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
  /**
   * A survey this one starts from (a preset name, or a YAML path relative to this file): its values, with this
   * file's on top (bands merge key by key; each `conditions` entry, a distribution, replaces the base's).
   */
  extends: z.string().min(1).optional(),
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

/** Loaded surveys by file, with the state (path, mtime, size) of every file they were read from. */
const cache = new Map<string, { survey: Survey; files: string[]; state: string }>();

const fileState = (files: readonly string[]): string =>
  files
    .map((f) => {
      const st = statSync(f, { throwIfNoEntry: false });
      return `${f}|${st?.mtimeMs}|${st?.size}`;
    })
    .join(';');

/** The file of a preset name or a path (`from`: the folder a relative path is taken from). */
function surveyFile(nameOrPath: string, from?: string): string {
  const isPath = /[/\\]|\.ya?ml$/i.test(nameOrPath);
  return isPath
    ? path.resolve(from ?? '.', nameOrPath)
    : path.join(surveysDir(), `${nameOrPath.toLowerCase()}.yaml`);
}

/**
 * A survey as the first layer under one that extends it: every band's filter made explicit (an inherited band keeps
 * its base's filter curve, not `<new name>-<band>`), no `extends`, and without the conditions the extending file
 * sets (a distribution replaces, it does not merge).
 */
function baseLayer(base: Survey, over: Record<string, unknown>): Record<string, unknown> {
  const { extends: _omit, ...rest } = base;
  const bands = Object.fromEntries(
    Object.entries(base.bands).map(([b, band]) => [
      b,
      { ...band, filter: band.filter ?? `${base.name}-${b}` },
    ]),
  );
  const overConditions = (over.conditions ?? {}) as Record<string, unknown>;
  const conditions = Object.fromEntries(
    Object.entries(base.conditions).filter(([k]) => !(k in overConditions)),
  );
  return { ...rest, bands, conditions };
}

/** A preset by name (lsst, des, hsc, euclid) or a YAML path; validated, cached. */
export function loadSurvey(nameOrPath: string, chain: readonly string[] = []): Survey {
  const file = surveyFile(nameOrPath, chain.length ? path.dirname(chain[chain.length - 1]) : undefined);
  if (!existsSync(file)) {
    throw new ConfigError(
      chain.length
        ? `${chain[chain.length - 1]}: extends '${nameOrPath}': no file ${file}`
        : `unknown survey '${nameOrPath}': no file ${file} (presets: lsst, des, hsc, euclid, or give a YAML path)`,
      chain.length ? 'extends' : 'survey',
      chain.length ? chain[chain.length - 1] : nameOrPath,
    );
  }
  if (chain.includes(file))
    throw new ConfigError(
      `${chain[chain.length - 1]}: extends forms a cycle: ${[...chain, file].join(' -> ')}`,
      'extends',
      file,
    );
  // an edited YAML, or an edited survey it extends, is read again
  const hit = cache.get(file);
  if (hit && fileState(hit.files) === hit.state) return hit.survey;
  const value = readYamlFile(file);
  const layers = [{ source: file, value }];
  const files = [file];
  if (value.extends !== undefined) {
    if (typeof value.extends !== 'string' || !value.extends)
      throw new ConfigError(`${file}: extends: expected a survey name or a YAML path`, 'extends', file);
    const baseFile = surveyFile(value.extends, path.dirname(file));
    const base = loadSurvey(value.extends, [...chain, file]);
    layers.unshift({ source: baseFile, value: baseLayer(base, value) });
    files.push(...(cache.get(baseFile)?.files ?? [baseFile]));
  }
  const state = fileState(files);
  const survey = resolveConfig(surveySchema, layers);
  for (const b of survey.default_bands) {
    if (!(b in survey.bands))
      throw new ConfigError(
        `${file}: default_bands lists '${b}', which is not in bands`,
        'default_bands',
        file,
      );
  }
  if (cache.size > 64) cache.clear();
  cache.set(file, { survey, files, state });
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
