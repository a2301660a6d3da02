import type { Command } from '../command.js';
import { intFlag } from '../flags.js';
import { configSources, flagConfigLayers } from '../config-flags.js';
import { LensfindError } from '../../errors.js';
import { runsAndWeights } from './ensemble.js';

/** predict flags a search passes on to every shard unchanged. */
const PASSED = [
  'batch-size',
  'part-size',
  'backend',
  'checkpoint',
  'workers',
  'format',
  'data-root',
  'method',
];

export const searchCommand: Command = {
  name: 'search',
  summary:
    'Write a sharded predict for a cluster: a Slurm job array and its merge (--slurm, --submit to sbatch them) ' +
    'and/or a Kubernetes Indexed Job and its merge Job (--k8s).',
  usage:
    '--run RUN | --runs R1 R2 ... (--input PATH | --tiles PATTERN --catalog FILE) --out catalog.parquet ' +
    '--shards N (--slurm [--submit] | --k8s) [--dir DIR] [--config search.yaml] [--set slurm.time=4:00:00]',
  allowPositionals: true,
  options: {
    run: { type: 'string', short: 'r', description: 'the run folder', valueName: 'RUN' },
    runs: {
      type: 'string',
      multiple: true,
      description: 'the run folders of an ensemble',
      valueName: 'R1 R2 ...',
    },
    input: { type: 'string', short: 'i', description: 'cutouts to score (as predict)', valueName: 'PATH' },
    tiles: {
      type: 'string',
      description: "survey tiles, e.g. 'tile_{band}.fits' (with --catalog)",
      valueName: 'PATTERN',
    },
    catalog: {
      type: 'string',
      description: 'objects with ra, dec (.parquet or .csv), with --tiles',
      valueName: 'FILE',
    },
    out: {
      type: 'string',
      short: 'o',
      description: 'the catalogue every shard writes into',
      valueName: 'FILE',
    },
    shards: {
      type: 'string',
      short: 'n',
      description: 'number of shards (array tasks, completion indexes)',
      valueName: 'N',
    },
    slurm: { type: 'boolean', description: 'write search.sbatch and merge.sbatch' },
    submit: {
      type: 'boolean',
      description: 'sbatch them: the array, then the merge with --dependency=afterok',
    },
    k8s: { type: 'boolean', description: 'write job.yaml (Indexed Job) and merge-job.yaml' },
    dir: { type: 'string', description: 'where to write them (default: <out>.search)', valueName: 'DIR' },
    config: {
      type: 'string',
      short: 'c',
      description: 'scheduler settings (configs/search.yaml)',
      valueName: 'FILE',
    },
    set: {
      type: 'string',
      multiple: true,
      description: 'override a setting, e.g. slurm.mem=8G',
      valueName: 'KEY=VALUE',
    },
    throttle: { type: 'string', description: 'Slurm tasks at once (--array=0-N%K)', valueName: 'K' },
    time: { type: 'string', description: 'Slurm wall time per task', valueName: 'D-HH:MM:SS' },
    mem: { type: 'string', description: 'Slurm memory per task', valueName: 'SIZE' },
    image: { type: 'string', description: 'Kubernetes container image', valueName: 'IMAGE' },
    parallelism: { type: 'string', description: 'Kubernetes pods at once', valueName: 'N' },
    bands: {
      type: 'string',
      description: "passed to predict: the tiles' bands, e.g. g,r,i",
      valueName: 'LIST',
    },
    'batch-size': { type: 'string', short: 'b', description: 'passed to predict', valueName: 'N' },
    'part-size': { type: 'string', description: 'passed to predict', valueName: 'N' },
    backend: { type: 'string', description: 'passed to predict (onnx or torch)', valueName: 'NAME' },
    checkpoint: { type: 'string', description: 'passed to predict', valueName: 'NAME' },
    workers: { type: 'string', description: 'passed to predict', valueName: 'N' },
    format: { type: 'string', description: 'passed to predict', valueName: 'NAME' },
    'data-root': { type: 'string', description: 'passed to predict', valueName: 'DIR' },
    method: { type: 'string', description: 'passed to predict (ensembles)', valueName: 'NAME' },
    tta: { type: 'boolean', description: 'passed to predict' },
    help: { type: 'boolean', short: 'h', description: 'show this help' },
  },
  async run({ values, positionals }) {
    const { runs } = runsAndWeights(values, positionals, 'search');
    if (values.run) runs.unshift(values.run as string);
    if (!values.out) throw new LensfindError('E_USAGE', 'lensfind search: --out catalog.parquet is required');
    const { search, config: configs } = await import('../../index.js');
    const config = configs.loadConfig(search.searchConfigSchema, {
      ...configSources(values),
      flags: flagConfigLayers(values, [
        ['shards', 'shards', intFlag],
        ['throttle', 'slurm.throttle', intFlag],
        ['time', 'slurm.time'],
        ['mem', 'slurm.mem'],
        ['image', 'k8s.image'],
        ['parallelism', 'k8s.parallelism', intFlag],
      ]),
    });
    const predictFlags = PASSED.flatMap((f) =>
      values[f] === undefined ? [] : [`--${f}`, String(values[f])],
    );
    if (values.tta) predictFlags.push('--tta');
    const out = values.out as string;
    const res = search.writeSearch({
      job: {
        runs,
        input: values.input as string | undefined,
        tiles: values.tiles as string | undefined,
        catalog: values.catalog as string | undefined,
        out,
        predictFlags,
      },
      config,
      dir: (values.dir as string | undefined) ?? `${out}.search`,
      slurm: Boolean(values.slurm),
      k8s: Boolean(values.k8s),
      submit: Boolean(values.submit),
    });
    for (const f of res.files) console.log(`wrote ${f}`);
    if (res.submitted) {
      console.log(
        `submitted array job ${res.submitted.arrayJob} (${config.shards} tasks) and merge job ` +
          `${res.submitted.mergeJob} (afterok:${res.submitted.arrayJob}); the catalogue: ${out}`,
      );
    }
  },
};
