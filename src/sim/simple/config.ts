import { z } from 'zod';

/** A value drawn uniformly from `[min, max]`; a single number fixes it. */
export const rangeSchema = z
  .union([
    z.number(),
    z.strictObject({ min: z.number(), max: z.number() }).transform((r): [number, number] => [r.min, r.max]),
    z
      .tuple([z.number(), z.number()])
      .refine(([a, b]) => a <= b, { message: 'expected [min, max] with min <= max' }),
  ])
  .refine((v) => typeof v === 'number' || v[0] <= v[1], { message: 'expected min <= max' })
  .transform((v): [number, number] => (typeof v === 'number' ? [v, v] : v));

export type Range = z.output<typeof rangeSchema>;

const nonNegativeRange = rangeSchema.refine(([a]) => a >= 0, { message: 'expected values >= 0' });
const positiveRange = rangeSchema.refine(([a]) => a > 0, { message: 'expected values > 0' });

/**
 * The simple backend: fast arcs and blobs with a Gaussian PSF and additive noise, in pixel units. Kept for the
 * seeds' configurations and for quick tests; it is not physics (no ray tracing), so it teaches a network little.
 */
export const simpleSchema = z.strictObject({
  /** Lensed arcs around the central galaxy (lenses only). */
  arcs: z
    .strictObject({
      /** Peak surface brightness of an arc (counts per pixel). */
      brightness: nonNegativeRange.default([0.5, 1.5]),
      /** Inverse radius of the arc's circle in 1/pixels (larger: tighter arcs). */
      curvature: positiveRange.default([0.06, 0.12]),
      /** Gaussian width across the arc, pixels. */
      width: positiveRange.default([0.8, 1.6]),
      /** Angular extent of one arc, degrees. */
      extent: positiveRange.default([40, 160]),
      /** Number of arcs: from 1 to this many. */
      max_count: z.number().int().min(1).max(4).default(2),
    })
    .prefault({}),
  /** The central galaxy (lenses and non-lenses alike) and, for non-lenses, blue companion blobs. */
  galaxy: z
    .strictObject({
      /** Peak brightness of the central galaxy (counts per pixel). */
      brightness: nonNegativeRange.default([1, 3]),
      /** Gaussian sigma of the galaxy's major axis, pixels. */
      size: positiveRange.default([2, 5]),
      /** 1 - axis ratio. */
      ellipticity: nonNegativeRange
        .refine(([, b]) => b < 1, { message: 'expected values < 1' })
        .default([0, 0.4]),
      /** Probability that a non-lens gets blue companions at arc-like distances (the hard negatives). */
      companion_fraction: z.number().min(0).max(1).default(0.5),
    })
    .prefault({}),
  noise: z
    .strictObject({
      /** Standard deviation of Gaussian noise per pixel. */
      gaussian_std: z.number().min(0).default(0.05),
      /** Mean of the Poisson background (subtracted after drawing), counts per pixel. */
      poisson_lambda: z.number().min(0).default(0),
      /** Gaussian PSF sigma, pixels (0: no blur). */
      psf_sigma: z.number().min(0).default(1),
    })
    .prefault({}),
  /** Colour of the galaxy (red) and arcs (blue): relative brightness per band, band order as in `bands`. */
  galaxy_colour: z.array(z.number().min(0)).optional(),
  arc_colour: z.array(z.number().min(0)).optional(),
});

export type SimpleConfig = z.output<typeof simpleSchema>;
