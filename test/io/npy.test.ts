import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, errors } from '../../src/index.js';

const { decodeNpy, encodeNpy, readNpy, writeNpy } = io;
const { DataError } = errors;

const fixtures = path.join(import.meta.dirname, '../fixtures/io');

test('reads NumPy-written float32 [2,3,4]', () => {
  const a = readNpy(path.join(fixtures, 'f32_2x3x4.npy'));
  assert.equal(a.dtype, 'float32');
  assert.deepEqual(a.shape, [2, 3, 4]);
  assert.deepEqual(
    Array.from(a.data as Float32Array),
    Array.from({ length: 24 }, (_, i) => i * 0.5 - 3),
  );
});

test('reads float64, int64 and uint8 arrays', () => {
  const f = readNpy(path.join(fixtures, 'f64_5.npy'));
  assert.deepEqual(Array.from(f.data as Float64Array), [1.5, -2.25, Math.PI, 0, 1e-300]);
  const i = readNpy(path.join(fixtures, 'i64_3.npy'));
  assert.deepEqual(Array.from(i.data as BigInt64Array), [-1n, 2n ** 40n, 7n]);
  const u = readNpy(path.join(fixtures, 'u8_2x2.npy'));
  assert.deepEqual(u.shape, [2, 2]);
  assert.deepEqual(Array.from(u.data as Uint8Array), [0, 255, 17, 3]);
});

test('encodes byte-identically to NumPy', () => {
  for (const name of ['f32_2x3x4.npy', 'f64_5.npy', 'i64_3.npy', 'u8_2x2.npy']) {
    const bytes = readFileSync(path.join(fixtures, name));
    const a = decodeNpy(bytes, name);
    assert.deepEqual(Buffer.from(encodeNpy(a.data, a.shape, a.dtype)), bytes, name);
  }
});

test('write then read round-trips through a file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-npy-'));
  const data = Float32Array.from([1, 2, 3, 4, 5, 6]);
  writeNpy(path.join(dir, 'x.npy'), data, [1, 2, 3]);
  const back = readNpy(path.join(dir, 'x.npy'));
  assert.deepEqual(back.shape, [1, 2, 3]);
  assert.deepEqual(back.data, data);
});

test('a truncated or foreign file is a DataError naming the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-npy-'));
  const full = readFileSync(path.join(fixtures, 'f32_2x3x4.npy'));
  const cut = path.join(dir, 'cut.npy');
  writeFileSync(cut, full.subarray(0, full.length - 8));
  assert.throws(
    () => readNpy(cut),
    (e: unknown) => e instanceof DataError && /cut\.npy: truncated/.test(e.message),
  );
  const png = path.join(dir, 'not.npy');
  writeFileSync(png, 'hello world, not numpy');
  assert.throws(() => readNpy(png), /not\.npy: not a NumPy \.npy file/);
});

const layouts = path.join(fixtures, 'layouts');
const layoutExpect = JSON.parse(readFileSync(path.join(layouts, 'layouts.json'), 'utf8')) as Record<
  string,
  { dtype: string; shape: number[]; float32: number[] }
>;

test('reads every NumPy layout (byte order, float16-64, int, uint, bool, Fortran) as NumPy does', async () => {
  const { readNpyFloat32 } = await import('../../src/data/source.js');
  const names = Object.keys(layoutExpect);
  assert.equal(names.length, 34);
  for (const name of names) {
    const want = layoutExpect[name];
    const a = readNpy(path.join(layouts, name));
    assert.deepEqual(a.shape, want.shape, name);
    assert.deepEqual(Array.from(a.data as ArrayLike<number | bigint>, Number), want.float32, name);
    const f = readNpyFloat32(path.join(layouts, name));
    assert.deepEqual(Array.from(f.data), want.float32, `${name} as float32`);
    // One item of the first axis, read by offset (C order) or reordered (Fortran).
    const item = readNpyFloat32(path.join(layouts, name), 1);
    assert.deepEqual(item.shape, [3, 4], name);
    assert.deepEqual(Array.from(item.data), want.float32.slice(12), `${name} item 1`);
  }
});

test('an .npz of a big-endian Fortran array reads in C order', async () => {
  const { readNpz } = await import('../../src/io/npz.js');
  const z = readNpz(path.join(layouts, 'mixed.npz'));
  assert.deepEqual(Array.from(z.get('x')!.data as Float32Array), layoutExpect['f4_be_C.npy'].float32);
  assert.deepEqual(Array.from(z.get('y')!.data as Int16Array), [1, 0]);
});

test('an unsupported dtype names the file and the supported ones', () => {
  const bytes = Buffer.from(encodeNpy(Float32Array.from([1, 2]), [2]));
  const bad = Buffer.from(bytes.toString('latin1').replace("'<f4'", "'<c8'"), 'latin1');
  assert.throws(() => decodeNpy(bad, 'z.npy'), /z\.npy: dtype '<c8' is not supported \(expected float16/);
});
