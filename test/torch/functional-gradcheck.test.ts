// Finite-difference gradient checks in float64: libtorch's analytic backward of conv2d, batchNorm, layerNorm
// and gridSample against central differences, on shapes not covered by the PyTorch fixtures.
import { test } from 'node:test';
import * as F from '../../src/torch/functional.js';
import { gradCheck, pseudoRandom } from './functional-fixtures.js';

const input = (shape: number[], seed: number, scale = 1) => ({
  shape,
  data: pseudoRandom(
    shape.reduce((a, b) => a * b, 1),
    seed,
  ).map((v) => v * scale),
});

test('conv2d: stride 2, padding 1, dilation 2, groups 2', () => {
  gradCheck(
    { x: input([2, 4, 6, 5], 1), w: input([4, 2, 3, 3], 2), b: input([4], 3) },
    (t) => F.conv2d(t.x, t.w, t.b, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
    ['x', 'w', 'b'],
  );
});

test('batchNorm training (batch statistics) and eval (running statistics)', () => {
  gradCheck(
    { x: input([3, 2, 2, 3], 4), w: input([2], 5), b: input([2], 6) },
    (t) => F.batchNorm(t.x, undefined, undefined, t.w, t.b, { training: true }),
    ['x', 'w', 'b'],
  );
  const rv = input([2], 7);
  rv.data = rv.data.map((v) => 1 + 0.5 * v);
  gradCheck(
    { x: input([2, 2, 3], 8), rm: input([2], 9), rv, w: input([2], 10), b: input([2], 11) },
    (t) => F.batchNorm(t.x, t.rm, t.rv, t.w, t.b, { training: false }),
    ['x', 'w', 'b'],
  );
});

test('layerNorm over the last two dims', () => {
  gradCheck(
    { x: input([2, 3, 4], 12), w: input([3, 4], 13), b: input([3, 4], 14) },
    (t) => F.layerNorm(t.x, [3, 4], t.w, t.b),
    ['x', 'w', 'b'],
  );
});

test('gridSample bilinear with each padding mode', () => {
  for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
    for (const alignCorners of [false, true]) {
      gradCheck(
        { x: input([1, 2, 4, 5], 15), grid: input([1, 3, 3, 2], 16, 1.3) },
        (t) => F.gridSample(t.x, t.grid, { paddingMode, alignCorners }),
        ['x', 'grid'],
      );
    }
  }
});
