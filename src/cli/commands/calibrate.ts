import type { Command } from '../command.js';
import { required, scoringFromArgs, scoringOptions } from './evaluate.js';

export const calibrateCommand: Command = {
  name: 'calibrate',
  summary:
    'Fit temperature scaling (probability = sigmoid(logit / T)) on a validation split and store T in <run>/calibration.json; ' +
    'evaluate, ensemble and predict then apply it. Reports ECE and log loss before and after.',
  usage: '--run RUN [--data VAL] [--split val]',
  options: {
    run: { type: 'string', short: 'r', description: 'the run folder', valueName: 'RUN' },
    ...scoringOptions,
    split: { type: 'string', description: 'split to fit on (default: val)', valueName: 'NAME' },
  },
  async run({ values }) {
    const runDir = required(values, 'run', 'calibrate');
    const { calibrateRun } = (await import('../../index.js')).eval;
    const opts = scoringFromArgs(values, 'calibrate');
    const res = await calibrateRun(runDir, opts);
    opts.finishBar();
    const f = (x: number) => x.toFixed(4);
    console.log(
      `temperature T = ${res.temperature.toPrecision(5)} (fitted on ${res.n} images of split '${res.split}')`,
    );
    console.log(`             before    after`);
    console.log(`ECE          ${f(res.before.ece)}    ${f(res.after.ece)}`);
    console.log(`log loss     ${f(res.before.logLoss)}    ${f(res.after.logLoss)}`);
    console.log(`wrote ${res.file}`);
  },
};
