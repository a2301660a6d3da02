/**
 * Observing conditions of one cutout: the survey's bands with the depth, seeing and sky of this cutout, drawn from
 * the survey's `conditions` (survey.ts) with the cutout's own generator, and the values recorded in its metadata.
 */
import { magToCps } from './noise.js';
import { sampleDistribution, type Rng } from './rng.js';
import { surveyBand, type Band, type Survey } from './survey.js';

export interface CutoutConditions {
  /** The bands' settings for this cutout, in output order. */
  bands: Band[];
  /** exposure_scale, and seeing_<band>, sky_<band>, depth_<band> (5σ point-source magnitude) per band. */
  meta: Record<string, number>;
}

// FWHMs are rounded to this many arcsec so that PSF kernels can be reused across cutouts
const SEEING_STEP = 0.005;

export function drawConditions(survey: Survey, bands: readonly string[], rng: Rng): CutoutConditions {
  const c = survey.conditions;
  const exposure = Math.max(1e-3, sampleDistribution(c.exposure_scale, rng));
  const seeing = Math.max(0.05, sampleDistribution(c.seeing_scale, rng));
  const sky = sampleDistribution(c.sky_offset, rng);
  const meta: Record<string, number> = { exposure_scale: exposure };
  const out = bands.map((name) => {
    const b = surveyBand(survey, name);
    const own = c.seeing_band_scatter > 0 ? Math.exp(rng.normal(0, c.seeing_band_scatter)) : 1;
    const fwhm = Math.max(SEEING_STEP, Math.round((b.seeing * seeing * own) / SEEING_STEP) * SEEING_STEP);
    const band: Band = {
      ...b,
      num_exposures: b.num_exposures * exposure,
      seeing: fwhm,
      sky_brightness: b.sky_brightness + sky,
    };
    meta[`seeing_${name}`] = fwhm;
    meta[`sky_${name}`] = band.sky_brightness;
    meta[`depth_${name}`] = pointSourceDepth(band, survey.pixel_scale, survey.read_noise);
    return band;
  });
  return { bands: out, meta };
}

/**
 * 5σ magnitude of a point source measured in an optimal (PSF-weighted) aperture of a Gaussian PSF, background
 * dominated: effective area 4π σ² = π FWHM² / (2 ln 2) arcsec².
 */
export function pointSourceDepth(band: Band, pixelScale: number, readNoise: number): number {
  const t = band.exposure_time * band.num_exposures;
  const area = (Math.PI * band.seeing * band.seeing) / (2 * Math.LN2);
  const pixels = area / (pixelScale * pixelScale);
  const skyPerArcsec = magToCps(band.sky_brightness, band.zero_point);
  const varianceE = skyPerArcsec * area * t + pixels * band.num_exposures * readNoise * readNoise;
  // flux f (e-/s) with f t / sqrt(f t + variance) = 5
  const ft = 12.5 + Math.sqrt(156.25 + 25 * varianceE);
  return band.zero_point - 2.5 * Math.log10(ft / t);
}
