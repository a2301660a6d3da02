import { z } from 'zod';
import { resolveConfig, type PlainObject } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { rangeSchema, type Range } from './simple/config.js';
import { foldSeedsRanges } from './seeds-keys.js';

/**
 * The seeds' simple configuration format, taken as the seeds write it: capitalised sections `General`,
 * `LensArcs`, `Galaxy` (or the seeds' `GalaxyBlob`), `Noise`; ranges as `[min, max]` or as the seeds'
 * `X_min`/`X_max` and `min_X`/`max_X` pairs; `backend: synthetic` (the simple backend), `deeplenstronomy` (the
 * physical one) or `auto`. The seeds' own keys keep their meaning and units (pixels): `radius` (arc radius) is
 * lensfind's `curvature` = 1/radius, `arc_width` (line thickness) its full width at half maximum, `sigma` and
 * `galaxy_sigma` the galaxy's size, `blur_sigma` the PSF, `gaussian_sigma` the noise. Keys lensfind has no
 * counterpart for (`asymmetry`, `sersic_index`, the `Output`, `Validation`, `Debug`, `DeepLenstronomy` sections,
 * ...) are accepted and named in one note; any other key is an error naming it as written.
 */
const positive = rangeSchema.refine(([a]) => a > 0, { message: 'expected values > 0' });
const ignoredRange = rangeSchema.optional();
const ignoredNumber = z.number().optional();

const galaxySchema = z.strictObject({
  brightness: rangeSchema.optional(),
  size: rangeSchema.optional(),
  /** The seeds' name for the galaxy's Gaussian sigma, pixels. */
  sigma: positive.optional(),
  ellipticity: rangeSchema.optional(),
  companion_fraction: z.number().min(0).max(1).optional(),
  blur_sigma: z.number().min(0).optional(),
  sersic_index: ignoredRange,
  n_components: ignoredRange,
});

export const seedsConfigSchema = z.strictObject({
  General: z.strictObject({
    n_train: z.number().int().positive(),
    n_val: z.number().int().min(0).default(0),
    n_test: z.number().int().positive(),
    image_size: z.number().int().positive(),
    seed: z.number().int().min(0).default(0),
    balance: z.number().min(0).max(1).default(0.5),
    backend: z.enum(['simple', 'physical', 'synthetic', 'deeplenstronomy', 'auto']).default('simple'),
    survey: z.string().min(1).optional(),
    /** Number of bands (simple backend: blue-to-red colours are interpolated). */
    channels: z.number().int().positive().optional(),
  }),
  LensArcs: z
    .strictObject({
      brightness: rangeSchema.optional(),
      curvature: rangeSchema.optional(),
      width: rangeSchema.optional(),
      extent: rangeSchema.optional(),
      max_count: z.number().int().min(1).max(4).optional(),
      /** The seeds' arc radius (pixels) and line thickness (pixels), and their number of arcs per image. */
      radius: positive.optional(),
      arc_width: positive.optional(),
      arcs: rangeSchema.optional(),
      blur_sigma: z.number().min(0).optional(),
      /** The seeds' galaxy of lens images (lensfind draws one galaxy distribution for both classes). */
      galaxy_sigma: positive.optional(),
      galaxy_brightness: rangeSchema.optional(),
      galaxy_ellipticity: rangeSchema.optional(),
      asymmetry: ignoredNumber,
    })
    .optional(),
  Galaxy: galaxySchema.optional(),
  GalaxyBlob: galaxySchema.optional(),
  Noise: z
    .strictObject({
      gaussian_std: z.number().min(0).optional(),
      gaussian_sigma: z.number().min(0).optional(),
      poisson_lambda: z.number().min(0).optional(),
      psf_sigma: z.number().min(0).optional(),
      poisson_strength: ignoredNumber,
      background_level: ignoredNumber,
      readout_noise: ignoredNumber,
    })
    .optional(),
  // The seeds' sections about their own files and checks: nothing in lensfind reads them.
  Output: z.looseObject({}).optional(),
  Validation: z.looseObject({}).optional(),
  Debug: z.looseObject({}).optional(),
  DeepLenstronomy: z.looseObject({}).optional(),
});

type Seeds = z.output<typeof seedsConfigSchema>;

