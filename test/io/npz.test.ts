import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeNpz, readNpz } from '../../src/io/npz.js';
import { DataError } from '../../src/errors.js';

const dir = path.join(import.meta.dirname, '../fixtures/npz');
const x = Array.from({ length: 96 }, (_, i) => i * 0.125 - 2);

for (const name of ['stored.npz', 'compressed.npz']) {
  test(`reads NumPy ${name} (savez${name === 'compressed.npz' ? '_compressed' : ''})`, () => {
    const m = readNpz(path.join(dir, name));
    assert.deepEqual([...m.keys()].sort(), ['ids', 'labels', 'x']);
    assert.deepEqual(m.get('x')!.shape, [2, 3, 4, 4]);
    assert.deepEqual(Array.from(m.get('x')!.data as Float32Array), x);
    assert.deepEqual(Array.from(m.get('labels')!.data as BigInt64Array), [1n, 0n]);
    assert.deepEqual(Array.from(m.get('ids')!.data as Int32Array), [7, 9]);
  });
}

test('positional arrays are named arr_0', () => {
  const m = readNpz(path.join(dir, 'positional.npz'));
  assert.deepEqual(Array.from(m.get('arr_0')!.data as Float64Array), [0, 1, 2, 3, 4]);
});

test('corrupt and truncated archives are DataErrors naming the file', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-npz-'));
  const full = readFileSync(path.join(dir, 'compressed.npz'));
  const cut = path.join(tmp, 'cut.npz');
  writeFileSync(cut, full.subarray(0, full.length - 40));
  assert.throws(
    () => readNpz(cut),
    (e: unknown) => e instanceof DataError && e.message.startsWith(cut) && e.path === cut,
  );
  const flipped = Buffer.from(readFileSync(path.join(dir, 'stored.npz')));
  flipped[200] ^= 0xff; // inside the first entry's data: CRC no longer matches
  assert.throws(() => decodeNpz(flipped, 'flip.npz'), /flip\.npz: entry '.*' is corrupt/);
  assert.throws(() => decodeNpz(Buffer.from('not a zip'.repeat(5)), 'text.npz'), /text\.npz: not a zip/);
});
