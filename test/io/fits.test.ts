import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeFits, readFits, type FitsCard } from '../../src/io/fits.js';
import { flipRows, readFitsImage, readFitsSlice } from '../../src/io/fits-image.js';
import { encodeFits, writeFits } from '../../src/io/fits-write.js';
import { DataError } from '../../src/errors.js';

const dir = path.join(import.meta.dirname, '../fixtures/fits');
interface Expected {
  bitpix: number;
  shape: number[];
  dtype: string | null;
  data: (number | null)[] | null;
  header: Record<string, unknown>;
}
const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<
  string,
  Expected[]
>;

function compare(name: string): void {
  const hdus = readFits(path.join(dir, name));
  const want = expected[name];
  assert.equal(hdus.length, want.length, `${name}: HDU count`);
  hdus.forEach((h, i) => {
    assert.equal(h.bitpix, want[i].bitpix, `${name}[${i}] bitpix`);
    assert.deepEqual(h.shape, want[i].shape, `${name}[${i}] shape`);
    for (const [k, v] of Object.entries(want[i].header)) {
      if (k === 'BSCALE' || k === 'BZERO' || k === 'BITPIX') continue; // astropy rewrites these once it scales
      assert.deepEqual(h.header[k], v, `${name}[${i}] ${k}`);
    }
    if (want[i].data === null) return assert.equal(h.data, null);
    const got = Array.from(h.data as ArrayLike<number | bigint>, Number);
    assert.deepEqual(got, want[i].data, `${name}[${i}] data`);
  });
}

test('reads astropy float32 image and cube with their headers', () => {
  compare('image.fits');
  compare('cube.fits');
  const [h] = readFits(path.join(dir, 'image.fits'));
  assert.ok(h.data instanceof Float32Array);
  assert.equal(h.cards.find((c) => c.key === 'OBJECT')?.comment, 'target name');
  assert.equal(h.cards.find((c) => c.key === 'HISTORY')?.value, 'made by io_fits.py');
});

test('applies BSCALE/BZERO and the unsigned conventions as astropy does', () => {
  compare('int16_scaled.fits');
  compare('uint16.fits');
  compare('uint8.fits');
  assert.ok(readFits(path.join(dir, 'int16_scaled.fits'))[0].data instanceof Float32Array);
  assert.ok(readFits(path.join(dir, 'uint16.fits'))[0].data instanceof Uint16Array);
});

test('reads IMAGE extensions after an empty primary and skips a binary table', () => {
  compare('ext.fits');
  const hdus = readFits(path.join(dir, 'ext.fits'));
  assert.deepEqual(
    hdus.map((h) => h.kind),
    ['PRIMARY', 'IMAGE', 'BINTABLE', 'IMAGE', 'IMAGE'],
  );
  assert.equal(hdus[1].header.EXTNAME, 'SCI');
  assert.deepEqual(Array.from(hdus[4].data as BigInt64Array), [-1n, 2n ** 40n]);
  const img = readFitsImage(path.join(dir, 'ext.fits'));
  assert.ok(img.data instanceof Float32Array);
  assert.deepEqual(img.shape, [2, 3]);
  // Rows top first: FITS's second (top) row [pi, 0, 1e10] comes first.
  assert.equal(img.data[2], Math.fround(1e10));
  assert.equal(img.data[5], Math.fround(3e-5));
});

test('writes the same bytes as astropy for the same array and header', () => {
  const ref = readFileSync(path.join(dir, 'astropy_written.fits'));
  const spec = (
    expected['astropy_written.fits'] as unknown as { cards: [string, FitsCard['value'], string | null][] }
  ).cards;
  const cards: FitsCard[] = spec.map(([key, value, comment]) => ({
    key,
    value,
    comment: comment ?? undefined,
  }));
  // numpy computes arange/7 - 1 in float32: each step rounds to float32.
  const data = Float32Array.from({ length: 24 }, (_, i) => Math.fround(Math.fround(i / 7) - 1));
  assert.deepEqual(Buffer.from(encodeFits(data, [2, 3, 4], cards)), ref);
  // No header: astropy adds EXTEND = T, so must we.
  const cube = readFits(path.join(dir, 'cube.fits'))[0];
  assert.deepEqual(
    Buffer.from(encodeFits(cube.data as Float32Array, cube.shape)),
    readFileSync(path.join(dir, 'cube.fits')),
  );
});

