import { chmodSync } from 'node:fs';
import path from 'node:path';
import { LensfindError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { makeDirs } from '../io/mkdirs.js';
import { k8sManifests } from './k8s.js';
import type { SearchConfig } from './options.js';
import { localLensfind, mergeArgs, predictArgs, type SearchJob } from './plan.js';
import { requeueScript, slurmScripts, submitSlurm, type SlurmSubmission } from './slurm.js';

export interface SearchOptions {
  job: SearchJob;
  config: SearchConfig;
  /** Where the scripts and manifests are written (and Slurm's logs, in `logs/`). */
  dir: string;
  slurm?: boolean;
  k8s?: boolean;
  /** Submit the Slurm scripts with sbatch (the array, then the merge with afterok). */
  submit?: boolean;
  /** The lensfind command in a Slurm task (default: Node on this checkout, see localLensfind). */
  lensfind?: string[];
  /** sbatch, replaceable for tests of the submission itself. */
  sbatch?: (args: string[]) => string;
}

export interface SearchResult {
  files: string[];
  submitted?: SlurmSubmission;
}

/**
 * `lensfind search`: writes a sharded predict of `job` for a scheduler: Slurm (`search.sbatch` + `merge.sbatch`,
 * optionally submitted) and/or Kubernetes (`job.yaml` + `merge-job.yaml`). Every file is written atomically.
 * Slurm paths are made absolute here (tasks start elsewhere on the shared disk); Kubernetes paths relative to
 * the volume's mount path.
 */
export function writeSearch(opts: SearchOptions): SearchResult {
  if (!opts.slurm && !opts.k8s) throw new LensfindError('E_USAGE', 'search: give --slurm, --k8s or both');
  if (opts.submit && !opts.slurm)
    throw new LensfindError('E_USAGE', 'search: --submit submits the Slurm scripts: give --slurm');
  const dir = path.resolve(opts.dir);
  makeDirs(dir);
  const files: string[] = [];
  const write = (name: string, text: string, executable = false) => {
    const file = path.join(dir, name);
    writeFileAtomic(file, text);
    if (executable) chmodSync(file, 0o755);
    files.push(file);
    return file;
  };
  let submitted: SlurmSubmission | undefined;
  if (opts.slurm) {
    const abs = (p: string) => path.resolve(p);
    const logDir = path.join(dir, 'logs');
    makeDirs(logDir);
    const s = slurmScripts(opts.config, predictArgs(opts.job, opts.config, abs), mergeArgs(opts.job, abs), {
      lensfind: opts.lensfind ?? localLensfind(),
      logDir,
    });
    const array = write('search.sbatch', s.array, true);
    const merge = write('merge.sbatch', s.merge, true);
    if (opts.submit) {
      submitted = submitSlurm({ array, merge }, opts.config.shards, opts.sbatch);
      write('requeue.sh', requeueScript(submitted), true);
      write('jobs.json', JSON.stringify(submitted, null, 2) + '\n');
    }
  }
  if (opts.k8s) {
    const mount = opts.config.k8s.mount_path;
    const onVolume = (p: string) =>
      path.posix.isAbsolute(p) ? p : path.posix.join(mount, p.split(path.sep).join('/'));
    const m = k8sManifests(
      opts.config,
      predictArgs(opts.job, opts.config, onVolume),
      mergeArgs(opts.job, onVolume),
    );
    write('job.yaml', m.job);
    write('merge-job.yaml', m.merge);
  }
  return { files, submitted };
}
