import type { Command, OptionSpec, ParsedArgs } from '../command.js';
import { intFlag } from '../flags.js';
import { LensfindError } from '../../errors.js';
import { DATA_FORMATS, type DataFormat } from '../../data/index.js';
import type { Split } from '../../data/types.js';
import type { eval as evaluation } from '../../index.js';
import { Progress } from '../../log/progress.js';

/** Options shared by evaluate, ensemble and calibrate: where the data is and how to score it. */
export const scoringOptions = {
  data: {
    type: 'string',
    short: 'd',
    description:
      "dataset (any reader format; default: the run's training data, or its val-data/ after --sim)",
    valueName: 'PATH',
  },
  split: {
    type: 'string',
    description:
      'split: train, val, test or all (default: test, else val; all for other data without splits)',
    valueName: 'NAME',
  },
  format: {
    type: 'string',
    description: `data format: ${DATA_FORMATS.join(', ')} (default: detected)`,
    valueName: 'NAME',
  },
  checkpoint: { type: 'string', description: 'best or last (default: best, else last)', valueName: 'NAME' },
  tta: { type: 'boolean', description: 'average over the 8 flips and 90° rotations' },
  'batch-size': {
    type: 'string',
    short: 'b',
    description: "images per batch (default: the run's eval_batch_size)",
    valueName: 'N',
  },
  workers: { type: 'string', description: 'data worker threads', valueName: 'N' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies Record<string, OptionSpec>;

function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new LensfindError('E_USAGE', `--${flag} ${String(value)}: expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** The scoring options from the parsed flags, with a progress bar on stderr (finished when scoring ends). */
export function scoringFromArgs(
  values: ParsedArgs['values'],
  label: string,
): evaluation.EvaluateDataOptions & { finishBar(): void } {
  let bar: Progress | null = null;
  let finished = false;
  return {
    data: values.data as string | undefined,
    split: oneOf<Split | 'all'>('split', values.split, ['train', 'val', 'test', 'all']),
    format: oneOf<DataFormat>('format', values.format, DATA_FORMATS),
    checkpoint: oneOf('checkpoint', values.checkpoint, ['best', 'last'] as const),
    tta: Boolean(values.tta),
    batchSize: intFlag('batch-size', values['batch-size']),
    workers: intFlag('workers', values.workers),
    onSkip: (s) => console.error(`skipped ${s.source}: ${s.reason}`),
    onStage: (m) => console.error(`${label}: ${m}`),
    onBatch: (done, total) => {
      if (finished) return;
      bar ??= new Progress({ label, total, unit: 'images' });
      bar.update(done);
      if (done >= total) {
        finished = true;
        bar.finish();
      }
    },
    // Items skipped while scoring keep the count below the total: end the bar before printing.
    finishBar: () => {
      if (bar && !finished) bar.finish();
      finished = true;
    },
  };
}

export function required(values: ParsedArgs['values'], flag: string, cmd: string): string {
  const v = values[flag];
  if (typeof v !== 'string' || v.length === 0)
    throw new LensfindError('E_USAGE', `lensfind ${cmd}: --${flag} is required`);
  return v;
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary:
    'Score a dataset with a trained run and write <run>/eval/<dataset>/: metrics.json (with bootstrap 95% intervals), ' +
    'predictions.csv, ROC/PR/confusion/reliability/histogram/history plots (PNG and SVG) and galleries of the errors.',
  usage: '--run RUN [--checkpoint best|last] [--data PATH] [--split test] [--tta]',
  options: {
    run: { type: 'string', short: 'r', description: 'the run folder', valueName: 'RUN' },
    ...scoringOptions,
    out: {
      type: 'string',
      short: 'o',
      description: 'output folder (default: <run>/eval/<dataset>)',
      valueName: 'DIR',
    },
    bootstrap: {
      type: 'string',
      description: 'bootstrap resamples for the intervals',
      valueName: 'N',
      default: '1000',
    },
  },
  async run({ values }) {
    const runDir = required(values, 'run', 'evaluate');
    const { evaluateRun, printEvaluation } = (await import('../../index.js')).eval;
    const opts = scoringFromArgs(values, 'evaluate');
    const res = await evaluateRun(runDir, {
      ...opts,
      out: values.out as string | undefined,
      bootstrap: intFlag('bootstrap', values.bootstrap),
    });
    opts.finishBar();
    printEvaluation(res);
  },
};