test('write then read round-trips float32 and float64 through a file', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-fits-'));
  const f32 = Float32Array.from({ length: 2 * 7 * 3 }, (_, i) => Math.fround(Math.cos(i) * 1e3));
  writeFits(
    path.join(tmp, 'a.fits'),
    f32,
    [2, 7, 3],
    [
      { key: 'BAND', value: 'g' },
      { key: 'SKIP', value: 'x' },
    ],
  );
  const [a] = readFits(path.join(tmp, 'a.fits'));
  assert.deepEqual(a.shape, [2, 7, 3]);
  assert.deepEqual(a.data, f32);
  assert.equal(a.header.BAND, 'g');
  const f64 = Float64Array.from([1e-300, -2.5, Math.PI]);
  const [b] = decodeFits(encodeFits(f64, [3]));
  assert.equal(b.bitpix, -64);
  assert.deepEqual(b.data, f64);
});

test('truncated, foreign and malformed files are DataErrors naming the file', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-fits-'));
  const full = readFileSync(path.join(dir, 'cube.fits'));
  const cut = path.join(tmp, 'cut.fits');
  writeFileSync(cut, full.subarray(0, 2880 + 100));
  assert.throws(
    () => readFits(cut),
    (e: unknown) => e instanceof DataError && /cut\.fits: truncated/.test(e.message) && e.path === cut,
  );
  const headOnly = path.join(tmp, 'head.fits');
  writeFileSync(headOnly, full.subarray(0, 400));
  assert.throws(() => readFits(headOnly), /head\.fits: truncated or invalid FITS file: .* no END card/);
  const foreign = path.join(tmp, 'foreign.fits');
  writeFileSync(foreign, 'hello world, not a FITS file at all'.repeat(10));
  assert.throws(() => readFits(foreign), /foreign\.fits: not a FITS file/);
  const badBitpix = Buffer.from(full);
  badBitpix.write('BITPIX  =                  -16', 80, 'latin1');
  assert.throws(() => decodeFits(badBitpix, 'bad.fits'), /bad\.fits: HDU 0: BITPIX -16 is invalid/);
  assert.throws(() => readFits(path.join(tmp, 'missing.fits')), /missing\.fits: cannot read/);
});

test('readFitsSlice reads one item of a stacked [N, ...] image by offset', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-fits-'));
  const data = Float32Array.from({ length: 5 * 2 * 3 * 4 }, (_, i) => i - 7.5);
  // Many header cards so the header spans two blocks.
  const cards = Array.from({ length: 40 }, (_, i) => ({ key: `K${i}`, value: i }));
  const file = path.join(tmp, 'shard.fits');
  writeFits(file, data, [5, 2, 3, 4], cards);
  for (const k of [0, 3, 4]) {
    const s = readFitsSlice(file, k);
    assert.deepEqual(s.shape, [2, 3, 4]);
    // Each [3, 4] plane comes back with its rows reversed (FITS stores the bottom row first).
    const want = flipRows(data.slice(k * 24, (k + 1) * 24), [2, 3, 4]);
    assert.deepEqual(s.data, want);
    assert.deepEqual(Array.from(s.data.subarray(0, 4)), Array.from(data.subarray(k * 24 + 8, k * 24 + 12)));
  }
  assert.throws(() => readFitsSlice(file, 5), /shard\.fits: index #5 is out of range/);
  const scaled = readFitsSlice(path.join(dir, 'int16_scaled.fits'), 2);
  assert.deepEqual(Array.from(scaled.data), expected['int16_scaled.fits'][0].data!.slice(8, 12));
  assert.deepEqual(readFitsSlice(file, 2).data, readFitsImage(file).data.subarray(48, 72));
  const cut = path.join(tmp, 'cut.fits');
  writeFileSync(cut, readFileSync(file).subarray(0, 2 * 2880 + 100));
  assert.throws(() => readFitsSlice(cut, 4), /cut\.fits: truncated FITS file/);
  writeFileSync(cut, readFileSync(file).subarray(0, 1000));
  assert.throws(() => readFitsSlice(cut, 0), /cut\.fits: truncated or invalid FITS file/);
});
