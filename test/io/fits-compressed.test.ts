import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readFitsImage, readFitsImages, readFitsSlice } from '../../src/io/fits-image.js';
import { riceDecode } from '../../src/io/fits-rice.js';

// Fixtures: scripts/fixtures/io_fits_compressed.py (astropy's CompImageHDU, cfitsio's compressor).
const dir = path.join(import.meta.dirname, '../fixtures/fits/compressed');
const expected = JSON.parse(readFileSync(path.join(dir, 'compressed.json'), 'utf8')) as Record<
  string,
  { shape: number[]; dtype: string; keywords: Record<string, unknown>; data: (number | null)[] }
>;

const values = (d: ArrayLike<number | bigint>) =>
  Array.from(d, (v) => (Number.isNaN(Number(v)) ? null : Number(v)));

test('decompresses every astropy tile-compressed image to the values astropy reads', () => {
  const names = Object.keys(expected);
  assert.equal(names.length, 12);
  for (const name of names) {
    const want = expected[name];
    const hdus = readFitsImages(path.join(dir, name));
    const img = hdus[1];
    assert.equal(img.kind, 'IMAGE', name);
    assert.deepEqual(img.shape, want.shape, name);
    assert.deepEqual(values(img.data!), want.data, name);
    assert.equal(img.header.FILTER, 'r', name);
  }
});

test('quantised floats are dithered with the FITS random sequence (bit-exact, every ZDITHER0)', () => {
  for (const name of ['f32_rice_dither1.fits.fz', 'f32_gzip1_dither1.fits', 'f32_rice_dither2_nan.fits']) {
    const want = expected[name];
    assert.match(String(want.keywords.ZQUANTIZ), /SUBTRACTIVE_DITHER/);
    const img = readFitsImages(path.join(dir, name))[1];
    assert.ok(img.data instanceof Float32Array);
    assert.deepEqual(values(img.data), want.data, name);
  }
  // SUBTRACTIVE_DITHER_2 keeps an exact zero (not dithered). (astropy 5.2 writes no ZBLANK here, so the NaN put
  // in by the script reads back as a number in astropy and here alike.)
  const d2 = readFitsImages(path.join(dir, 'f32_rice_dither2_nan.fits'))[1].data!;
  assert.equal(d2[0], 0);
  assert.equal(expected['f32_rice_dither2_nan.fits'].data[0], 0);
});

test('readFitsImage returns a compressed image with rows top first', () => {
  const name = 'i16_rice_tiles.fits';
  const img = readFitsImage(path.join(dir, name));
  const [h, w] = expected[name].shape;
  assert.deepEqual(img.shape, [h, w]);
  assert.deepEqual(Array.from(img.data.subarray(0, w)), expected[name].data.slice((h - 1) * w));
  assert.deepEqual(img.bands, ['r']);
  // A 2-D image is one cutout: it has no items to slice.
  assert.throws(
    () => readFitsSlice(path.join(dir, name), 0),
    /index #0 is out of range for an image of shape \[20, 30\]/,
  );
});

test('Rice: an all-equal block (fs = -1) and a truncated tile', () => {
  // bytepix 4: first pixel 7 (4 bytes), then fsbits=5 of value 0 -> fs = -1, the block repeats 7.
  assert.deepEqual(Array.from(riceDecode(Uint8Array.from([0, 0, 0, 7, 0]), 5, 32, 4, 't')), [7, 7, 7, 7, 7]);
  assert.throws(
    () => riceDecode(Uint8Array.from([0, 0]), 5, 32, 4, 'x.fits: tile 1'),
    /x\.fits: tile 1: RICE_1 tile ends early/,
  );
});

test('a 256 x 128 dithered image decompresses to exactly the bytes astropy reads (checksum)', async () => {
  const { createHash } = await import('node:crypto');
  const want = JSON.parse(readFileSync(path.join(dir, 'large.json'), 'utf8')) as {
    shape: number[];
    sha256_f32le: string;
    first: number[];
  };
  const img = readFitsImages(path.join(dir, 'f32_rice_dither1_large.fits.fz'))[1];
  assert.deepEqual(img.shape, want.shape);
  const data = img.data as Float32Array;
  assert.deepEqual(Array.from(data.subarray(0, 8)), want.first);
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), want.sha256_f32le);
});
