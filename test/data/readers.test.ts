import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectFormat, openDataset, type Dataset, type SkippedItem } from '../../src/data/index.js';
import { DataError } from '../../src/errors.js';
import { writeFits } from '../../src/io/fits-write.js';
import { flipRows } from '../../src/io/fits-image.js';

const root = path.join(import.meta.dirname, '../fixtures/data');
type Want = { label: number; split: string | null; sum: number; first: number; shape: number[] };
const expected = JSON.parse(readFileSync(path.join(root, 'expected.json'), 'utf8')) as Record<
  string,
  Record<string, Want>
>;

/** Every usable item matches NumPy's values; the set of ids is exactly the expected one. */
async function checkAll(ds: Dataset, want: Record<string, Want>, checkSplit = true): Promise<void> {
  assert.deepEqual(ds.items.map((it) => it.id).sort(), Object.keys(want).sort());
  for (let i = 0; i < ds.items.length; i++) {
    const it = ds.items[i];
    const w = want[it.id];
    assert.equal(it.label, w.label, `${it.id} label`);
    if (checkSplit && w.split) assert.equal(it.split, w.split, `${it.id} split`);
    assert.deepEqual([ds.bands, ds.height, ds.width], w.shape);
    const x = await ds.load(i);
    assert.ok(x instanceof Float32Array);
    assert.equal(x.length, w.shape[0] * w.shape[1] * w.shape[2]);
    assert.equal(x[0], w.first, `${it.id} first value`);
    let s = 0;
    for (const v of x) s += v;
    assert.ok(Math.abs(s - w.sum) < 1e-4 * Math.max(1, Math.abs(w.sum)), `${it.id} sum ${s} vs ${w.sum}`);
  }
}

function reasons(skipped: SkippedItem[]): string[] {
  return skipped.map((s) => `${path.basename(s.source)}: ${s.reason}`).sort();
}

test('detects each layout', () => {
  assert.equal(detectFormat(path.join(root, 'lensfind')), 'lensfind');
  assert.equal(detectFormat(path.join(root, 'deeplense')), 'deeplense');
  assert.equal(detectFormat(path.join(root, 'pngcsv')), 'png-csv');
  assert.equal(detectFormat(path.join(root, 'fits')), 'fits');
  assert.equal(detectFormat(path.join(root, 'stack/stack.npy')), 'stack');
  assert.equal(detectFormat(path.join(root, 'stack/stack.npz')), 'stack');
  assert.throws(() => detectFormat(path.join(root, 'stack')), /unknown dataset layout/);
  assert.throws(() => detectFormat(path.join(root, 'nope')), /nope: no such file/);
});

test('lensfind folder: shards by index, single .npy and .fits, metadata; NaN, wrong shape and missing file skipped', async () => {
  const seen: SkippedItem[] = [];
  const ds = await openDataset(path.join(root, 'lensfind'), { onSkip: (s) => seen.push(s) });
  assert.equal(ds.format, 'lensfind');
  await checkAll(ds, expected.lensfind);
  const r = reasons(ds.skipped);
  assert.equal(r.length, 3);
  assert.match(r[0], /missing\.npy: .*missing\.npy: cannot read/);
  assert.match(r[1], /shard-00001\.npy#2: .*non-finite value NaN/);
  assert.match(r[2], /small\.npy: .*wrong shape \[2, 6, 6\], expected \[2, 8, 8\]/);
  assert.deepEqual(seen, ds.skipped);
  const it = ds.items.find((x) => x.id === 'sim-001')!;
  assert.deepEqual(it.meta, { theta_E: 1.1, seed: 1001 });
  assert.equal(ds.items.find((x) => x.id === 'sim-fits')!.meta.theta_E, undefined);
  assert.deepEqual(it.source.index, 1);
});

test('DeepLense layout with only the train pair: truncated file skipped, validation split assigned', async () => {
  const ds = await openDataset(path.join(root, 'deeplense'), { valFraction: 0.3, seed: 1 });
  await checkAll(ds, expected.deeplense, false);
  assert.equal(ds.skipped.length, 1);
  assert.match(ds.skipped[0].reason, /nonlenses_9\.npy: truncated/);
  const val = ds.items.filter((i) => i.split === 'val');
  assert.deepEqual(val.map((i) => i.label).sort(), [0, 1]); // stratified: one of each class
  assert.equal(ds.items.filter((i) => i.split === 'train').length, 5);
});

test('PNG + CSV: RGB pixels as [3, H, W]; grayscale (wrong shape) and corrupt files skipped', async () => {
  const ds = await openDataset(path.join(root, 'pngcsv'), { valFraction: 0 });
  await checkAll(ds, expected.pngcsv);
  const r = reasons(ds.skipped);
  assert.equal(r.length, 2);
  assert.match(r[0], /broken\.png: .*cannot decode/);
  assert.match(r[1], /gray\.png: .*wrong shape \[1, 8, 8\]/);
  const test = await openDataset(path.join(root, 'pngcsv'), { split: 'test', validate: false });
  assert.equal(test.items.length, 2);
});

test('FITS folder: cubes with metadata; 2-D, Inf and truncated files skipped', async () => {
  const ds = await openDataset(path.join(root, 'fits'), { valFraction: 0 });
  await checkAll(ds, expected.fits);
  const r = reasons(ds.skipped);
  assert.equal(r.length, 3);
  assert.match(r[0], /cut\.fits: .*truncated FITS file/);
  assert.match(r[1], /flat\.fits: .*wrong shape \[1, 8, 8\]/);
  assert.match(r[2], /inf\.fits: .*non-finite value Infinity/);
  assert.equal(ds.items.find((i) => i.id === 'c2.fits')!.meta.exptime, 90);
});

test('.npy stack with labels beside it, and .npz stack, read the same values', async () => {
  const a = await openDataset(path.join(root, 'stack/stack.npy'), { valFraction: 0 });
  await checkAll(a, expected.stack);
  const b = await openDataset(path.join(root, 'stack/stack.npz'), { valFraction: 0 });
  await checkAll(b, expected.stack);
});

test('a dataset with no usable images of one class is an error that says so', async () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-data-'));
  cpSync(path.join(root, 'deeplense'), tmp, { recursive: true });
  rmSync(path.join(tmp, 'train_lenses'), { recursive: true });
  await assert.rejects(
    openDataset(tmp),
    (e: unknown) => e instanceof DataError && /no usable images of class lens \(label 1\)/.test(e.message),
  );
});

