// Fault injection, kill -9 and damaged files, through the real CLI: `simulate` and `predict` killed at points
// picked by a seeded generator, then run again with the same arguments, must end with exactly the bytes of an
// uninterrupted run (nothing lost, nothing duplicated); a truncated or damaged shard is rendered again, not
// trusted because it exists; sharded predict (--shard i/N) merges into the same catalogue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { readCsv } from '../../src/io/csv.js';
import { writeNpy } from '../../src/io/npy.js';
import { predict } from '../../src/predict/predict.js';
import { loadSimulateConfig, simulateDataset } from '../../src/sim/dataset/index.js';
import { mulberry32 } from '../helpers/mulberry32.js';
import { tempDir, tinyCutout, tinyRun } from '../predict/tiny-run.js';
import { assertExit, cli, countFiles, killWhen, startCli } from './io-cli.js';

/** Every file under `dir` (relative path → bytes), hidden ones included. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

function assertSameTree(actual: string, expected: string, what: string): void {
  const a = tree(actual);
  const e = tree(expected);
  assert.deepEqual([...a.keys()].sort(), [...e.keys()].sort(), `${what}: the same files`);
  for (const [f, bytes] of e) assert.ok(a.get(f)!.equals(bytes), `${what}: ${f} differs`);
}

test('simulate killed with -9 at random points resumes to the bytes of an uninterrupted run; damaged shards are redone', async (t) => {
  const root = tempDir('faults-sim');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const args = (out: string, workers: string) => [
    'simulate',
    '--preset',
    'simple',
    '--n',
    '360',
    '--seed',
    '3',
    '--workers',
    workers,
    '--set',
    'image_size=24',
    '--set',
    'output.shard_size=12',
    '--set',
    'output.previews=2',
    '--out',
    out,
  ];
  // The references are made in-process (the library call the CLI makes): only the probes pay a process start.
  const ref = path.join(root, 'ref');
  const flags = { n: 360, seed: 3, workers: 0 };
  const overrides = ['image_size=24', 'output.shard_size=12', 'output.previews=2'];
  await simulateDataset(loadSimulateConfig({ preset: 'simple', flags, overrides }), {
    out: ref,
    quiet: true,
  });
  const shards = countFiles(path.join(ref, '.shards'), /\.json$/);
  assert.equal(shards, 30);

  const rnd = mulberry32(16);
  for (let k = 0; k < 2; k++) {
    const out = path.join(root, `killed-${k}`);
    const after: number = 2 + Math.floor(rnd() * (shards - 12)); // kill once this many shards are complete
    const killed = await killWhen(
      // Two worker threads writing shards at once in the first kill, the main thread in the second.
      startCli(args(out, k === 0 ? '2' : '0'), { timeoutMs: 60_000 }),
      () => countFiles(path.join(out, '.shards'), /\.json$/) >= after,
    );
    assert.equal(killed.signal, 'SIGKILL', `kill ${k} after ${after} shards: it finished first`);
    const resumed = await cli(args(out, '0'), { timeoutMs: 60_000 });
    assertExit(resumed, 0, `resume after a kill at ${after} shards`);
    assert.match(resumed.stderr, /30 shards, \d+ already complete/);
    assertSameTree(out, ref, `killed after ${after} shards, resumed`);
  }

  // A truncated shard and a damaged one (same size, one byte changed): rendered again, not "complete".
  const out = path.join(root, 'killed-0');
  const a = path.join(out, 'images/shard-00007.npy');
  truncateSync(a, readFileSync(a).length - 100);
  const b = path.join(out, 'images/shard-00011.npy');
  const bytes = readFileSync(b);
  bytes[bytes.length - 5] ^= 0xff;
  writeFileSync(b, bytes);
  const redo = await cli(args(out, '0'), { timeoutMs: 60_000 });
  assertExit(redo, 0, 'simulate over damaged shards');
  assert.match(
    redo.stderr,
    /shard-00007: images\/shard-00007\.npy has \d+ bytes, \d+ were written: rendering it again/,
  );
  assert.match(
    redo.stderr,
    /shard-00011: images\/shard-00011\.npy does not match its checksum: rendering it again/,
  );
  assert.match(redo.stderr, /30 shards, 28 already complete/);
  assertSameTree(out, ref, 'damaged shards redone');
});

test('predict killed with -9 at random points continues from its parts to the same catalogue; --shard i/N merges to it', async (t) => {
  const { runDir, root } = await tinyRun('faults-predict');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const input = path.join(root, 'survey');
  mkdirSync(input);
  for (let i = 0; i < 600; i++) {
    const name = path.join(input, `c${String(i).padStart(4, '0')}.npy`);
    if (i % 97 === 5)
      writeFileSync(name, 'not an array'); // bad files among them: rejected exactly once
    else writeNpy(name, tinyCutout(i % 2, 1000 + i), [3, 16, 16]);
  }
  const args = (out: string, ...extra: string[]) => [
    'predict',
    '--run',
    runDir,
    '--input',
    input,
    '--out',
    out,
    '--batch-size',
    '8',
    '--part-size',
    '24',
    ...extra,
  ];
  const refOut = path.join(root, 'ref', 'catalog.csv');
  await predict({ runs: [runDir], input, out: refOut, batchSize: 8, partSize: 24, workers: 0 });
  const ref = readFileSync(refOut);
  const refRejected = readFileSync(path.join(root, 'ref', 'rejected.csv'));
  const rows = readCsv(refOut);
  assert.equal(rows.length, 600 - 7);
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
  assert.equal(readCsv(path.join(root, 'ref', 'rejected.csv')).length, 7);
  assert.ok(!existsSync(`${refOut}.parts`), 'the parts are removed once the catalogue is written');

  const rnd = mulberry32(29);
  for (let k = 0; k < 2; k++) {
    const out = path.join(root, `killed-${k}`, 'catalog.csv');
    const after: number = 1 + Math.floor(rnd() * 20); // of 25 parts
    const killed = await killWhen(
      // A data worker thread in the first kill, batches prepared on the main thread in the second.
      startCli(k === 0 ? args(out) : args(out, '--workers', '0'), { timeoutMs: 60_000 }),
      () => countFiles(`${out}.parts`, /^part-\d+\.json$/) >= after,
    );
    assert.equal(killed.signal, 'SIGKILL', `kill ${k} after ${after} parts: it finished first`);
    assert.ok(!existsSync(out), 'no catalogue from a killed run');
    const resumed = await cli(args(out, '--workers', '0'), { timeoutMs: 60_000 });
    assertExit(resumed, 0, `resume after a kill at ${after} parts`);
    assert.ok(readFileSync(out).equals(ref), `killed after ${after} parts: the same catalogue`);
    assert.ok(readFileSync(path.join(path.dirname(out), 'rejected.csv')).equals(refRejected));
    const scored = Number(/scored (\d+) images/.exec(resumed.stdout)![1]);
    assert.ok(scored < 593, `the resumed run scored only what was left (${scored})`);
  }

  // Shard 2 of 3 scores every third part and writes no catalogue; the same command without --shard merges its
  // parts and scores the rest.
  const out = path.join(root, 'sharded', 'catalog.csv');
  const shard = await cli(args(out, '--shard', '2/3', '--workers', '0'), { timeoutMs: 60_000 });
  assertExit(shard, 0, 'shard 2/3');
  assert.match(shard.stdout, /^shard 2\/3: scored \d+ images .*; 17 parts are left to other shards/);
  assert.ok(!existsSync(out));
  assert.equal(countFiles(`${out}.parts`, /^part-\d+\.json$/), 8);
  const merged = await cli(args(out, '--workers', '0'), { timeoutMs: 60_000 });
  assertExit(merged, 0, 'merge');
  assert.match(merged.stdout, /^continued: \d+ images were scored by an earlier run .*\nscored \d+ images/);
  assert.ok(readFileSync(out).equals(ref), 'shard 2/3 merged with the rest gives the same catalogue');
});
