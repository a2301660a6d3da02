import { LensfindError } from '../errors.js';

/** Which shard of how many this process scores (0-based index), and where that came from. */
export interface ShardSpec {
  index: number;
  count: number;
  /** '--shard', 'SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX'. */
  source: string;
}

function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n)) {
    throw new LensfindError('E_USAGE', `environment ${name}=${text}: expected an integer`);
  }
  return n;
}

function checked(index: number, count: number, source: string, hint: string): ShardSpec {
  if (!Number.isInteger(count) || count < 1) {
    throw new LensfindError(
      'E_USAGE',
      `${source}: shard count ${count}: expected a positive integer (${hint})`,
    );
  }
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new LensfindError(
      'E_USAGE',
      `${source}: shard index ${index} is outside 0..${count - 1} of ${count} shards (${hint})`,
    );
  }
  return { index, count, source };
}

/**
 * The shard a job-array task scores, from its scheduler's environment, or undefined outside an array:
 * - Slurm job arrays: SLURM_ARRAY_TASK_ID, counted from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP
 *   (`--array=0-7`, `--array=1-8` and `--array=0-14:2` all give shards 0..7 of 8), of SLURM_ARRAY_TASK_COUNT;
 * - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX (0-based); Kubernetes gives no count, so it comes from `count`
 *   (`--shard-count`) or LENSFIND_SHARD_COUNT (set it to the Job's `completions`).
 * `count` overrides the scheduler's count.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env, count?: number): ShardSpec | undefined {
  const slurmId = envInt(env, 'SLURM_ARRAY_TASK_ID');
  if (slurmId !== undefined) {
    const min = envInt(env, 'SLURM_ARRAY_TASK_MIN') ?? 0;
    const step = envInt(env, 'SLURM_ARRAY_TASK_STEP') ?? 1;
    const n = count ?? envInt(env, 'SLURM_ARRAY_TASK_COUNT');
    const hint = 'SLURM_ARRAY_TASK_ID, _MIN, _STEP and _COUNT, or --shard-count';
    if (n === undefined) {
      throw new LensfindError(
        'E_USAGE',
        `SLURM_ARRAY_TASK_ID=${slurmId} without SLURM_ARRAY_TASK_COUNT: give --shard-count N`,
      );
    }
    if (step < 1 || (slurmId - min) % step !== 0) {
      throw new LensfindError(
        'E_USAGE',
        `SLURM_ARRAY_TASK_ID=${slurmId} is not on the array's grid (min ${min}, step ${step}); give --shard i/N`,
      );
    }
    return checked((slurmId - min) / step, n, 'SLURM_ARRAY_TASK_ID', hint);
  }
  const k8s = envInt(env, 'JOB_COMPLETION_INDEX');
  if (k8s !== undefined) {
    const n = count ?? envInt(env, 'LENSFIND_SHARD_COUNT');
    if (n === undefined) {
      throw new LensfindError(
        'E_USAGE',
        `JOB_COMPLETION_INDEX=${k8s}: Kubernetes gives no shard count; give --shard-count N or set ` +
          "LENSFIND_SHARD_COUNT to the Job's completions",
      );
    }
    return checked(k8s, n, 'JOB_COMPLETION_INDEX', '--shard-count or LENSFIND_SHARD_COUNT');
  }
  return undefined;
}

/** The shard's file name in the parts folder: `shard-0003-of-0008.parquet` for shard 3/8 (1-based, as --shard). */
export function shardFileName(index: number, count: number): string {
  const w = Math.max(4, String(count).length);
  return `shard-${String(index + 1).padStart(w, '0')}-of-${String(count).padStart(w, '0')}.parquet`;
}

export const SHARD_FILE = /^shard-(\d+)-of-(\d+)\.parquet$/;
