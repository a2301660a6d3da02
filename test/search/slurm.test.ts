// lensfind search on a real one-node Slurm cluster (Debian's slurm-wlm + munge, started by slurm-cluster.sh on
// loopback): a 4-shard search submitted with --submit, one task killed mid-shard (SIGSTOP, then scancel
// --signal=KILL) and requeued with the search's requeue.sh; the merged catalogue equals a single-process predict
// of the same input row for row. Skipped, with the reason, where the cluster cannot be started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetReadObjects, asyncBufferFromFile } from 'hyparquet';
import { main } from '../../src/cli/main.js';
import { predict } from '../../src/predict/predict.js';
import { shardFileName } from '../../src/predict/shard.js';
import { writeNpy } from '../../src/io/npy.js';
import { tempDir, tinyCutout, tinyRun } from '../predict/tiny-run.js';

const CLUSTER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'slurm-cluster.sh');
const SHARDS = 4;
const PER_SHARD = 600;
const PART = 2; // items per part (batch size 1): 300 parts per shard, so a shard is seen half done
const KILLED = 2; // the array task killed mid-shard

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function slurm(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}

function jobState(id: string): string {
  return /JobState=(\w+)/.exec(slurm('scontrol', ['show', 'job', id]))?.[1] ?? 'UNKNOWN';
}

/** The process of array task `task` of job `job` (the lensfind predict the batch script exec'd). */
function taskPid(job: string, task: number): number | undefined {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'latin1').split('\0');
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'latin1');
      if (
        env.includes(`SLURM_ARRAY_JOB_ID=${job}`) &&
        env.includes(`SLURM_ARRAY_TASK_ID=${task}`) &&
        cmd.includes('lensfind.js')
      )
        return Number(d);
    } catch {
      // a process that ended while listed
    }
  }
  return undefined;
}

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined | false, everyMs = 200) {
  const t0 = Date.now();
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function rows(file: string) {
  return parquetReadObjects({ file: await asyncBufferFromFile(file) });
}

test('search --slurm --submit: 4 shards, one killed mid-shard and requeued, equals one predict', async (t) => {
  if (process.platform !== 'linux') return t.skip('the Slurm test needs Linux');
  const clusterDir = tempDir('slurm');
  const up = spawnSync('bash', [CLUSTER, 'start', clusterDir], { encoding: 'utf8', timeout: 600_000 });
  if (up.status === 77) return t.skip(`Slurm could not be started: ${up.stderr.trim()}`);
  t.after(() => spawnSync('bash', [CLUSTER, 'stop', clusterDir]));
  assert.equal(up.status, 0, `slurm-cluster.sh start failed: ${up.stderr}`);
  process.env.SLURM_CONF = path.join(clusterDir, 'slurm.conf');
  t.after(() => delete process.env.SLURM_CONF);

  const { runDir, root } = await tinyRun('slurm');
  const n = SHARDS * PER_SHARD;
  const stack = new Float32Array(n * 3 * 16 * 16);
  for (let i = 0; i < n; i++) stack.set(tinyCutout(i % 3 === 0 ? 1 : 0, 1000 + i), i * 3 * 16 * 16);
  const input = path.join(root, 'survey.npy');
  writeNpy(input, stack, [n, 3, 16, 16]);
  const out = path.join(root, 'slurm', 'catalog.parquet');
  const dir = path.join(root, 'slurm', 'jobs');
  const flags = ['--batch-size', '1', '--part-size', String(PART), '--workers', '0'];
  const errors: string[] = [];
  const consoleError = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(' '));
  const code = await main([
    'search',
    ...['--run', runDir, '--input', input, '--out', out, '--shards', String(SHARDS), '--dir', dir],
    ...['--slurm', '--submit', '--throttle', '2', '--time', '0:10:00', '--mem', '1G'],
    ...['--set', 'slurm.cpus_per_task=1', ...flags],
  ]);
  console.error = consoleError;
  assert.equal(code, 0, errors.join('\n'));
  const jobs = JSON.parse(readFileSync(path.join(dir, 'jobs.json'), 'utf8')) as {
    arrayJob: string;
    mergeJob: string;
  };
  const parts = `${out}.parts`;
  const shardParts = (k: number) =>
    existsSync(parts)
      ? readdirSync(parts).filter((f) => /^part-\d+\.json$/.test(f) && Number(f.slice(5, 11)) % SHARDS === k)
      : [];

  // Kill task KILLED once it has written some of its parts: stop it first, so it is caught mid-shard.
  const pid = await until(
    `task ${KILLED} writing parts`,
    240_000,
    () => shardParts(KILLED).length > 0 && taskPid(jobs.arrayJob, KILLED),
    10,
  );
  process.kill(pid, 'SIGSTOP');
  const doneAtKill = shardParts(KILLED).length;
  assert.ok(
    doneAtKill < PER_SHARD / PART,
    `task ${KILLED} had finished its shard before it could be stopped`,
  );
  assert.equal(existsSync(path.join(parts, shardFileName(KILLED, SHARDS))), false);
  slurm('scancel', ['--signal=KILL', '--full', `${jobs.arrayJob}_${KILLED}`]);
  await until(
    `task ${KILLED} ending`,
    60_000,
    () => !['RUNNING', 'COMPLETING'].includes(jobState(`${jobs.arrayJob}_${KILLED}`)),
  );
  // The other tasks finish; the merge waits, its dependency unmet.
  await until('the other tasks', 300_000, () =>
    [0, 1, 2, 3].filter((k) => k !== KILLED).every((k) => jobState(`${jobs.arrayJob}_${k}`) === 'COMPLETED'),
  );
  assert.equal(jobState(jobs.mergeJob), 'PENDING');
  assert.equal(existsSync(out), false);

  // Requeue it (and the merge's dependency), without Slurm's requeue delay.
  execFileSync('bash', [path.join(dir, 'requeue.sh'), String(KILLED)]);
  slurm('scontrol', ['update', `JobId=${jobs.arrayJob}_${KILLED}`, 'StartTime=now']);
  await until('the merge', 300_000, () => {
    const s = jobState(jobs.mergeJob);
    if (['FAILED', 'CANCELLED', 'TIMEOUT'].includes(s)) throw new Error(`the merge job ended ${s}`);
    return s === 'COMPLETED';
  });
  const log = readFileSync(path.join(dir, 'logs', `lensfind-search-${jobs.arrayJob}_${KILLED}.out`), 'utf8');
  const rescored = Number(/shard 3\/4: scored (\d+) images/.exec(log)?.[1]);
  assert.ok(
    rescored < PER_SHARD,
    `the requeued task scored ${rescored} images: it did not continue from its parts`,
  );
  assert.ok(rescored <= PER_SHARD - doneAtKill * PART, 'the requeued task re-scored kept parts');
  t.diagnostic(
    `task ${KILLED} killed after ${doneAtKill} of ${PER_SHARD / PART} parts; requeued, it scored ${rescored}`,
  );

  const ref = path.join(root, 'ref', 'catalog.parquet');
  await predict({ runs: [runDir], input, out: ref, batchSize: 1, partSize: PART, workers: 0 });
  const [got, want] = [await rows(out), await rows(ref)];
  assert.equal(want.length, n);
  assert.equal(got.length, n);
  assert.deepEqual(got, want, 'the Slurm search catalogue differs from a single predict');
  assert.equal(new Set(got.map((r) => r.id)).size, n, 'every cutout exactly once');
});
