import path from 'node:path';
import { EXIT, type Command } from '../command.js';
import { intFlag } from '../flags.js';

/**
 * The README's first command: simulate a small LSST-like dataset, train the quick model on it, evaluate it on the
 * held-out test split, print the metrics and where the plots are. Re-running resumes the simulation (complete
 * shards are kept) and trains a new run.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Simulate a small LSST-like dataset, train the quick model, evaluate it on the test split and print the metrics ' +
    'and the paths of the plots (about 5-10 minutes on 2 cores).',
  usage: '[--out DIR] [--n N] [--epochs N]',
  options: {
    out: {
      type: 'string',
      short: 'o',
      description: 'folder for the data and the run',
      valueName: 'DIR',
      default: 'demo',
    },
    n: {
      type: 'string',
      short: 'n',
      description: 'number of simulated cutouts',
      valueName: 'N',
      default: '5000',
    },
    epochs: { type: 'string', short: 'e', description: 'training epochs', valueName: 'N' },
    seed: { type: 'string', description: 'random seed', valueName: 'S', default: '0' },
    help: { type: 'boolean', short: 'h', description: 'show this help' },
  },
  async run({ values }) {
    const { sim, train: training, eval: evaluation } = await import('../../index.js');
    const { evaluateRun, printEvaluation } = evaluation;
    const out = values.out as string;
    const n = intFlag('n', values.n)!;
    const seed = intFlag('seed', values.seed)!;
    const epochs = intFlag('epochs', values.epochs);
    const dataDir = path.join(out, 'data');
    const t0 = performance.now();
    const minutes = () => ((performance.now() - t0) / 60000).toFixed(1);

    console.log(`[1/3] simulating ${n} LSST-like g,r,i 64x64 cutouts into ${dataDir}`);
    const simConfig = sim.dataset.loadSimulateConfig({
      preset: 'lsst',
      flags: { n, seed, output: { previews: 16 } },
    });
    await sim.dataset.simulateDataset(simConfig, { out: dataDir });

    console.log(`[2/3] training the quick model (lensnet) on ${dataDir}  (${minutes()} min so far)`);
    const { config } = training.loadTrainConfig({
      preset: 'quick',
      flags: {
        data: { path: dataDir },
        seed,
        run: { dir: path.join(out, 'runs') },
        ...(epochs ? { epochs } : {}),
      },
    });
    const run = await training.train(config, { overridden: {}, handleSignals: true });
    if (run.interrupted) return EXIT.INTERRUPTED;

    console.log(`[3/3] evaluating ${run.runDir} on the test split  (${minutes()} min so far)`);
    const result = await evaluateRun({ run: run.runDir, data: dataDir, split: 'test' });
    printEvaluation(result);
    console.log(`\ndemo finished in ${minutes()} min. Run folder: ${run.runDir}`);
    console.log(`Previews of the simulated cutouts: ${path.join(dataDir, 'previews')}`);
  },
};
