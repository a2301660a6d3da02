import { configOptions, type Command } from '../command.js';
import { LensfindError } from '../../errors.js';
import { configSources, flagConfigLayers } from '../config-flags.js';
import { intFlag } from '../flags.js';

export const simulateCommand: Command = {
  name: 'simulate',
  summary:
    'Simulate a dataset of lens and non-lens cutouts (ray-traced with the survey PSF and noise, or the simple backend): ' +
    'images/ shards, manifest.csv, config.yaml, previews/. A re-run completes missing shards only.',
  usage: '[--config FILE | --preset NAME] --out DIR [options]',
  options: {
    ...configOptions,
    preset: {
      type: 'string',
      short: 'p',
      description: 'a preset from configs/sim (lsst, des, hsc, euclid, simple)',
      valueName: 'NAME',
    },
    out: { type: 'string', short: 'o', description: 'the dataset folder to write', valueName: 'DIR' },
    n: { type: 'string', short: 'n', description: 'number of cutouts', valueName: 'N' },
    workers: {
      type: 'string',
      short: 'w',
      description: 'worker threads (0: main thread); never changes the bytes',
      valueName: 'W',
    },
    seed: { type: 'string', description: 'random seed', valueName: 'S' },
    layout: {
      type: 'string',
      description: 'lensfind (manifest + shards) or deeplense (train_lenses/ ...)',
      valueName: 'NAME',
    },
    format: { type: 'string', description: 'npy or fits', valueName: 'NAME' },
    'dry-run': { type: 'boolean', description: 'print what would be written, write nothing' },
    quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
  },
  async run({ values }) {
    const { loadSimulateConfig, simulateDataset } = await import('../../sim/dataset/index.js');
    const out = values.out as string | undefined;
    if (!out) throw new LensfindError('E_USAGE', '--out DIR is required (the dataset folder to write)');
    if (values.config === undefined && values.preset === undefined) {
      throw new LensfindError('E_USAGE', '--config FILE or --preset NAME is required (e.g. --preset lsst)');
    }
    const flags = flagConfigLayers(values, [
      ['n', 'n', intFlag],
      ['workers', 'workers', intFlag],
      ['seed', 'seed', intFlag],
      ['layout', 'output.layout'],
      ['format', 'output.format'],
    ]);
    const cfg = loadSimulateConfig({
      preset: values.preset as string | undefined,
      ...configSources(values),
      flags,
      onNote: values.quiet ? undefined : (m) => console.error(`note: ${m}`),
    });
    await simulateDataset(cfg, { out, dryRun: Boolean(values['dry-run']), quiet: Boolean(values.quiet) });
  },
};
