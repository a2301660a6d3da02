import type { Command, ParsedArgs } from '../command.js';
import { numberFlag } from '../flags.js';
import { LensfindError } from '../../errors.js';
import type { infer as inference } from '../../index.js';
import { required, scoringFromArgs, scoringOptions } from './evaluate.js';

/**
 * `--runs R1 R2 ...` and `--weights 1 2 ...`: node's parser keeps the first value of each flag and leaves the
 * rest as positionals; numbers among them are weights when --weights was given, the others are runs.
 * Comma-separated lists (`--runs R1,R2 --weights 1,2`) also work.
 */
export function runsAndWeights(values: ParsedArgs['values'], positionals: string[], cmd: string) {
  const split = (v: unknown) =>
    ((v as string[] | undefined) ?? []).flatMap((s) => s.split(',')).filter(Boolean);
  const runs = split(values.runs);
  const weightsGiven = values.weights !== undefined;
  const weights = split(values.weights);
  for (const p of positionals) {
    if (weightsGiven && Number.isFinite(Number(p))) weights.push(p);
    else runs.push(p);
  }
  if (runs.length > 0 && values.runs === undefined) {
    throw new LensfindError('E_USAGE', `lensfind ${cmd}: unexpected arguments ${positionals.join(' ')}`);
  }
  return { runs, weights: weightsGiven ? weights.map((w) => numberFlag('weights', w)!) : undefined };
}

export const methodOptions = {
  runs: { type: 'string', multiple: true, description: 'the run folders to combine', valueName: 'R1 R2 ...' },
  method: {
    type: 'string',
    description: 'mean, logit-mean or weighted (default: weighted with --weights, else mean)',
    valueName: 'NAME',
  },
  weights: {
    type: 'string',
    multiple: true,
    description: "one weight per run (method 'weighted')",
    valueName: 'W1 W2 ...',
  },
} as const;

export function parseMethod(value: unknown, weights: number[] | undefined): inference.CombineMethod {
  const method = (value as string | undefined) ?? (weights ? 'weighted' : 'mean');
  if (!['mean', 'logit-mean', 'weighted'].includes(method)) {
    throw new LensfindError('E_USAGE', `--method ${method}: expected mean, logit-mean or weighted`);
  }
  if (method === 'weighted' && !weights)
    throw new LensfindError('E_USAGE', '--method weighted needs --weights W1 W2 ...');
  return method as inference.CombineMethod;
}

export const ensembleCommand: Command = {
  name: 'ensemble',
  summary:
    'Combine several runs (any architectures and input sizes, each with its own normalisation and temperature) on one ' +
    'dataset and write the same report as evaluate into --out.',
  usage: '--runs R1 R2 ... --out DIR [--method mean|logit-mean|weighted] [--weights W1 W2 ...] [--data PATH]',
  allowPositionals: true,
  options: {
    ...methodOptions,
    ...scoringOptions,
    out: { type: 'string', short: 'o', description: 'output folder', valueName: 'DIR' },
    bootstrap: {
      type: 'string',
      description: 'bootstrap resamples for the intervals',
      valueName: 'N',
      default: '1000',
    },
  },
  async run({ values, positionals }) {
    const { runs, weights } = runsAndWeights(values, positionals, 'ensemble');
    if (runs.length === 0)
      throw new LensfindError('E_USAGE', 'lensfind ensemble: --runs R1 R2 ... is required');
    const out = required(values, 'out', 'ensemble');
    const method = parseMethod(values.method, weights);
    const { evaluateEnsemble, printEvaluation } = (await import('../../index.js')).eval;
    const { intFlag } = await import('../flags.js');
    const opts = scoringFromArgs(values, 'ensemble');
    const bootstrap = intFlag('bootstrap', values.bootstrap);
    const res = await evaluateEnsemble(runs, { ...opts, out, method, weights, bootstrap });
    opts.finishBar();
    console.log(`method: ${method}${weights ? ` (weights ${weights.join(', ')})` : ''}`);
    printEvaluation(res);
  },
};
