import { configOptions, EXIT, type Command } from '../command.js';
import { intFlag } from '../flags.js';
import { configSources, flagConfigLayers } from '../config-flags.js';
import { LensfindError } from '../../errors.js';
import { Progress } from '../../log/progress.js';

const ACTIONS = ['train', 'predict', 'calibrate', 'check'] as const;

export const sersicCommand: Command = {
  name: 'sersic',
  summary:
    'Sérsic-profile posteriors by neural posterior estimation: train a flow on simulated galaxies (a run folder), ' +
    'predict posteriors for cutouts (CSV/Parquet), recalibrate their widths and check calibration (coverage, TARP) ' +
    'on held-out galaxies.',
  usage:
    'train [--preset cpu|quick|lsst] [--config FILE] [--set k=v] | train --resume RUN | ' +
    'predict --run RUN --input CUTOUTS.npy --out posteriors.csv|.parquet | calibrate --run RUN | check --run RUN',
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
    run: {
      type: 'string',
      short: 'r',
      description: 'predict/calibrate/check: the run folder',
      valueName: 'RUN',
    },
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
      description: 'predict/calibrate/check: posterior draws per galaxy (calibrate: 300)',
      valueName: 'N',
    },
    'samples-out': {
      type: 'string',
      description: 'predict: also write all draws as .npy [N, S, D]',
      valueName: 'FILE',
    },
    galaxies: {
      type: 'string',
      description: 'check: held-out galaxies; calibrate: calibration galaxies (10000)',
      valueName: 'N',
    },
    bins: { type: 'string', description: 'calibrate: SNR bins of the recalibration (8)', valueName: 'N' },
    raw: {
      type: 'boolean',
      description: "predict/check: the flow's own draws, without the run's recalibration (sersic calibrate)",
    },
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
    const which: 'best' | 'last' = values.last ? 'last' : 'best';
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
    const progress = (label: string) => (done: number, total: number) => {
      if (values.quiet) return;
      bar ??= new Progress({ label, total, unit: 'galaxies' });
      bar.update(done);
      if (done === total) bar.finish();
    };
    const onGalaxy = progress('refine');
    // what predict, calibrate and check share: draws per galaxy, their seed, the checkpoint
    const draws = { samples: intFlag('samples', values.samples), seed: intFlag('seed', values.seed), which };
    const galaxies = intFlag('galaxies', values.galaxies);
    if (action === 'calibrate') {
      const r = await npe.calibrateSersic(need('run'), {
        ...draws,
        onGalaxy: progress('calibrate'),
        galaxies,
        bins: intFlag('bins', values.bins),
      });
      if (!values.quiet) {
        const cal = r.recalibration;
        console.log(
          `factors per SNR bin (${cal.galaxies} galaxies, ${cal.samples} draws each; bin SNR ` +
            cal.components[0].logSnr.map((l) => Math.expm1(l).toFixed(0)).join(', ') +
            '):',
        );
        for (const c of cal.components)
          console.log(`  ${c.name.padEnd(16)} ${c.scale.map((v) => v.toFixed(2)).join(' ')}`);
        console.log('68% coverage on the calibration galaxies, before -> after:');
        for (const c of r.coverage68)
          console.log(`  ${c.name.padEnd(16)} ${c.before.toFixed(3)} -> ${c.after.toFixed(3)}`);
        console.log(`recalibration: ${r.file} (predict and check apply it; --raw does not)`);
      }
      return EXIT.OK;
    }
    if (action === 'predict') {
      const r = await npe.predictSersic({
        recalibrate: !values.raw,
        refine: Boolean(values.refine),
        workers: intFlag('workers', values.workers),
        onGalaxy,
        run: need('run'),
        input: need('input'),
        out: need('out'),
        ...draws,
        samplesOut: values['samples-out'] as string | undefined,
      });
      if (!values.quiet)
        console.log(`${r.rows} posteriors${r.recalibrated ? ' (recalibrated)' : ''}: ${r.out}`);
      if (r.lowEss > 0)
        console.warn(
          `sersic predict: ${r.lowEss} of ${r.rows} refined posteriors rest on fewer than 50 effective draws ` +
            `(column refine_ess): their intervals are uncertain`,
        );
      return EXIT.OK;
    }
    const r = await npe.checkSersic(need('run'), {
      recalibrate: !values.raw,
      refine: Boolean(values.refine),
      workers: intFlag('workers', values.workers),
      onGalaxy,
      galaxies,
      ...draws,
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
      const g = r.flowGapToExact;
      if (g)
        console.log(
          `the flow's distance from the exact posterior, KL(exact || flow): ${g.meanNats.toFixed(2)} ± ${g.stderr.toFixed(2)} nats ` +
            `(NLL ${g.flowNll.toFixed(2)} against ${g.exactNll.toFixed(2)}); by SNR: ` +
            g.bySnr
              .filter((b) => b.galaxies > 0)
              .map((b) => `${b.lo}-${Number.isFinite(b.hi) ? b.hi : ''} ${b.meanNats.toFixed(2)}`)
              .join(', '),
        );
      console.log(
        `report (${r.posterior} posteriors): ${r.run}/${npe.checkFolder(r.posterior)}/metrics.json`,
      );
    }
    return r.calibration.passed ? EXIT.OK : EXIT.USER_ERROR;
  },
};
