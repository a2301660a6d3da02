// Tensor.tolist() returns what PyTorch's tolist() does (test/fixtures/torch/tolist.json, written by
// scripts/fixtures/torch_tolist.py with Debian's torch 1.13); nn modules run through call() as PyTorch's module(x).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor } from '../../src/torch/creation.js';
import type { DType } from '../../src/torch/dtype.js';
import { Linear } from '../../src/torch/nn/linear.js';
import { noGrad } from '../../src/torch/autograd.js';

interface Case {
  dtype: DType;
  shape: number[];
  flat: (number | boolean)[];
  tolist: unknown;
}
const fixture = fileURLToPath(new URL('../fixtures/torch/tolist.json', import.meta.url));
const cases = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, Case>;

for (const [name, c] of Object.entries(cases)) {
  test(`tolist() of ${name} equals PyTorch's`, () => {
    const t = tensor(c.flat as number[], { shape: c.shape, dtype: c.dtype });
    assert.deepEqual(t.tolist(), c.tolist);
  });
}

test('tolist() nests one array per dim; call() is forward, as module(x) in PyTorch', () => {
  assert.equal(Object.keys(cases).length, 10);
  const lin = new Linear(2, 1);
  noGrad(() => {
    lin.getParameter('weight')!.copy_(tensor([[2, -1]]));
    lin.getParameter('bias')!.copy_(tensor([0.5]));
  });
  const y = noGrad(() =>
    lin.call(
      tensor([
        [1, 1],
        [3, 0],
      ]),
    ),
  );
  assert.deepEqual(y.tolist(), [[1.5], [6.5]]);
  assert.deepEqual(
    y.tolist(),
    noGrad(() =>
      lin.forward(
        tensor([
          [1, 1],
          [3, 0],
        ]),
      ),
    ).tolist(),
  );
});
