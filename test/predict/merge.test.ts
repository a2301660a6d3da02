// Sharded predict + lensfind merge: the merged catalogue equals an unsharded predict's row for row; missing shards
// are named; the shard comes from Slurm's or Kubernetes' environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { predict } from '../../src/predict/predict.js';
import { MissingShardsError, mergeShards } from '../../src/predict/merge.js';
import { shardFromEnv, shardFileName } from '../../src/predict/shard.js';
import { main } from '../../src/cli/main.js';
import { tinyRun } from './tiny-run.js';

test('shardFromEnv: Slurm arrays (any start and step) and Kubernetes indexed Jobs', () => {
  assert.equal(shardFromEnv({}), undefined);
  assert.deepEqual(shardFromEnv({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '8' }), {
    index: 3,
    count: 8,
    source: 'SLURM_ARRAY_TASK_ID',
  });
  // --array=1-8: task 1 is shard 0.
  const s = shardFromEnv({
    SLURM_ARRAY_TASK_ID: '1',
    SLURM_ARRAY_TASK_MIN: '1',
    SLURM_ARRAY_TASK_COUNT: '8',
  });
  assert.equal(s?.index, 0);
  // --array=0-14:2: task 14 is shard 7 of 8.
  const st = shardFromEnv({
    SLURM_ARRAY_TASK_ID: '14',
    SLURM_ARRAY_TASK_MIN: '0',
    SLURM_ARRAY_TASK_STEP: '2',
    SLURM_ARRAY_TASK_COUNT: '8',
  });
  assert.deepEqual([st?.index, st?.count], [7, 8]);
  assert.throws(
    () => shardFromEnv({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '8' }),
    /outside 0\.\.7/,
  );
  assert.throws(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '2' }), /SLURM_ARRAY_TASK_COUNT/);
  assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: '0', LENSFIND_SHARD_COUNT: '4' }), {
    index: 0,
    count: 4,
    source: 'JOB_COMPLETION_INDEX',
  });
  assert.equal(shardFromEnv({ JOB_COMPLETION_INDEX: '2' }, 5)?.count, 5);
  assert.throws(() => shardFromEnv({ JOB_COMPLETION_INDEX: '2' }), /LENSFIND_SHARD_COUNT/);
  assert.throws(
    () => shardFromEnv({ JOB_COMPLETION_INDEX: 'x', LENSFIND_SHARD_COUNT: '4' }),
    /expected an integer/,
  );
  assert.equal(shardFileName(2, 8), 'shard-0003-of-0008.parquet');
});

test('sharded predict + merge equals an unsharded predict, row for row', async (t) => {
  const { runDir, dataDir, root } = await tinyRun('merge');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  // 32 cutouts and two unreadable files, in parts of 3 items: 12 parts over 3 shards.
  const input = path.join(root, 'survey');
  mkdirSync(input, { recursive: true });
  for (const split of ['test_lenses', 'test_nonlenses']) {
    for (const f of readdirSync(path.join(dataDir, split)))
      copyFileSync(path.join(dataDir, split, f), path.join(input, `${split}_${f}`));
  }
  writeFileSync(path.join(input, 'test_lenses_0005x.npy'), 'not an array');
  writeFileSync(path.join(input, 'zz_broken.npy'), 'not an array either');
  const common = { runs: [runDir], input, workers: 0, batchSize: 3, partSize: 3 };

  for (const ext of ['parquet', 'csv']) {
    await t.test(`.${ext}`, async () => {
      const ref = path.join(root, `ref-${ext}`, `catalog.${ext}`);
      const refRes = await predict({ ...common, out: ref });
      assert.equal(refRes.scoredTotal, 32);
      const out = path.join(root, `sharded-${ext}`, `catalog.${ext}`);
      const shards = [2, 0]; // shard 2 (0-based 1) is left for later
      for (const index of shards) {
        const res = await predict({ ...common, out, shard: { index, count: 3 } });
        assert.equal(res.shardFile, path.join(`${out}.parts`, shardFileName(index, 3)));
        assert.ok(res.scored > 0 && res.scored < 32);
      }
      await assert.rejects(
        mergeShards({ out }),
        (e: unknown) => e instanceof MissingShardsError && e.missing.join() === '2' && /2\/3/.test(e.message),
      );
      // The CLI says so and exits non-zero.
      assert.equal(await main(['merge', '--out', out]), 2);
      const last = await predict({ ...common, out, shard: { index: 1, count: 3 } });
      // A finished shard run again scores nothing and rewrites the same file.
      const again = await predict({ ...common, out, shard: { index: 1, count: 3 } });
      assert.equal(again.scored, 0);
      assert.equal(last.scored + 0, last.scored);
      const merged = await mergeShards({ out });
      assert.equal(merged.scored, 32);
      assert.equal(merged.shards, 3);
      assert.deepEqual(
        readFileSync(out),
        readFileSync(ref),
        'merged catalogue differs from the unsharded one',
      );
      assert.equal(
        readFileSync(merged.rejectedFile, 'utf8'),
        readFileSync(refRes.rejectedFile, 'utf8'),
        'rejected.csv differs',
      );
      assert.equal(merged.rejected.length, 2);
      if (ext === 'csv') {
        const lines = readFileSync(out, 'utf8').trim().split('\n').slice(1);
        const ids = lines.map((l) => l.split(',')[0]);
        assert.equal(new Set(ids).size, 32, 'every cutout exactly once');
      }
    });
  }

  await t.test('the CLI takes the shard from Slurm or Kubernetes; merge writes the catalogue', async () => {
    const ref = readFileSync(path.join(root, 'ref-csv', 'catalog.csv'));
    const envs: [string, Record<string, string>[], string[]][] = [
      [
        'slurm',
        [1, 2, 3].map((id) => ({
          SLURM_ARRAY_TASK_ID: String(id),
          SLURM_ARRAY_TASK_MIN: '1',
          SLURM_ARRAY_TASK_COUNT: '3',
        })),
        [],
      ],
      ['k8s', [0, 1, 2, 3].map((i) => ({ JOB_COMPLETION_INDEX: String(i) })), ['--shard-count', '4']],
    ];
    for (const [name, tasks, extra] of envs) {
      const out = path.join(root, name, 'catalog.csv');
      const argv = ['predict', '--run', runDir, '--input', input, '--out', out, '--batch-size', '3'];
      for (const env of tasks) {
        Object.assign(process.env, env);
        try {
          assert.equal(await main([...argv, '--part-size', '3', '--workers', '0', ...extra]), 0);
        } finally {
          for (const k of Object.keys(env)) delete process.env[k];
        }
      }
      assert.equal(readdirSync(`${out}.parts`).filter((f) => f.endsWith('.parquet')).length, tasks.length);
      assert.equal(await main(['merge', '--out', out]), 0);
      assert.deepEqual(readFileSync(out), ref, `${name}: merged catalogue differs from the unsharded one`);
    }
  });

  await t.test('shards of another predict or a lost item are refused', async () => {
    const out = path.join(root, 'mixed', 'catalog.csv');
    for (const index of [0, 1]) await predict({ ...common, out, shard: { index, count: 2 } });
    const dir = `${out}.parts`;
    // A copy of shard 1 posing as shard 2: its items are then in two shards, and shard 2's in none.
    copyFileSync(path.join(dir, shardFileName(0, 2)), path.join(dir, shardFileName(1, 2)));
    await assert.rejects(mergeShards({ out }), /holds shard 1\/2, not 2\/2/);
  });
});
