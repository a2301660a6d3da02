// Fault injection, output paths through the real CLI: impossible (/proc, under a regular file), unwritable
// (mode 555, run as an unprivileged user when the tests run as root), and folders that are not the command's
// own (an evaluation into a dataset, a simulation into someone's files or a run). Each is refused before any
// work, in one line naming the path, exit 2, and leaves every existing file as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { claimOutputDir, folderKind, MARKER_FILE } from '../../src/io/output-dir.js';
import { ConfigError, OutputError } from '../../src/errors.js';
import { loadSimulateConfig, simulateDataset } from '../../src/sim/dataset/index.js';
import { tempDir, tinyRun } from '../predict/tiny-run.js';
import { assertExit, assertOneLineError, cli } from './io-cli.js';

const SIM = [
  'simulate',
  '--preset',
  'simple',
  '--n',
  '8',
  '--workers',
  '0',
  '--quiet',
  '--set',
  'image_size=16',
];

test('impossible and unwritable output paths are refused before any work, in one line', async (t) => {
  const { runDir, dataDir, root } = await tinyRun('faults-out');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const file = path.join(root, 'a-file');
  writeFileSync(file, 'not a folder');
  const input = path.join(dataDir, 'test_lenses');
  const probes: [string, string[], string][] = [
    ['simulate into /proc', [...SIM, '--out', '/proc/x'], '/proc/x'],
    ['train into /proc', ['train', '--data', dataDir, '--run-dir', '/proc/runs', '--quiet'], '/proc/runs'],
    ['simulate under a file', [...SIM, '--out', path.join(file, 'ds')], file],
    [
      'predict under a file',
      ['predict', '--run', runDir, '--input', input, '--out', path.join(file, 'c.csv')],
      file,
    ],
    ['evaluate under a file', ['evaluate', '--run', runDir, '--out', path.join(file, 'ev')], file],
  ];
  // Two at a time (the machine has two cores); each must end by itself (Node's recursive mkdir spun forever on /proc).
  for (let i = 0; i < probes.length; i += 2) {
    const batch = probes.slice(i, i + 2);
    const results = await Promise.all(batch.map(([, args]) => cli(args, { timeoutMs: 40_000 })));
    results.forEach((r, k) => assertOneLineError(r, batch[k][2], batch[k][0]));
  }
  assert.ok(!existsSync(path.join(root, 'runs', 'lensnet')), 'no run folder was made');
});

test('a read-only folder (mode 555) is refused in one line, for an unprivileged user', async (t) => {
  const root = tempDir('faults-ro');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  // Root writes through mode 555: run the CLI as `nobody` then (the files it reads must be readable to it).
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  chmodSync(root, 0o755);
  const ro = path.join(root, 'ro');
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  const [inside, self] = await Promise.all([
    cli([...SIM, '--out', path.join(ro, 'ds')], { timeoutMs: 40_000, ...asUser }),
    cli([...SIM, '--out', ro], { timeoutMs: 40_000, ...asUser }),
  ]);
  assert.match(
    assertOneLineError(inside, path.join(ro, 'ds'), 'simulate into a 555 folder'),
    /permission denied/,
  );
  assert.match(assertOneLineError(self, ro, 'simulate into the 555 folder itself'), /permission denied/);
});

test("commands refuse a folder that is not their own and leave its files untouched; earlier versions' folders are accepted", async (t) => {
  const { runDir, root } = await tinyRun('faults-foreign');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const ds = path.join(root, 'dataset');
  assertExit(await cli([...SIM, '--out', ds]), 0, 'simulate');
  const dsConfig = readFileSync(path.join(ds, 'config.yaml'), 'utf8');
  const user = path.join(root, 'user');
  mkdirSync(path.join(user, 'images'), { recursive: true });
  writeFileSync(path.join(user, 'manifest.csv'), 'my,own,manifest\n');
  writeFileSync(path.join(user, 'images', 'shard-00000.npy'), 'my data');

  const [intoDataset, intoUser, intoRun] = await Promise.all([
    cli(['evaluate', '--run', runDir, '--out', ds, '--bootstrap', '0'], { timeoutMs: 40_000 }),
    cli([...SIM, '--out', user]),
    cli([...SIM, '--out', runDir]),
  ]);
  assert.match(
    assertOneLineError(intoDataset, ds, 'evaluate --out a dataset'),
    /is a lensfind dataset folder, not an evaluation folder/,
  );
  assert.match(
    assertOneLineError(intoUser, user, 'simulate into user files'),
    /not a lensfind dataset folder/,
  );
  assert.match(assertOneLineError(intoRun, runDir, 'simulate into a run'), /is a lensfind run folder/);
  assert.equal(readFileSync(path.join(ds, 'config.yaml'), 'utf8'), dsConfig);
  assert.equal(readFileSync(path.join(user, 'manifest.csv'), 'utf8'), 'my,own,manifest\n');
  assert.equal(readFileSync(path.join(user, 'images', 'shard-00000.npy'), 'utf8'), 'my data');

  // A dataset of an earlier version (no marker) is resumed, and gets its marker.
  rmSync(path.join(ds, MARKER_FILE));
  const again = await cli([...SIM, '--out', ds].filter((a) => a !== '--quiet'));
  assertExit(again, 0, 'simulate into a dataset without marker');
  assert.match(again.stderr, /1 shards, 1 already complete/);
  assert.deepEqual(JSON.parse(readFileSync(path.join(ds, MARKER_FILE), 'utf8')), {
    kind: 'dataset',
    version: 1,
  });
});