test('DeepLense layout with only the test pair', async () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-data-'));
  cpSync(path.join(root, 'deeplense/train_lenses'), path.join(tmp, 'test_lenses'), { recursive: true });
  cpSync(path.join(root, 'deeplense/train_nonlenses'), path.join(tmp, 'test_nonlenses'), { recursive: true });
  const ds = await openDataset(tmp);
  assert.equal(ds.format, 'deeplense');
  assert.equal(ds.items.length, 7);
  assert.ok(ds.items.every((i) => i.split === 'test'));
  assert.deepEqual([ds.bands, ds.height, ds.width], [3, 8, 8]);
});

test('lensfind folder with FITS shards ([N, bands, H, W], read item by item)', async () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-data-'));
  const per = 2 * 4 * 4;
  const data = Float32Array.from({ length: 3 * per }, (_, i) => Math.sin(i));
  writeFits(
    path.join(tmp, 'images/shard-00000.fits'),
    data,
    [3, 2, 4, 4],
    [{ key: 'ORIGIN', value: 'test' }],
  );
  writeFileSync(
    path.join(tmp, 'manifest.csv'),
    'id,split,label,path\na,train,1,images/shard-00000.fits#0\nb,train,0,images/shard-00000.fits#1\nc,test,0,images/shard-00000.fits#2\n',
  );
  const ds = await openDataset(tmp, { valFraction: 0 });
  assert.deepEqual([ds.bands, ds.height, ds.width], [2, 4, 4]);
  // A plain FITS image stores its bottom row first; lensfind returns each plane top row first.
  for (let k = 0; k < 3; k++)
    assert.deepEqual(await ds.load(k), flipRows(data.slice(k * per, (k + 1) * per), [2, 4, 4]));
});

test("lensfind folder: the shard item from a 'row' column (path without #), checked against #row when both", async () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-data-'));
  cpSync(path.join(root, 'lensfind'), tmp, { recursive: true });
  const manifest = path.join(tmp, 'manifest.csv');
  const rows = readFileSync(manifest, 'utf8').trim().split('\n');
  const withRow = rows.map((line, i) => {
    if (i === 0) return `${line},row`;
    const m = /^([^,]*,[^,]*,[^,]*,)([^,#]*)#(\d+)(.*)$/.exec(line);
    return m ? `${m[1]}${m[2]}${m[4]},${m[3]}` : `${line},`;
  });
  writeFileSync(manifest, withRow.join('\n') + '\n');
  const ds = await openDataset(tmp, { valFraction: 0 });
  await checkAll(ds, expected.lensfind);
  // A row that disagrees with the path's #row is an error naming the line.
  writeFileSync(manifest, `${withRow[0]}\n${withRow[1].replace(/,images\/([^,]*)/, ',images/$1#3')}\n`);
  await assert.rejects(
    openDataset(tmp, { valFraction: 0 }),
    /line 2: path says item #3 of the shard, column 'row' says/,
  );
});
