import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readFitsImage, readFitsImages } from '../../src/io/fits-image.js';
import { hDecompress } from '../../src/io/fits-hcompress.js';
import { readNpz } from '../../src/io/npz.js';
import { DataError } from '../../src/errors.js';

// Fixtures: scripts/fixtures/io_fits_hcompress.py (astropy 5.2's CompImageHDU, cfitsio's H-compress coder): 64 x 48
// images in 24 x 20 tiles (partial edge tiles), and expected.npz, the arrays astropy decodes from them.
const dir = path.join(import.meta.dirname, '../fixtures/fits/hcompress');
const expected = readNpz(path.join(dir, 'expected.npz'));
const meta = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<
  string,
  { ZBITPIX: number; ZVAL1: number; ZVAL2: number; ZQUANTIZ?: string; lossy: boolean; wrapped: number }
>;

/** Pixels equal to astropy's (as numbers: int16/int32 values, float32 bits). */
function countEqual(name: string): { equal: number; total: number } {
  const want = expected.get(name.split('.')[0])!;
  const img = readFitsImages(path.join(dir, name))[1];
  assert.deepEqual(img.shape, want.shape, name);
  let equal = 0;
  for (let i = 0; i < want.data.length; i++) if (Number(img.data![i]) === Number(want.data[i])) equal++;
  return { equal, total: want.data.length };
}

test('HCOMPRESS_1 images decode to exactly the pixels astropy decodes (every fixture, every pixel)', () => {
  const names = Object.keys(meta);
  assert.equal(names.length, 7);
  let equal = 0;
  let total = 0;
  for (const name of names) {
    const r = countEqual(name);
    assert.equal(r.equal, r.total, `${name}: ${r.total - r.equal} of ${r.total} pixels differ from astropy`);
    equal += r.equal;
    total += r.total;
  }
  assert.equal(total, 7 * 64 * 48);
  assert.equal(equal, total);
});

test('the fixtures cover lossless ints, 64-bit sums, dithered floats, lossy with and without smoothing, wrapping', () => {
  assert.deepEqual(
    Object.values(meta).map((m) => [m.ZBITPIX, m.ZVAL1, m.ZVAL2, m.lossy]),
    [
      [16, 0, 0, false],
      [32, 0, 0, false],
      [16, 8, 0, true],
      [16, 8, 1, true],
      [-32, 0, 0, true],
      [-32, 2.5, 1, true],
      [-32, 4, 0, true],
    ],
  );
  // SUBTRACTIVE_DITHER_2 with lossy coding: astropy's values wrapped past the int32 range at 3 pixels (matched).
  assert.equal(meta['f32_dither2_scale4.fits.fz'].ZQUANTIZ, 'SUBTRACTIVE_DITHER_2');
  assert.equal(meta['f32_dither2_scale4.fits.fz'].wrapped, 3);
  // Smoothing changes the decoded values of the same coded stream, so matching both files tests hSmooth.
  const plain = expected.get('i16_scale8')!.data;
  const smooth = expected.get('i16_scale8_smooth')!.data;
  let differ = 0;
  for (let i = 0; i < plain.length; i++) if (plain[i] !== smooth[i]) differ++;
  assert.ok(differ > 1000, `${differ} pixels differ`);
  // int32 near 1e9: a tile's sum (480 pixels) is past 2^31, which cfitsio decodes with 64-bit integers.
  assert.ok(Number(expected.get('i32_lossless')!.data[100]) * 480 > 2 ** 31);
});

test('readFitsImage reads an fpack-style .fits.fz HCOMPRESS image (rows top first, float32)', () => {
  const img = readFitsImage(path.join(dir, 'f32_dither1.fits.fz'));
  const want = expected.get('f32_dither1')!.data as Float32Array;
  assert.deepEqual(img.shape, [48, 64]);
  assert.deepEqual(Array.from(img.data.subarray(0, 64)), Array.from(want.subarray(47 * 64)));
  assert.deepEqual(img.bands, ['i']);
});

/** A hand-made stream: magic, nx, ny, scale, sum of all pixels, bit planes, then `rest`. */
function stream(
  nx: number,
  ny: number,
  scale: number,
  sum: number,
  planes: number[],
  rest: number[],
): Uint8Array {
  const buf = new Uint8Array(25 + rest.length);
  const v = new DataView(buf.buffer);
  buf.set([0xdd, 0x99]);
  v.setInt32(2, nx);
  v.setInt32(6, ny);
  v.setInt32(10, scale);
  v.setBigInt64(14, BigInt(sum));
  buf.set(planes, 22);
  buf.set(rest, 25);
  return buf;
}

test('hDecompress: a flat 2 x 2 tile is its coded sum / 4; scale multiplies; bad streams are refused', () => {
  // No bit planes (all differences 0), then the end nybble 0: every pixel is the mean.
  const flat = hDecompress(stream(2, 2, 0, 28, [0, 0, 0], [0]), false, 't');
  assert.deepEqual(Array.from(flat.pixels), [7, 7, 7, 7]);
  assert.deepEqual(
    Array.from(hDecompress(stream(2, 2, 3, 28, [0, 0, 0], [0]), false, 't').pixels),
    [21, 21, 21, 21],
  );
  // One bit plane in the quadrants of differences along the first axis and along the second (shared count), each
  // written directly (format nybble 0): code 8 sets the one coefficient of the first, 0 leaves the second; then the
  // end nybble 0, and on the next byte the sign bit of that coefficient. It varies the pixels along the first axis
  // only, upward for sign 0 and downward for sign 1.
  for (const [sign, up] of [
    [0x00, true],
    [0x80, false],
  ] as const) {
    const p = hDecompress(stream(2, 2, 0, 26, [0, 1, 0], [0x08, 0x00, 0x00, sign]), false, 't').pixels;
    assert.equal(p[0], p[2]);
    assert.equal(p[1], p[3]);
    assert.equal(p[1] > p[0], up);
  }
  assert.throws(
    () => hDecompress(Uint8Array.from([1, 2, ...new Array(30).fill(0)]), false, 'x.fits: HDU 1: tile 3'),
    (e: unknown) => e instanceof DataError && /x\.fits: HDU 1: tile 3: .*magic code 0xDD99/.test(e.message),
  );
  assert.throws(
    () => hDecompress(stream(4, 4, 0, 0, [5, 0, 0], []), false, 'x.fits: tile 1'),
    /x\.fits: tile 1: HCOMPRESS_1 tile ends early/,
  );
});