/** Keys of each section that take a range, so `X_min`/`X_max` pairs fold into them. */
const GALAXY_RANGES = new Set(['brightness', 'size', 'sigma', 'ellipticity', 'sersic_index', 'n_components']);
const RANGE_KEYS: Record<string, ReadonlySet<string>> = {
  LensArcs: new Set([
    ...['brightness', 'curvature', 'width', 'extent', 'radius', 'arc_width', 'arcs'],
    ...['galaxy_sigma', 'galaxy_brightness', 'galaxy_ellipticity'],
  ]),
  Galaxy: GALAXY_RANGES,
  GalaxyBlob: GALAXY_RANGES,
};

const SECTIONS = ['General', 'LensArcs', 'Galaxy', 'GalaxyBlob', 'Noise'];
const IGNORED_SECTIONS = ['Output', 'Validation', 'Debug', 'DeepLenstronomy'] as const;
const IGNORED_KEYS: Record<string, string[]> = {
  LensArcs: ['asymmetry'],
  Galaxy: ['sersic_index', 'n_components'],
  GalaxyBlob: ['sersic_index', 'n_components'],
  Noise: ['poisson_strength', 'background_level', 'readout_noise'],
};
/** A Gaussian's sigma from its full width at half maximum. */
const FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.log(2)));

/** True when a parsed YAML mapping is in the seeds' format (it has any of the capitalised sections). */
export function isSeedsFormat(raw: PlainObject): boolean {
  return SECTIONS.some((s) => s in raw);
}

