import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeNpy } from '../../src/io/npy.js';
import { imageFileKind, imageFileStem, readSource } from '../../src/data/source.js';
import { openPredictInput } from '../../src/predict/input.js';

const fixtures = path.join(import.meta.dirname, '../fixtures/npz');

test('one list of image files: kinds by extension, stems without it', () => {
  const kinds = [
    'a.npy',
    'a.NPZ',
    'a.fits',
    'a.fit',
    'a.fts',
    'a.fits.fz',
    'a.png',
    'a.JPG',
    'a.tif',
    'a.txt',
  ];
  assert.deepEqual(kinds.map(imageFileKind), [
    'npy',
    'npz',
    'fits',
    'fits',
    'fits',
    'fits',
    'picture',
    'picture',
    'picture',
    undefined,
  ]);
  assert.deepEqual(['g1.fits.fz', 'g1.fits', 'dir/g1.jpeg', 'g1.npy.txt', 'g1.fz'].map(imageFileStem), [
    'g1',
    'g1',
    'dir/g1',
    'g1.npy.txt',
    'g1',
  ]);
});

test('a plain folder for predict: .npz stacks are sliced like .npy stacks, other files ignored', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-pred-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  copyFileSync(path.join(fixtures, 'compressed.npz'), path.join(dir, 'shard.npz')); // x: [2, 3, 4, 4]
  const single = Float32Array.from({ length: 48 }, (_, i) => i);
  writeNpy(path.join(dir, 'single.npy'), single, [3, 4, 4]);
  writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
  const input = await openPredictInput(dir, { bands: 3 });
  assert.deepEqual(
    input.items.map((it) => it.id),
    ['shard#0', 'shard#1', 'single'],
  );
  assert.deepEqual([input.bands, input.height, input.width], [3, 4, 4]);
  const second = await readSource(input.items[1].source);
  const x = Array.from({ length: 96 }, (_, i) => i * 0.125 - 2); // the fixture's values
  assert.deepEqual(Array.from(second.data), x.slice(48));
  assert.deepEqual(Array.from((await readSource(input.items[2].source)).data), Array.from(single));
});