test('folder kinds: markers, the layouts of earlier versions, foreign folders', () => {
  const root = tempDir('faults-kinds');
  try {
    const make = (name: string, entries: string[]) => {
      const dir = path.join(root, name);
      for (const e of entries) {
        if (e.endsWith('/')) mkdirSync(path.join(dir, e), { recursive: true });
        else {
          mkdirSync(dir, { recursive: true });
          writeFileSync(path.join(dir, e), '');
        }
      }
      return dir;
    };
    assert.equal(folderKind(make('old-ds', ['config.yaml', 'manifest.csv', 'images/'])), 'dataset');
    assert.equal(folderKind(make('killed-ds', ['config.yaml', '.shards/'])), 'dataset');
    assert.equal(folderKind(make('old-run', ['config.yaml', 'checkpoints/'])), 'run');
    assert.equal(folderKind(make('old-eval', ['metrics.json', 'predictions.csv', 'roc.png'])), 'evaluation');
    assert.equal(folderKind(make('mine', ['notes.txt'])), 'foreign');
    assert.equal(folderKind(make('half', ['config.yaml'])), 'foreign');
    assert.equal(folderKind(path.join(root, 'new')), 'empty');
    const bad = make('bad-marker', [MARKER_FILE]);
    assert.equal(folderKind(bad), 'foreign');
    assert.throws(
      () => claimOutputDir(bad, 'run'),
      (e: unknown) => e instanceof OutputError && e.code === 'E_FOREIGN_FOLDER',
    );
    const old = path.join(root, 'old-run');
    claimOutputDir(old, 'run');
    assert.equal(JSON.parse(readFileSync(path.join(old, MARKER_FILE), 'utf8')).kind, 'run');
    assert.throws(() => claimOutputDir(old, 'dataset'), /is a lensfind run folder, not a dataset folder/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a dataset whose config.yaml an earlier evaluate replaced is refused in one line, not a TypeError', async () => {
  const root = tempDir('faults-evalcfg');
  try {
    const ds = path.join(root, 'ds');
    mkdirSync(path.join(ds, 'images'), { recursive: true });
    writeFileSync(path.join(ds, 'manifest.csv'), 'id,split,label,path\n');
    writeFileSync(path.join(ds, 'config.yaml'), 'command: evaluate\nrun: /somewhere\n');
    const cfg = loadSimulateConfig({ preset: 'simple', flags: { n: 8, workers: 0 } });
    await assert.rejects(
      simulateDataset(cfg, { out: ds, quiet: true }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.startsWith(
          `${path.join(ds, 'config.yaml')} is not the configuration of a simulated dataset;`,
        ),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a --config that is a FIFO or a folder is refused in one line, without reading it (no hang)', async () => {
  const dir = tempDir('cfgfifo');
  const fifo = path.join(dir, 'config.yaml');
  execFileSync('mkfifo', [fifo]);
  for (const args of [
    ['simulate', '--config', fifo, '--out', path.join(dir, 'ds')],
    ['train', '--config', fifo, '--data', dir],
    ['simulate', '--config', dir, '--out', path.join(dir, 'ds2')],
  ]) {
    const line = assertOneLineError(await cli(args, { timeoutMs: 40_000 }), args[2], args.join(' '));
    assert.match(line, /not a regular file|is a folder/);
  }
  assert.ok(!existsSync(path.join(dir, 'ds')));
});
