import { configOptions, EXIT, type Command } from '../command.js';
import { intFlag } from '../flags.js';
import { configSources, flagConfigLayers } from '../config-flags.js';
import { LensfindError } from '../../errors.js';
import { Progress } from '../../log/progress.js';

const ACTIONS = ['train', 'predict', 'check'] as const;

export const sersicCommand: Command = {
  name: 'sersic',
  summary:
    'Sérsic-profile posteriors by neural posterior estimation: train a flow on simulated galaxies (a run folder), ' +
    'predict posteriors for cutouts (CSV/Parquet), check calibration (coverage, TARP) on held-out galaxies.',
  usage:
    'train [--preset cpu|quick|lsst] [--config FILE] [--set k=v] | train --resume RUN | ' +
    'predict --run RUN --input CUTOUTS.npy --out posteriors.csv|.parquet | check --run RUN',
  allowPositionals: true,
  options: {
    ...configOptions,
    preset: {
      type: 'string',
      short: 'p',
      description: 'train: a preset from configs/sersic (quick, cpu, lsst)',
      valueName: 'NAME',
      default: 'cpu',
    },
    steps: { type: 'string', description: 'train: optimisation steps', valueName: 'N' },
    seed: {
      type: 'string',
      description: 'train: seed of the data and the weights; predict/check: of the draws',
      valueName: 'S',
    },
    threads: { type: 'string', description: 'train: compute threads', valueName: 'N' },
    workers: {
      type: 'string',
      description:
        'train: rendering worker threads; predict/check --refine: refinement threads (default: one per core)',
      valueName: 'N',
    },
    'run-dir': { type: 'string', description: 'train: folder of runs', valueName: 'DIR' },
    name: { type: 'string', description: 'train: run name', valueName: 'NAME' },
    resume: {
      type: 'string',
      description: 'train: continue this run from checkpoints/last',
      valueName: 'RUN',
    },
    run: { type: 'string', short: 'r', description: 'predict/check: the run folder', valueName: 'RUN' },
    input: { type: 'string', short: 'i', description: 'predict: cutouts (.npy or .fits)', valueName: 'PATH' },
    out: {
      type: 'string',
      short: 'o',
      description: 'predict: the table (.csv or .parquet)',
      valueName: 'FILE',
    },
    samples: {
      type: 'string',
      short: 'n',
      description: 'predict/check: posterior draws per galaxy',
      valueName: 'N',
    },
    'samples-out': {
      type: 'string',
      description: 'predict: also write all draws as .npy [N, S, D]',
      valueName: 'FILE',
    },
    galaxies: { type: 'string', description: 'check: held-out galaxies', valueName: 'N' },
    refine: {
      type: 'boolean',
      description:
        "predict/check: importance-sample the flow towards the exact posterior under the run's forward model (slower; adds ESS)",
    },
    last: { type: 'boolean', description: 'predict/check: use checkpoints/last instead of best' },
    quiet: { type: 'boolean', short: 'q', description: 'no console output' },
  },
  async run({ values, positionals }) {
    const action = positionals[0];
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]) || positionals.length > 1)
      throw new LensfindError(
        'E_USAGE',
        `lensfind sersic: expected one action (${ACTIONS.join(', ')}), got ${positionals.length ? positionals.join(' ') : 'none'}`,
      );
    const { npe } = await import('../../index.js');
    const which = values.last ? 'last' : 'best';
    const need = (k: string) => {
      if (!values[k]) throw new LensfindError('E_USAGE', `lensfind sersic ${action}: --${k} is required`);
      return values[k] as string;
    };
    if (action === 'train') {
      if (values.resume) {
        const r = await npe.trainSersic(null, { resume: values.resume as string, console: !values.quiet });
        console.log(`run: ${r.runDir}`);
        return EXIT.OK;
      }
      const flags = flagConfigLayers(values, [
        ['steps', 'steps', intFlag],
        ['seed', 'seed', intFlag],
        ['threads', 'threads', intFlag],
        ['workers', 'workers', intFlag],
        ['run-dir', 'run.dir'],
        ['name', 'run.name'],
      ]);
      const { config, overridden } = npe.loadSersicConfig({
        preset: values.preset as string,
        ...configSources(values),
        flags,
      });
      const r = await npe.trainSersic(config, { overridden, console: !values.quiet });
      console.log(`run: ${r.runDir}`);
      return EXIT.OK;
    }
    let bar: Progress | undefined;
    const onGalaxy = (done: number, total: number) => {
      if (values.quiet) return;
      bar ??= new Progress({ label: 'refine', total, unit: 'galaxies' });
      bar.update(done);
      if (done === total) bar.finish();
    };
    if (action === 'predict') {
      const r = await npe.predictSersic({
        refine: Boolean(values.refine),
        workers: intFlag('workers', values.workers),
        onGalaxy,
        run: need('run'),
        input: need('input'),
        out: need('out'),
        samples: intFlag('samples', values.samples),
        samplesOut: values['samples-out'] as string | undefined,
        seed: intFlag('seed', values.seed),
        which,
      });
      if (!values.quiet) console.log(`${r.rows} posteriors: ${r.out}`);
      if (r.lowEss > 0)
        console.warn(
          `sersic predict: ${r.lowEss} of ${r.rows} refined posteriors rest on fewer than 50 effective draws ` +
            `(column refine_ess): their intervals are uncertain`,
        );
      return EXIT.OK;
    }
    const r = await npe.checkSersic(need('run'), {
      refine: Boolean(values.refine),
      workers: intFlag('workers', values.workers),
      onGalaxy,
      galaxies: intFlag('galaxies', values.galaxies),
      samples: intFlag('samples', values.samples),
      seed: intFlag('seed', values.seed),
      which,
    });
    if (!values.quiet) {
      const c = r.calibration;
      for (const p of c.parameters)
        console.log(
          `${p.name.padEnd(10)} coverage 68% ${p.coverage68.toFixed(3)}  95% ${p.coverage95.toFixed(3)}  ${p.passed ? 'ok' : 'OFF'}`,
        );
      console.log(
        `TARP KS ${c.tarp.ks.toFixed(4)} (critical ${c.tarp.critical.toFixed(4)}): ${c.tarp.passed ? 'passed' : 'failed'}`,
      );
      for (const b of r.coverageBySnr)
        console.log(
          `  SNR ${b.lower}-${b.upper ?? ''} (${b.galaxies}): 68% ` +
            b.parameters.map((p) => `${p.name} ${p.coverage68.toFixed(2)}`).join(' '),
        );
      const a = r.accuracy.snr50;
      console.log(
        `SNR >= 50 (${a.galaxies}): median |dmag| ${a.magAbsErrorMedian.toFixed(4)}, R_e ${(100 * a.reRelErrorMedian).toFixed(1)}%, n ${(100 * a.nRelErrorMedian).toFixed(1)}%`,
      );
      if (r.refine)
        console.log(
          `refined: median ESS ${r.refine.essMedian.toFixed(0)} of ${r.refine.drawsMedian} (below 50: ${(100 * r.refine.essBelow50).toFixed(1)}%), ` +
            `the flow's own ${r.refine.flowEssMedian.toFixed(1)} of ${r.refine.roundDraws}, ${r.refine.secondsPerGalaxy.toFixed(2)} s per galaxy`,
        );
      console.log(`report: ${r.run}/${r.refine ? 'check-refined' : 'check'}/metrics.json`);
    }
    return r.calibration.passed ? EXIT.OK : EXIT.USER_ERROR;
  },
};
