import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe } from '../../src/data/source.js';
import { stackSlices } from '../../src/predict/stack-items.js';

test('stackSlices: ids zero-padded to the digits of N - 1, sources naming the slice, unlabeled, no metadata', () => {
  const items = stackSlices('survey/stack_07', '/data/survey/stack_07.npy', 12);
  assert.equal(items.length, 12);
  assert.deepEqual(
    items.map((it) => it.id),
    Array.from({ length: 12 }, (_, i) => `survey/stack_07#${String(i).padStart(2, '0')}`),
  );
  assert.deepEqual(items[11].source, { file: '/data/survey/stack_07.npy', index: 11 });
  assert.equal(describe(items[3].source), '/data/survey/stack_07.npy#3');
  assert.ok(Number.isNaN(items[0].label));
  assert.deepEqual(items[0].meta, {});
  assert.equal(stackSlices('one', 'one.npy', 1)[0].id, 'one#0');
  assert.equal(stackSlices('s', 's.npy', 1000)[7].id, 's#007');
  const npz = stackSlices('cube', '/d/cube.npz', 3, 'images');
  assert.deepEqual(npz[2].source, { file: '/d/cube.npz', key: 'images', index: 2 });
  assert.equal(describe(npz[2].source), '/d/cube.npz:images#2');
});

test('stackSlices: a million slices cost under 100 bytes each (the listing of a 1M-cutout survey)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const stacks = Array.from({ length: 1000 }, (_, s) =>
    stackSlices(`stack_${s}`, `/data/stack_${s}.npy`, 1000),
  );
  gc();
  const perItem = (process.memoryUsage().heapUsed - before) / 1e6;
  assert.equal(
    stacks.reduce((a, s) => a + s.length, 0),
    1e6,
  );
  // An item with its own id string, source and metadata objects took ~200 bytes.
  assert.ok(perItem < 100, `${perItem.toFixed(0)} bytes per slice`);
});
