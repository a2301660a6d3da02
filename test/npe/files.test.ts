import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSersicConfig } from '../../src/npe/config.js';
import { makeRenderer, makeSpace } from '../../src/npe/data.js';
import { FileData, type FileDataConfig } from '../../src/npe/files.js';
import { trainSersic, scoreNll } from '../../src/npe/train.js';
import { buildNet } from '../../src/npe/run.js';
import { writeNpy } from '../../src/io/npy.js';
import { writeCsv } from '../../src/io/csv.js';
import { writeParquetCatalog } from '../../src/predict/catalog.js';
import { Generator } from '../../src/torch/random.js';
import { Rng } from '../../src/sim/rng.js';
import { DataError } from '../../src/errors.js';

const SIZE = 16;
const N = 64;
const base = loadSersicConfig({
  preset: 'quick',
  overrides: [
    `image_size=${SIZE}`,
    'batch_size=16',
    'threads=1',
    'workers=0',
    'model.flow.layers=2',
    'model.flow.hidden=16',
    'optim.warmup_steps=2',
  ],
}).config;
const space = makeSpace(base);
const renderer = makeRenderer(base, space);

/** N simulated galaxies in physical units: a folder of g<i>.npy files and a table (CSV), or one stack + Parquet. */
function writeGalaxies(dir: string): { folder: string; table: string; stack: string; parquet: string } {
  const D = space.dim;
  const theta = new Float64Array(N * D);
  const P = SIZE * SIZE;
  const stack = new Float32Array(N * P);
  const folder = path.join(dir, 'cutouts');
  mkdirSync(folder, { recursive: true });
  const rows: Record<string, string | number>[] = [];
  for (let i = 0; i < N; i++) {
    const rng = Rng.forItem(7, i, 5);
    space.samplePrior(rng, theta, i * D);
    const img = renderer.render(theta, rng, i * D);
    stack.set(img, i * P);
    writeNpy(path.join(folder, `g${i}.npy`), Float32Array.from(img), [1, SIZE, SIZE], 'float32');
    const row: Record<string, string | number> = { id: `g${i}` };
    space.names.forEach((n, j) => (row[n] = theta[i * D + j]));
    rows.push(row);
  }
  const table = path.join(dir, 'params.csv');
  writeCsv(table, rows, ['id', ...space.names]);
  const stackFile = path.join(dir, 'stack.npy');
  writeNpy(stackFile, stack, [N, 1, SIZE, SIZE], 'float32');
  const parquet = path.join(dir, 'params.parquet');
  writeParquetCatalog(parquet, ['id', ...space.names], N, (k) => ({ ...rows[k], id: k }));
  return { folder, table, stack: stackFile, parquet };
}

const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-sersic-files-'));
const files = writeGalaxies(dir);
const opts = { bands: 1, size: SIZE, sigmas: renderer.bands.map((b) => b.sigma), seed: 3 };
const dataCfg = (over: Partial<FileDataConfig> = {}): FileDataConfig => ({
  images: files.folder,
  table: files.table,
  id_column: 'id',
  val_fraction: 0.25,
  ...over,
});

test('files: a fixed seeded split, epochs that visit every training galaxy once, batches independent of their size', async () => {
  const a = await FileData.open(dataCfg(), space, opts);
  const b = await FileData.open(dataCfg(), space, opts);
  assert.equal(a.valIndex.length, 16);
  assert.equal(a.trainIndex.length, 48);
  assert.deepEqual([...a.valIndex], [...b.valIndex]);
  const all = new Set([...a.trainIndex, ...a.valIndex]);
  assert.equal(all.size, N);
  const whole = a.batch(40, 48);
  const parts = [a.batch(40, 5), a.batch(45, 43)];
  assert.deepEqual([...whole.theta], [...parts[0].theta, ...parts[1].theta]);
  // one epoch (items 0..47) holds each training galaxy's parameters exactly once
  const D = space.dim;
  const epoch = a.batch(0, 48).theta;
  const firsts = new Set(Array.from({ length: 48 }, (_, k) => epoch[k * D + 1]));
  assert.equal(firsts.size, 48);
  // the stack layout with a Parquet table gives the same galaxies (ids are row indices)
  const c = await FileData.open(dataCfg({ images: files.stack, table: files.parquet }), space, opts);
  assert.deepEqual([...c.val().x], [...a.val().x]);
  for (let i = 0; i < a.val().theta.length; i++)
    assert.ok(Math.abs(c.val().theta[i] - a.val().theta[i]) < 1e-9);
});

