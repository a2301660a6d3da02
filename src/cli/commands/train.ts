import { configOptions, EXIT, type Command } from '../command.js';
import { intFlag, numberFlag } from '../flags.js';
import { configSources, flagConfigLayers } from '../config-flags.js';
import { DATA_FORMATS } from '../../data/index.js';

export const trainCommand: Command = {
  name: 'train',
  summary:
    'Train a lens classifier (lensnet, resnet18/34, vit_*, hybrid) in a run folder: config.yaml, train.log, ' +
    'metrics.jsonl, TensorBoard events, checkpoints/best and checkpoints/last, summary.json.',
  usage:
    '[--preset quick|resnet18|vit|hybrid] [--config FILE] (--data PATH | --sim NAME|FILE [--sim-n N] [--data VAL]) ' +
    '[options] | --resume runs/NAME',
  options: {
    ...configOptions,
    preset: {
      type: 'string',
      short: 'p',
      description: 'a preset from configs/ (quick, resnet18, vit, hybrid)',
      valueName: 'NAME',
      default: 'quick',
    },
    data: {
      type: 'string',
      short: 'd',
      description: 'training data (any reader format); with --sim, the validation data (its val split)',
      valueName: 'PATH',
    },
    sim: {
      type: 'string',
      description:
        'train on fresh simulations, new every epoch: a simulate preset (lsst, des, hsc, euclid, simple) or YAML file (data.sim.config)',
      valueName: 'NAME|FILE',
    },
    'sim-n': {
      type: 'string',
      description: 'simulated cutouts per epoch (data.sim.n_per_epoch, default 20000)',
      valueName: 'N',
    },
    format: {
      type: 'string',
      description: `data format: auto, ${DATA_FORMATS.join(', ')}`,
      valueName: 'NAME',
    },
    model: { type: 'string', short: 'm', description: 'network name (model.name)', valueName: 'NAME' },
    epochs: { type: 'string', short: 'e', description: 'number of epochs', valueName: 'N' },
    'batch-size': { type: 'string', short: 'b', description: 'batch size', valueName: 'N' },
    lr: { type: 'string', description: 'learning rate (optim.lr)', valueName: 'X' },
    seed: { type: 'string', description: 'random seed', valueName: 'S' },
    threads: { type: 'string', description: 'compute threads (default: all cores)', valueName: 'N' },
    workers: { type: 'string', description: 'data worker threads', valueName: 'N' },
    'init-weights': {
      type: 'string',
      description: 'start from a local safetensors or PyTorch .pt/.pth state dict',
      valueName: 'PATH',
    },
    'run-dir': { type: 'string', description: 'folder of runs (run.dir)', valueName: 'DIR' },
    name: {
      type: 'string',
      description: 'run name (default: from the overridden options)',
      valueName: 'NAME',
    },
    resume: {
      type: 'string',
      description: 'continue the run in this folder exactly where it stopped',
      valueName: 'RUN',
    },
    quiet: { type: 'boolean', short: 'q', description: 'no console output' },
  },
  async run({ values }) {
    const { train: training } = await import('../../index.js');
    const { train, loadTrainConfig } = training;
    if (values.resume) {
      const result = await train(null, {
        resume: values.resume as string,
        handleSignals: true,
        console: !values.quiet,
      });
      return result.interrupted ? EXIT.INTERRUPTED : EXIT.OK;
    }
    // One layer per flag, named as typed: errors and conflicts with --set name the flag (`--epochs 1`).
    const flags = flagConfigLayers(values, [
      ['data', 'data.path'],
      ['sim', 'data.sim.config'],
      ['sim-n', 'data.sim.n_per_epoch', intFlag],
      ['format', 'data.format'],
      ['model', 'model.name'],
      ['epochs', 'epochs', intFlag],
      ['batch-size', 'batch_size', intFlag],
      ['lr', 'optim.lr', numberFlag],
      ['seed', 'seed', intFlag],
      ['threads', 'threads', intFlag],
      ['workers', 'data.workers', intFlag],
      ['init-weights', 'model.init_weights'],
      ['run-dir', 'run.dir'],
      ['name', 'run.name'],
    ]);
    const { config, overridden } = loadTrainConfig({
      preset: values.preset as string,
      ...configSources(values),
      flags,
    });
    const result = await train(config, { overridden, handleSignals: true, console: !values.quiet });
    console.log(`run: ${result.runDir}`);
    return result.interrupted ? EXIT.INTERRUPTED : EXIT.OK;
  },
};
