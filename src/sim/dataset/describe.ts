import { z } from 'zod';
import { surveyBand, type Survey } from '../survey.js';

/**
 * What a dataset's pixels mean, recorded in its config.yaml (`dataset:`), in every FITS file it writes (BUNIT,
 * FILTER, MAGZERO, WCS) and so readable without the repository's configs/surveys. On input (a config.yaml given
 * back to `lensfind simulate`) it is checked and then recomputed from the survey.
 */
export const datasetDescriptionSchema = z.strictObject({
  /** The survey preset or file the cutouts were rendered for; null for the simple backend. */
  survey: z.string().nullable(),
  /** Arcsec per pixel; null when the cutouts are in pixel units (simple backend). */
  pixel_scale: z.number().positive().nullable(),
  /** Band names in the order of the cutouts' first axis. */
  bands: z.array(z.string()),
  /** Per band, the AB magnitude giving 1 unit of `units` (m = zero_point - 2.5 log10(flux)); null: none. */
  zero_points: z.record(z.string(), z.number()).nullable(),
  /** Pixel units as an astropy unit string; null when unknown (injection keeps the cutouts' own units). */
  units: z.string().nullable(),
  /** Row order of the arrays in .npy files (FITS files are written bottom row first, as FITS requires). */
  row_order: z.literal('top_first'),
});
export type DatasetDescription = z.infer<typeof datasetDescriptionSchema>;

/** The physical backend: the survey's pixel scale and zero points, images in electrons per second. */
export function describeSurvey(
  survey: Survey,
  bands: readonly string[],
  units: string | null = 'electron/s',
): DatasetDescription {
  return {
    survey: survey.name,
    pixel_scale: survey.pixel_scale,
    bands: [...bands],
    zero_points: Object.fromEntries(bands.map((b) => [b, surveyBand(survey, b).zero_point])),
    units,
    row_order: 'top_first',
  };
}

/** The simple backend: counts per pixel, no sky scale. */
export function describeSimple(bands: readonly string[]): DatasetDescription {
  return {
    survey: null,
    pixel_scale: null,
    bands: [...bands],
    zero_points: null,
    units: 'count',
    row_order: 'top_first',
  };
}
