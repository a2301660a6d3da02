import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readCompressedSlice, readFitsImage, readFitsSlice } from '../../src/io/fits-image.js';
import { readNpz } from '../../src/io/npz.js';

// Fixtures: scripts/fixtures/io_fits_compressed_cubes.py (astropy 5.2's CompImageHDU): a [5, 12, 10] float32 RICE
// stack in tiles of 6 rows x 2 cutouts, and g, r band extensions of [6, 16, 12] int16 HCOMPRESS, one tile per cutout.
const dir = path.join(import.meta.dirname, '../fixtures/fits/compressed-cubes');
const expected = readNpz(path.join(dir, 'expected.npz'));

/** Item i of astropy's [N, H, W] array with rows top first (lensfind's order). */
function astropyItem(name: string, i: number): number[] {
  const a = expected.get(name)!;
  const [, h, w] = a.shape;
  const out: number[] = [];
  for (let r = h - 1; r >= 0; r--) for (let x = 0; x < w; x++) out.push(Number(a.data[(i * h + r) * w + x]));
  return out;
}

test('a slice of a compressed stack equals astropy (every item) and the full read, from 2 of its 6 tiles', () => {
  const file = path.join(dir, 'stack_rice.fits.fz');
  const whole = readFitsImage(file);
  assert.deepEqual(whole.shape, [5, 12, 10]);
  for (let i = 0; i < 5; i++) {
    const stats = { tiles: 0 };
    const s = readCompressedSlice(file, i, stats);
    assert.deepEqual(s.shape, [12, 10]);
    assert.deepEqual(Array.from(s.data), astropyItem('stack_rice', i), `item ${i}`);
    assert.deepEqual(s.data, whole.data.subarray(i * 120, (i + 1) * 120), `item ${i}`);
    // Tiles span 2 cutouts and 6 rows: each cutout lies in 2 tiles of the 6.
    assert.equal(stats.tiles, 2);
    assert.deepEqual(readFitsSlice(file, i), s);
  }
  assert.throws(
    () => readFitsSlice(file, 5),
    /stack_rice\.fits\.fz: index #5 is out of range for an image of shape \[5, 12, 10\]/,
  );
});

test('a slice of compressed band extensions stacks the bands, decoding one HCOMPRESS tile per band', () => {
  const file = path.join(dir, 'bands_hcompress.fits');
  const whole = readFitsImage(file);
  assert.deepEqual(whole.shape, [6, 2, 16, 12]);
  assert.deepEqual(whole.bands, ['g', 'r']);
  for (let i = 0; i < 6; i++) {
    const stats = { tiles: 0 };
    const s = readCompressedSlice(file, i, stats);
    assert.deepEqual(s.shape, [2, 16, 12]);
    assert.deepEqual(Array.from(s.data.subarray(0, 192)), astropyItem('bands_hcompress_g', i));
    assert.deepEqual(Array.from(s.data.subarray(192)), astropyItem('bands_hcompress_r', i));
    assert.deepEqual(s.data, whole.data.subarray(i * 384, (i + 1) * 384));
    assert.equal(stats.tiles, 2); // of 12
  }
});
