// The three generators of src/rng/ draw exactly the published algorithms' sequences, computed independently in
// Python (scripts/fixtures/rng_streams.py): datasets, augmentations and bootstrap intervals depend on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { rng } from '../../src/index.js';
import { Rng as SimRng } from '../../src/sim/rng.js';

interface Streams {
  xoshiro128ss: { seed: number; u32: number[] }[];
  xoshiro128ss_for_item: { seed: number; index: number; stream: number; u32: number[] }[];
  sfc32: { keys: number[]; u32: number[] }[];
  mulberry32: { seed: number; u32: number[] }[];
}
const streams = JSON.parse(
  readFileSync(path.join(import.meta.dirname, '../fixtures/rng/streams.json'), 'utf8'),
) as Streams;

function draws(g: { nextUint32(): number }, n: number): number[] {
  return Array.from({ length: n }, () => g.nextUint32());
}

test('Rng is xoshiro128** seeded by splitmix64, per item streams included', () => {
  assert.equal(streams.xoshiro128ss.length, 4);
  for (const { seed, u32 } of streams.xoshiro128ss)
    assert.deepEqual(draws(new rng.Rng(seed), u32.length), u32);
  for (const { seed, index, stream, u32 } of streams.xoshiro128ss_for_item)
    assert.deepEqual(draws(rng.Rng.forItem(seed, index, stream), u32.length), u32);
  // The simulator's Rng is this one generator, not a copy.
  assert.equal(SimRng, rng.Rng);
});

test('Sfc32Rng is sfc32 seeded by splitmix32 over its keys', () => {
  assert.equal(streams.sfc32.length, 4);
  for (const { keys, u32 } of streams.sfc32)
    assert.deepEqual(draws(new rng.Sfc32Rng(...keys), u32.length), u32);
});

test('Mulberry32Rng is mulberry32 after a splitmix32 scramble of the seed; next() is the draw / 2^32', () => {
  assert.equal(streams.mulberry32.length, 4);
  for (const { seed, u32 } of streams.mulberry32) {
    const g = new rng.Mulberry32Rng(seed);
    assert.deepEqual(
      u32.map(() => g.next()),
      u32.map((u) => u / 4294967296),
    );
  }
});
