import { configOptions, type Command } from '../command.js';
import { intFlag, numberFlag } from '../flags.js';
import { LensfindError } from '../../errors.js';
import { configSources, flagConfigLayers } from '../config-flags.js';

/** `a,b,c` as numbers, each checked. */
function numberList(name: string, value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  return String(value)
    .split(',')
    .map((v) => numberFlag(name, v.trim())!);
}

function wordList(_flag: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  return String(value)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

export const injectCommand: Command = {
  name: 'inject',
  summary:
    'Inject ray-traced lensed sources into your own cutouts (any layout --data reads): a seeded choice of them gets a ' +
    'lens around its measured deflector; the rest and --contaminants are the non-lenses. Writes a lensfind dataset ' +
    '(images/ shards, manifest.csv, config.yaml, previews/, skipped.csv).',
  usage:
    '--cutouts DIR --out DIR [--survey lsst] [--bands g,r,i] [--n N | --fraction F] [--seed S] ' +
    '[--psf-fwhm 0.8,0.75,0.7 | --psf g.fits --psf r.fits ...] [--pixel-scale S] [--zero-points Z1,Z2,Z3] ' +
    '[--catalog deflectors.csv] [--contaminants DIR] [--workers W] [--preset NAME | --config FILE] [--set key=value]',
  options: {
    ...configOptions,
    preset: {
      type: 'string',
      short: 'p',
      description: 'a preset from configs/inject (default lsst unless --config is given)',
      valueName: 'NAME',
    },
    cutouts: { type: 'string', short: 'i', description: 'the cutouts to inject into', valueName: 'DIR' },
    out: {
      type: 'string',
      short: 'o',
      description: 'the dataset folder to write (new or empty)',
      valueName: 'DIR',
    },
    survey: {
      type: 'string',
      description: 'survey preset or YAML: filters, zero points, depth, PSF',
      valueName: 'NAME',
    },
    bands: { type: 'string', description: "the cutouts' bands in order, e.g. g,r,i", valueName: 'LIST' },
    n: { type: 'string', short: 'n', description: 'exactly this many cutouts get a lens', valueName: 'N' },
    fraction: {
      type: 'string',
      description: 'this fraction of the cutouts gets a lens (default 0.5)',
      valueName: 'F',
    },
    seed: { type: 'string', description: 'random seed', valueName: 'S' },
    'psf-fwhm': { type: 'string', description: 'Gaussian PSF FWHM per band, arcsec', valueName: 'LIST' },
    psf: {
      type: 'string',
      multiple: true,
      description: 'a FITS PSF image per band, in band order',
      valueName: 'FILE',
    },
    'pixel-scale': { type: 'string', description: 'arcsec per pixel of the cutouts', valueName: 'S' },
    'zero-points': {
      type: 'string',
      description: 'per band, the magnitude whose pixels sum to 1 in the cutouts (default the survey: e-/s)',
      valueName: 'LIST',
    },
    gain: {
      type: 'string',
      description: 'per band, electrons per cutout unit (arc Poisson noise)',
      valueName: 'LIST',
    },
    catalog: { type: 'string', description: 'CSV of theta_E by id or file name', valueName: 'FILE' },
    contaminants: { type: 'string', description: 'hard negatives: all become non-lenses', valueName: 'DIR' },
    format: {
      type: 'string',
      description: 'reader format of --cutouts (default: detected)',
      valueName: 'NAME',
    },
    labels: { type: 'string', description: 'labels file of an .npy/.npz stack', valueName: 'FILE' },
    workers: {
      type: 'string',
      short: 'w',
      description: 'worker threads (0: main thread); never changes the bytes',
      valueName: 'W',
    },
    quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
  },
  async run({ values }) {
    const { loadInjectConfig, injectDataset } = await import('../../inject/index.js');
    const out = values.out as string | undefined;
    if (!out) throw new LensfindError('E_USAGE', '--out DIR is required (the dataset folder to write)');
    const flags = flagConfigLayers(values, [
      ['cutouts', 'cutouts'],
      ['survey', 'survey'],
      ['bands', 'bands', wordList],
      ['n', 'n', intFlag],
      ['fraction', 'fraction', numberFlag],
      ['seed', 'seed', intFlag],
      ['psf-fwhm', 'psf.fwhm', numberList],
      ['psf', 'psf.files', (_flag, files) => ((files as string[] | undefined)?.length ? files : undefined)],
      ['pixel-scale', 'pixel_scale', numberFlag],
      ['zero-points', 'zero_points', numberList],
      ['gain', 'gain', numberList],
      ['catalog', 'catalog'],
      ['contaminants', 'contaminants'],
      ['format', 'format'],
      ['labels', 'labels'],
      ['workers', 'workers', intFlag],
    ]);
    const { file, overrides } = configSources(values);
    const cfg = loadInjectConfig({
      preset: (values.preset as string | undefined) ?? (file === undefined ? 'lsst' : undefined),
      file,
      overrides,
      flags,
    });
    if (!cfg.cutouts)
      throw new LensfindError('E_USAGE', '--cutouts DIR is required (the cutouts to inject into)');
    await injectDataset(cfg, {
      out,
      quiet: Boolean(values.quiet),
      onSkip: (s) => console.error(`skipped ${s.source}: ${s.reason}`),
    });
  },
};