test('files: training from 64 galaxies on disk lowers the validation NLL, and the run resumes', async () => {
  const runs = path.join(dir, 'runs');
  const config = {
    ...base,
    steps: 40,
    val_every: 20,
    data: dataCfg(),
    seed: 3,
    run: { dir: runs, name: 'files' },
  };
  // the untrained network's NLL on the same validation galaxies
  const fd = await FileData.open(config.data, space, opts);
  const before = scoreNll(
    buildNet(config, space, new Generator(config.seed)),
    space,
    fd.val(),
    SIZE * SIZE,
  ).z;
  const r = await trainSersic(config);
  assert.equal(r.steps, 40);
  assert.ok(r.bestValNll < before - 0.3, `validation NLL ${before} -> ${r.bestValNll}`);
  const lines = () => readFileSync(path.join(r.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines().length, 2);
  // resume with more steps (the config's file paths are absolute: found from any working directory)
  const yaml = path.join(r.runDir, 'config.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^steps: 40$/m, 'steps: 60'));
  const cwd = process.cwd();
  process.chdir(tmpdir());
  try {
    const r2 = await trainSersic(null, { resume: r.runDir });
    assert.equal(r2.steps, 60);
  } finally {
    process.chdir(cwd);
  }
  assert.equal(lines().length, 3);
  assert.equal(JSON.parse(lines()[2]).step, 60);
});

async function openError(over: Partial<FileDataConfig>): Promise<DataError> {
  try {
    await FileData.open(dataCfg(over), space, opts);
  } catch (e) {
    assert.ok(e instanceof DataError, String(e));
    return e;
  }
  assert.fail('no error');
}

/** The table with one change: a column dropped or a value replaced. */
function tableWith(name: string, edit: (rows: Record<string, string>[]) => Record<string, string>[]): string {
  const text = readFileSync(files.table, 'utf8').trim().split('\n');
  const header = text[0].split(',');
  const rows = text.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
  const out = edit(rows);
  const file = path.join(dir, name);
  writeCsv(file, out, Object.keys(out[0]));
  return file;
}

test('files: a missing column is named with the columns expected', async () => {
  const table = tableWith('no-n.csv', (rows) => rows.map(({ n_sersic: _, ...r }) => r));
  const e = await openError({ table });
  assert.match(
    e.message,
    /no-n\.csv: no column 'n_sersic' \(expected an id column 'id' and the parameters mag, R_sersic, n_sersic/,
  );
  const e2 = await openError({ id_column: 'name' });
  assert.match(e2.message, /params\.csv: no column 'name'/);
});

test("files: a value outside the prior's bounds names the file, row, id, column and bounds", async () => {
  const table = tableWith('big-re.csv', (rows) =>
    rows.map((r, i) => (i === 5 ? { ...r, R_sersic: '7.5' } : r)),
  );
  const e = await openError({ table });
  assert.match(
    e.message,
    /big-re\.csv: row 6 \(id g5\), column 'R_sersic': 7\.5 is outside the prior's bounds \[0\.2, 2\] \(priors\.R_sersic\)/,
  );
  const bad = tableWith('text.csv', (rows) => rows.map((r, i) => (i === 2 ? { ...r, mag: 'bright' } : r)));
  assert.match(
    (await openError({ table: bad })).message,
    /text\.csv: row 3 \(id g2\), column 'mag': expected a number, got 'bright'/,
  );
});

test('files: an id with no cutout, or a duplicated id, is an error naming both', async () => {
  const table = tableWith('extra.csv', (rows) => [...rows, { ...rows[0], id: 'g999' }]);
  const e = await openError({ table });
  assert.match(e.message, /extra\.csv: row 65: id 'g999' has no cutout in .*cutouts/);
  const stackE = await openError({ images: files.stack, table });
  assert.match(stackE.message, /extra\.csv: row 1: id 'g0' is not a row of .*stack\.npy/);
  const dup = tableWith('dup.csv', (rows) => [...rows, rows[3]]);
  assert.match((await openError({ table: dup })).message, /dup\.csv: rows 4 and 65 have the same id 'g3'/);
  assert.match(
    (await openError({ images: path.join(dir, 'nowhere') })).message,
    /data\.images: .*nowhere does not exist/,
  );
});
