// lensfind search's Slurm scripts and Kubernetes manifests, without a cluster (test/search/slurm.test.ts runs one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { searchConfigSchema } from '../../src/search/options.js';
import { predictArgs } from '../../src/search/plan.js';
import { writeSearch } from '../../src/search/search.js';
import { shellJoin } from '../../src/search/shell.js';
import { mergeDependency, submitSlurm } from '../../src/search/slurm.js';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../predict/tiny-run.js';

test('shellJoin: bash reads back every word unchanged', () => {
  const words = [
    'plain',
    'with space',
    "it's",
    '$HOME',
    'a"b',
    '*',
    '',
    'tile_{band}.fits',
    'x\ny',
    '--set=a=b',
  ];
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${shellJoin(words)}`], { encoding: 'utf8' });
  assert.deepEqual(out.split('\0').slice(0, -1), words);
});

test('search: the sbatch array, the merge and the Indexed Job carry the same predict', (t) => {
  const dir = tempDir('search');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = searchConfigSchema.parse({
    shards: 6,
    name: 'lenses-q1',
    slurm: { throttle: 3, time: '1-02:00:00', mem: '5G', partition: 'cpu', cpus_per_task: 4 },
    k8s: { parallelism: 10, backoff_limit_per_index: 2, image: 'registry/lensfind:1', mount_path: '/mnt/s' },
  });
  const job = {
    runs: ['runs/a b', 'runs/c'],
    input: 'in put',
    out: 'out/cands.parquet',
    predictFlags: ['--part-size', '64'],
  };
  const res = writeSearch({ job, config, dir, slurm: true, k8s: true, lensfind: ['lensfind'] });
  assert.deepEqual(
    res.files.map((f) => path.basename(f)),
    ['search.sbatch', 'merge.sbatch', 'job.yaml', 'merge-job.yaml'],
  );
  const sbatch = readFileSync(path.join(dir, 'search.sbatch'), 'utf8');
  const directives = sbatch.split('\n').filter((l) => l.startsWith('#SBATCH '));
  for (const d of [
    '--array=0-5%3',
    '--time=1-02:00:00',
    '--mem=5G',
    '--requeue',
    '--partition=cpu',
    '--cpus-per-task=4',
  ])
    assert.ok(directives.includes(`#SBATCH ${d}`), `${d} missing in\n${sbatch}`);
  // The command line bash will run: the words predict gets.
  const line = sbatch.split('\n').find((l) => l.startsWith('exec '))!;
  const words = execFileSync('bash', ['-c', `printf '%s\\0' ${line.slice(5)}`], { encoding: 'utf8' }).split(
    '\0',
  );
  const abs = (p: string) => path.resolve(p);
  assert.deepEqual(words.slice(0, -1), [
    'lensfind',
    ...['predict', '--runs', abs('runs/a b'), '--runs', abs('runs/c'), '--input', abs('in put')],
    ...['--out', abs('out/cands.parquet'), '--shard-count', '6', '--part-size', '64'],
  ]);
  assert.match(
    readFileSync(path.join(dir, 'merge.sbatch'), 'utf8'),
    /\nexec lensfind merge --out \S+cands\.parquet\n/,
  );

  const k8s = YAML.parse(readFileSync(path.join(dir, 'job.yaml'), 'utf8'));
  assert.equal(k8s.kind, 'Job');
  assert.equal(k8s.spec.completionMode, 'Indexed');
  assert.equal(k8s.spec.completions, 6);
  assert.equal(k8s.spec.parallelism, 6, 'no more pods than shards');
  assert.equal(k8s.spec.backoffLimitPerIndex, 2);
  const pod = k8s.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never', 'backoffLimitPerIndex needs restartPolicy Never');
  const c = pod.containers[0];
  assert.equal(c.image, 'registry/lensfind:1');
  assert.deepEqual(c.command.slice(0, 8), [
    'lensfind',
    'predict',
    '--runs',
    '/mnt/s/runs/a b',
    '--runs',
    '/mnt/s/runs/c',
    '--input',
    '/mnt/s/in put',
  ]);
  assert.deepEqual(
    c.env.find((e: { name: string }) => e.name === 'LENSFIND_SHARD_COUNT'),
    { name: 'LENSFIND_SHARD_COUNT', value: '6' },
  );
  assert.equal(c.volumeMounts[0].mountPath, '/mnt/s');
  const merge = YAML.parse(readFileSync(path.join(dir, 'merge-job.yaml'), 'utf8'));
  assert.deepEqual(merge.spec.template.spec.containers[0].command, [
    'lensfind',
    'merge',
    '--out',
    '/mnt/s/out/cands.parquet',
  ]);
});

