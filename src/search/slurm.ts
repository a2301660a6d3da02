import { execFileSync } from 'node:child_process';
import { LensfindError } from '../errors.js';
import type { SearchConfig } from './options.js';
import { shellJoin } from './shell.js';

export interface SlurmScripts {
  /** The array job: one task per shard. */
  array: string;
  /** The merge, submitted with `--dependency=afterok:J_0:J_1:...` on the array J's tasks. */
  merge: string;
}

function header(lines: (string | false | undefined)[]): string[] {
  return lines.filter((l): l is string => typeof l === 'string').map((l) => `#SBATCH ${l}`);
}

/**
 * The `sbatch` scripts of a search: an array of `shards` tasks (0..N-1, at most `throttle` at once), each running
 * `lensfind predict` on its shard (predict reads SLURM_ARRAY_TASK_ID), with `--requeue` so a task whose node fails
 * or that is preempted runs again and continues from its parts; and the merge, a job of its own that the caller
 * submits with `--dependency=afterok:J_0:...` (mergeDependency: it starts once every task ended with exit code 0).
 */
export function slurmScripts(
  config: SearchConfig,
  predict: string[],
  merge: string[],
  opts: { lensfind: string[]; logDir: string },
): SlurmScripts {
  const s = config.slurm;
  const last = config.shards - 1;
  const common = (jobName: string) =>
    header([
      `--job-name=${jobName}`,
      s.partition !== undefined && `--partition=${s.partition}`,
      s.account !== undefined && `--account=${s.account}`,
    ]);
  const body = (args: string[]) => [
    'set -euo pipefail',
    // libtorch and ONNX Runtime size their thread pools from these: the task's CPUs, not the node's.
    'export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `exec ${shellJoin([...opts.lensfind, ...args])}`,
  ];
  const array = [
    '#!/bin/bash',
    ...common(config.name),
    ...header([
      `--array=0-${last}${s.throttle > 0 ? `%${s.throttle}` : ''}`,
      `--time=${s.time}`,
      `--mem=${s.mem}`,
      `--cpus-per-task=${s.cpus_per_task}`,
      `--ntasks=1`,
      s.requeue && '--requeue',
      `--output=${opts.logDir}/%x-%A_%a.out`,
    ]),
    `# lensfind search: shard SLURM_ARRAY_TASK_ID of ${config.shards}; a requeued task continues from its parts.`,
    ...body(predict),
    '',
  ].join('\n');
  const mergeScript = [
    '#!/bin/bash',
    ...common(`${config.name}-merge`),
    ...header([
      `--time=${s.merge_time}`,
      `--mem=${s.merge_mem}`,
      '--cpus-per-task=1',
      '--ntasks=1',
      `--output=${opts.logDir}/%x-%j.out`,
    ]),
    '# Submit with: sbatch --dependency=afterok:J_0:J_1:... merge.sbatch on the array J (lensfind search --submit does).',
    ...body(merge),
    '',
  ].join('\n');
  return { array, merge: mergeScript };
}

export interface SlurmSubmission {
  arrayJob: string;
  mergeJob: string;
  /** The merge's dependency: afterok on every task (`afterok:J_0:J_1:...`). */
  dependency: string;
}

/** The job id `sbatch --parsable` prints (`123` or `123;cluster`). */
export function parseJobId(out: string, what: string): string {
  const id = out.trim().split(';')[0];
  if (!/^\d+$/.test(id)) {
    throw new LensfindError(
      'E_SLURM',
      `sbatch ${what}: expected a job id, got ${JSON.stringify(out.trim())}`,
    );
  }
  return id;
}

/**
 * The merge's dependency: afterok on each task, not on the array as a whole. Slurm (22.05) keeps an array's
 * worst exit code for `afterok:J`, so once a task was killed that dependency can never be met again, even after
 * the task is requeued and succeeds; per-task dependencies can be re-armed (`requeue.sh` does).
 */
export function mergeDependency(arrayJob: string, shards: number): string {
  return `afterok:${Array.from({ length: shards }, (_, i) => `${arrayJob}_${i}`).join(':')}`;
}

/**
 * Submits the array, then the merge depending on each of its tasks; with `--kill-on-invalid-dep=no` the merge
 * waits (DependencyNeverSatisfied) when a task fails, so requeueing the task and re-arming the dependency
 * (requeueScript) lets the search finish. Returns the job ids.
 */
export function submitSlurm(
  files: { array: string; merge: string },
  shards: number,
  run: (args: string[]) => string = (args) => execFileSync('sbatch', args, { encoding: 'utf8' }),
): SlurmSubmission {
  const sbatch = (args: string[], what: string) => {
    try {
      return run(args);
    } catch (err) {
      throw new LensfindError('E_SLURM', `sbatch ${what} failed: ${(err as Error).message.trim()}`);
    }
  };
  const arrayJob = parseJobId(sbatch(['--parsable', files.array], files.array), files.array);
  const dependency = mergeDependency(arrayJob, shards);
  const mergeOut = sbatch(
    ['--parsable', `--dependency=${dependency}`, '--kill-on-invalid-dep=no', files.merge],
    `${files.merge} (the array job ${arrayJob} is submitted)`,
  );
  return { arrayJob, mergeJob: parseJobId(mergeOut, files.merge), dependency };
}

/** `requeue.sh TASK...`: requeues failed or killed tasks of the submitted array and re-arms the merge's dependency. */
export function requeueScript(sub: SlurmSubmission): string {
  return [
    '#!/bin/bash',
    `# lensfind search: requeue tasks of array job ${sub.arrayJob} (./requeue.sh 3 5) and re-arm merge job ${sub.mergeJob}.`,
    '# A requeued task continues from the parts its killed run wrote.',
    'set -euo pipefail',
    '[ $# -gt 0 ] || { echo "usage: $0 TASK_ID..." >&2; exit 2; }',
    `for t in "$@"; do scontrol requeue "${sub.arrayJob}_$t"; done`,
    `scontrol update JobId=${sub.mergeJob} Dependency=${sub.dependency}`,
    '',
  ].join('\n');
}
