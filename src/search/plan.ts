import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LensfindError } from '../errors.js';
import type { SearchConfig } from './options.js';

/** What a search scores: the `lensfind predict` arguments every shard runs with (all paths on a shared disk). */
export interface SearchJob {
  /** One run, or several for an ensemble. */
  runs: string[];
  /** Cutouts to score (a folder or stack), unless `tiles` and `catalog` are given. */
  input?: string;
  /** Survey tiles (`tile_{band}.fits`) and the object catalogue, instead of `input`. */
  tiles?: string;
  catalog?: string;
  /** The catalogue: `<out>.parts/` holds the shards' parts. */
  out: string;
  /** Further predict options as flags (`--batch-size`, `--part-size`, `--backend`, `--tta`, ...), passed on as is. */
  predictFlags: string[];
}

/** The `lensfind` command on this machine: Node on this checkout's bin/lensfind.js (a cluster shares the disk). */
export function localLensfind(): string[] {
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/lensfind.js');
  return [process.execPath, bin];
}

/** `lensfind predict` arguments of one shard (the shard itself comes from the scheduler's environment). */
export function predictArgs(job: SearchJob, config: SearchConfig, resolve: (p: string) => string): string[] {
  if (job.runs.length === 0) throw new LensfindError('E_USAGE', 'search: give --run RUN or --runs R1 R2 ...');
  const hasTiles = job.tiles !== undefined || job.catalog !== undefined;
  if (hasTiles && (job.tiles === undefined || job.catalog === undefined)) {
    throw new LensfindError('E_USAGE', 'search: --tiles and --catalog go together');
  }
  if (hasTiles === (job.input !== undefined)) {
    throw new LensfindError('E_USAGE', 'search: give --input PATH, or --tiles PATTERN with --catalog FILE');
  }
  const runs =
    job.runs.length === 1 ? ['--run', resolve(job.runs[0])] : job.runs.flatMap((r) => ['--runs', resolve(r)]);
  const input =
    job.input !== undefined
      ? ['--input', resolve(job.input)]
      : ['--tiles', resolve(job.tiles!), '--catalog', resolve(job.catalog!)];
  return [
    'predict',
    ...runs,
    ...input,
    '--out',
    resolve(job.out),
    '--shard-count',
    String(config.shards),
    ...job.predictFlags,
  ];
}

export function mergeArgs(job: SearchJob, resolve: (p: string) => string): string[] {
  return ['merge', '--out', resolve(job.out)];
}