function defined(obj: Record<string, unknown>): PlainObject {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** One of two ways of writing a value: both given is an error naming both keys as written. */
function either<T>(a: [string, T | undefined], b: [string, T | undefined], source: string): T | undefined {
  if (a[1] !== undefined && b[1] !== undefined) {
    throw new ConfigError(
      `${source} (seeds' format): ${a[0]} and ${b[0]} give the same value twice; keep one`,
      a[0],
      source,
    );
  }
  return a[1] ?? b[1];
}

/** The seeds' sections as lensfind's `simple` options, plus what was not used (for the note). */
function simpleOptions(
  s: Seeds,
  source: string,
  asWritten: (f: string) => string,
  unused: string[],
): PlainObject {
  const arcs = s.LensArcs ?? {};
  if (s.Galaxy && s.GalaxyBlob) {
    throw new ConfigError(
      `${source} (seeds' format): give Galaxy or GalaxyBlob, not both`,
      'GalaxyBlob',
      source,
    );
  }
  const galaxyName = s.GalaxyBlob ? 'GalaxyBlob' : 'Galaxy';
  const galaxy = s.GalaxyBlob ?? s.Galaxy ?? {};
  const noise = s.Noise ?? {};
  const invert = (r: Range | undefined): Range | undefined => r && [1 / r[1], 1 / r[0]];
  const scale = (r: Range | undefined, k: number): Range | undefined => r && [r[0] * k, r[1] * k];
  let maxCount = arcs.max_count;
  if (arcs.arcs) {
    const n = arcs.arcs[1];
    if (!Number.isInteger(n) || n < 1 || n > 4) {
      throw new ConfigError(
        `${source} (seeds' format): ${asWritten('LensArcs.arcs')}: lensfind draws 1 to 4 arcs per lens, got ${n}`,
        asWritten('LensArcs.arcs'),
        source,
      );
    }
    maxCount = either([asWritten('LensArcs.arcs'), n], ['LensArcs.max_count', arcs.max_count], source);
    if (arcs.arcs[0] > 1) unused.push(`${asWritten('LensArcs.arcs')} (lensfind draws from 1 arc up)`);
  }
  // The galaxy of lens images (LensArcs.galaxy_*) and of non-lenses (Galaxy): lensfind draws both from one
  // distribution, so the galaxy alone never tells the classes apart; Galaxy's values win where both are given.
  const orArcs = <T>(
    value: T | undefined,
    key: 'galaxy_sigma' | 'galaxy_brightness' | 'galaxy_ellipticity',
  ) => {
    const given = arcs[key] as T | undefined;
    if (given !== undefined && value !== undefined && JSON.stringify(given) !== JSON.stringify(value))
      unused.push(`${asWritten(`LensArcs.${key}`)} (the ${galaxyName} values are used for both classes)`);
    return value ?? given;
  };
  const size = either(
    [asWritten(`${galaxyName}.sigma`), galaxy.sigma],
    [asWritten(`${galaxyName}.size`), galaxy.size],
    source,
  );
  // One PSF in lensfind: Noise.psf_sigma, else the arcs' blur, else the galaxies'.
  const blurs: [string, number | undefined][] = [
    ['Noise.psf_sigma', noise.psf_sigma],
    ['LensArcs.blur_sigma', arcs.blur_sigma],
    [`${galaxyName}.blur_sigma`, galaxy.blur_sigma],
  ];
  const psf = blurs.find(([, v]) => v !== undefined);
  for (const [k, v] of blurs)
    if (v !== undefined && psf && v !== psf[1]) unused.push(`${k} (one PSF: ${psf[0]})`);
  for (const [section, keys] of Object.entries(IGNORED_KEYS)) {
    const values = (s as Record<string, Record<string, unknown> | undefined>)[section];
    for (const k of keys) if (values?.[k] !== undefined) unused.push(asWritten(`${section}.${k}`));
  }
  return {
    arcs: defined({
      brightness: arcs.brightness,
      curvature: either(
        [asWritten('LensArcs.radius'), invert(arcs.radius)],
        [asWritten('LensArcs.curvature'), arcs.curvature],
        source,
      ),
      width: either(
        [asWritten('LensArcs.arc_width'), scale(arcs.arc_width, FWHM_TO_SIGMA)],
        [asWritten('LensArcs.width'), arcs.width],
        source,
      ),
      extent: arcs.extent,
      max_count: maxCount,
    }),
    galaxy: defined({
      brightness: orArcs(galaxy.brightness, 'galaxy_brightness'),
      size: orArcs(size, 'galaxy_sigma'),
      ellipticity: orArcs(galaxy.ellipticity, 'galaxy_ellipticity'),
      companion_fraction: galaxy.companion_fraction,
    }),
    noise: defined({
      gaussian_std: either(
        ['Noise.gaussian_sigma', noise.gaussian_sigma],
        ['Noise.gaussian_std', noise.gaussian_std],
        source,
      ),
      poisson_lambda: noise.poisson_lambda,
      psf_sigma: psf?.[1],
    }),
  };
}

/**
 * Validates a seeds-format mapping (errors name the field as written, e.g. `General.balance` or
 * `LensArcs.brightness_min/brightness_max`, and `source`) and returns the equivalent simulate-config mapping,
 * still to be validated by `simulateConfigSchema`. `onNote` hears what was mapped with a caveat: the
 * deeplenstronomy backend, and the seeds' keys lensfind does not use.
 */
export function mapSeedsConfig(
  raw: PlainObject,
  source = 'seeds config',
  onNote: (message: string) => void = () => {},
): PlainObject {
  const { folded, asWritten } = foldSeedsRanges(raw, RANGE_KEYS, source);
  let seeds: Seeds;
  try {
    seeds = resolveConfig(seedsConfigSchema, [{ source, value: folded }]);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const field = err.field === undefined ? undefined : asWritten(err.field);
    const message = err.message.replace(
      /^( {2})([^:\s]+):/gm,
      (_m, pad: string, f: string) => `${pad}${asWritten(f)}:`,
    );
    throw new ConfigError(`${source} (seeds' format): ${message}`, field, source);
  }
  const g = seeds.General;
  const unused: string[] = IGNORED_SECTIONS.filter((s) => seeds[s] !== undefined);
  const backend = {
    simple: 'simple',
    synthetic: 'simple',
    auto: 'simple',
    physical: 'physical',
    deeplenstronomy: 'physical',
  }[g.backend];
  if (g.backend === 'deeplenstronomy') {
    onNote(
      `${source}: General.backend deeplenstronomy: rendered by lensfind's physical backend (ray-traced SIE + ` +
        `shear, Sérsic light, survey PSF and noise; survey ${g.survey ?? 'lsst'}); LensArcs, Galaxy and Noise ` +
        'apply to the simple backend only',
    );
  } else if (g.backend === 'auto') onNote(`${source}: General.backend auto: rendered by the simple backend`);
  const simple = simpleOptions(seeds, source, asWritten, unused);
  if (unused.length > 0) onNote(`${source}: not used by lensfind (no counterpart): ${unused.join(', ')}`);
  const out: PlainObject = {
    backend,
    image_size: g.image_size,
    n: g.n_train + g.n_val + g.n_test,
    splits: { train: g.n_train, val: g.n_val, test: g.n_test },
    balance: g.balance,
    seed: g.seed,
    simple,
  };
  if (g.survey !== undefined) out.survey = g.survey;
  if (g.channels !== undefined) out.bands = Array.from({ length: g.channels }, (_, i) => `band${i}`);
  return out;
}
