import { configOptions, EXIT, type Command } from '../command.js';
import { intFlag, numberFlag } from '../flags.js';
import { flagLayer } from '../../config/load.js';
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
    const flags = [
      flagLayer('data', 'data.path', values.data),
      flagLayer('sim', 'data.sim.config', values.sim),
      flagLayer('sim-n', 'data.sim.n_per_epoch', intFlag('sim-n', values['sim-n'])),
      flagLayer('format', 'data.format', values.format),
      flagLayer('model', 'model.name', values.model),
      flagLayer('epochs', 'epochs', intFlag('epochs', values.epochs)),
      flagLayer('batch-size', 'batch_size', intFlag('batch-size', values['batch-size'])),
      flagLayer('lr', 'optim.lr', numberFlag('lr', values.lr)),
      flagLayer('seed', 'seed', intFlag('seed', values.seed)),
      flagLayer('threads', 'threads', intFlag('threads', values.threads)),
      flagLayer('workers', 'data.workers', intFlag('workers', values.workers)),
      flagLayer('init-weights', 'model.init_weights', values['init-weights']),
      flagLayer('run-dir', 'run.dir', values['run-dir']),
      flagLayer('name', 'run.name', values.name),
    ];
    const { config, overridden } = loadTrainConfig({
      preset: values.preset as string,
      file: values.config as string | undefined,
      overrides: (values.set as string[] | undefined) ?? [],
      flags,
    });
    const result = await train(config, { overridden, handleSignals: true, console: !values.quiet });
    console.log(`run: ${result.runDir}`);
    return result.interrupted ? EXIT.INTERRUPTED : EXIT.OK;
  },
};
