import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LensfindError } from '../../src/errors.js';
import * as torch from '../../src/torch/index.js';

/** The error a call throws: a LensfindError E_SHAPE whose message names the call and the bad size. */
function shapeError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LensfindError, `not a LensfindError: ${String(e)}`);
    assert.equal(e.code, 'E_SHAPE');
    assert.match(e.message, pattern);
    return true;
  });
}

test('every factory refuses NaN, negative, fractional and huge sizes instead of truncating them', () => {
  const bad: [number[], RegExp][] = [
    [[NaN, 2], /shape \[NaN, 2\]: size 0 is NaN, expected an integer >= 0/],
    [[2, -1], /size 1 is -1/],
    [[2.5, 2], /size 0 is 2\.5/],
    [[1e20, 2], /size 0 is larger than 2\^53 - 1/],
    [[2 ** 40, 2 ** 40], /has 1\.209e\+24 elements, more than 2\^53 - 1/],
  ];
  const factories: [string, (s: number[]) => unknown][] = [
    ['randn', (s) => torch.randn(s)],
    ['rand', (s) => torch.rand(s)],
    ['randint', (s) => torch.randint(0, 3, s)],
    ['zeros', (s) => torch.zeros(s)],
    ['ones', (s) => torch.ones(s)],
    ['empty', (s) => torch.empty(s)],
    ['full', (s) => torch.full(s, 1)],
  ];
  for (const [name, make] of factories) {
    for (const [shape, pattern] of bad)
      shapeError(() => make(shape), new RegExp(`^${name}\\(\\): .*${pattern.source}`));
  }
  shapeError(
    () => torch.fromTypedArray(new Float32Array(4), [NaN, 4]),
    /^fromTypedArray\(\): .*size 0 is NaN/,
  );
  shapeError(() => torch.tensor([1, 2, 3, 4], { shape: [2, 2.5] }), /^tensor\(\): .*size 1 is 2\.5/);
  shapeError(() => torch.eye(NaN), /^eye\(\): n is NaN/);
  shapeError(() => torch.eye(2, { cols: -3 }), /^eye\(\): cols is -3/);
  shapeError(() => torch.randperm(1.5), /^randperm\(\): n is 1\.5/);
  shapeError(() => torch.linspace(0, 1, NaN), /^linspace\(\): steps is NaN/);
  // Valid shapes are untouched, zero sizes included.
  assert.deepEqual(torch.randn([0, 2]).shape, [0, 2]);
  assert.deepEqual(torch.zeros(3).shape, [3]);
});

test('reshape and view infer one -1; expand keeps -1 sizes; repeat takes counts only', () => {
  const t = torch.zeros([2, 6]);
  assert.deepEqual(t.reshape([-1, 3]).shape, [4, 3]);
  assert.deepEqual(t.view(3, -1).shape, [3, 4]);
  shapeError(
    () => t.reshape([NaN, 3]),
    /^reshape\(\): shape \[NaN, 3\]: size 0 is NaN, expected an integer >= 0, or -1/,
  );
  shapeError(() => t.reshape([-1, -1]), /^reshape\(\): .*only one dimension can be -1/);
  shapeError(() => t.view([-2, 6]), /^view\(\): .*size 0 is -2/);
  assert.deepEqual(torch.zeros([1, 2]).expand([-1, 2]).shape, [1, 2]);
  assert.deepEqual(torch.zeros([1, 1]).expand([3, -1]).shape, [3, 1]);
  shapeError(() => torch.zeros([1, 2]).expand([NaN, 2]), /^expand\(\): .*size 0 is NaN/);
  shapeError(() => torch.zeros([2]).repeat([-1]), /^repeat\(\): .*size 0 is -1, expected an integer >= 0$/);
  assert.deepEqual(torch.zeros([2]).repeat([3]).shape, [6]);
});