test('search --submit: the array first, then the merge after every task; requeue.sh re-arms it', (t) => {
  const dir = tempDir('submit');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const calls: string[][] = [];
  const sbatch = (args: string[]) => {
    calls.push(args);
    return calls.length === 1 ? '4242;cluster\n' : '4243\n';
  };
  const config = searchConfigSchema.parse({ shards: 3 });
  const job = { runs: ['r'], input: 'i', out: 'o.parquet', predictFlags: [] };
  const res = writeSearch({ job, config, dir, slurm: true, submit: true, sbatch });
  assert.deepEqual(res.submitted, {
    arrayJob: '4242',
    mergeJob: '4243',
    dependency: 'afterok:4242_0:4242_1:4242_2',
  });
  assert.deepEqual(calls[0], ['--parsable', path.join(dir, 'search.sbatch')]);
  assert.deepEqual(calls[1], [
    '--parsable',
    '--dependency=afterok:4242_0:4242_1:4242_2',
    '--kill-on-invalid-dep=no',
    path.join(dir, 'merge.sbatch'),
  ]);
  const requeue = readFileSync(path.join(dir, 'requeue.sh'), 'utf8');
  assert.match(requeue, /scontrol requeue "4242_\$t"/);
  assert.match(requeue, /scontrol update JobId=4243 Dependency=afterok:4242_0:4242_1:4242_2/);
  assert.equal(mergeDependency('7', 1), 'afterok:7_0');
  assert.throws(
    () => submitSlurm({ array: 'a', merge: 'm' }, 2, () => 'Submitted batch job 5'),
    /expected a job id/,
  );
});

test('search: bad arguments and settings are named', async () => {
  const config = searchConfigSchema.parse({});
  const args = { runs: ['r'], out: 'o', predictFlags: [] };
  assert.throws(() => predictArgs({ ...args }, config, (p) => p), /--input PATH, or --tiles/);
  assert.throws(
    () => predictArgs({ ...args, input: 'i', tiles: 't', catalog: 'c' }, config, (p) => p),
    /--input PATH, or --tiles/,
  );
  assert.throws(
    () => predictArgs({ ...args, tiles: 't' }, config, (p) => p),
    /--tiles and --catalog go together/,
  );
  assert.deepEqual(
    predictArgs({ ...args, tiles: '/t_{band}.fits', catalog: '/c.csv' }, config, (p) => p).slice(3, 7),
    ['--tiles', '/t_{band}.fits', '--catalog', '/c.csv'],
  );
  assert.throws(() => searchConfigSchema.parse({ slurm: { time: 'two hours' } }), /Slurm time/);
  assert.throws(() => searchConfigSchema.parse({ name: 'Lens_Search' }), /DNS-1123/);
  // The CLI: a usage error (exit 2) with the key named.
  const errors: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => errors.push(a.join(' '));
  try {
    assert.equal(
      await main(['search', '--run', 'r', '--input', 'i', '--out', 'o.parquet', '--slurm', '--mem', 'lots']),
      2,
    );
    assert.equal(await main(['search', '--run', 'r', '--input', 'i', '--out', 'o.parquet']), 2);
  } finally {
    console.error = original;
  }
  assert.match(errors[0], /slurm\.mem/);
  assert.match(errors[1], /--slurm, --k8s or both/);
});
