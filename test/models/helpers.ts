import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../../src/torch/tensor.js';

export const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/models');

/** Asserts two tensors have the same shape and values within `atol + rtol * |expected|`. */
export function assertClose(actual: Tensor, expected: Tensor, { atol = 1e-5, rtol = 1e-4 } = {}): void {
  assert.deepEqual(actual.shape, expected.shape);
  const a = actual.toArray();
  const e = expected.toArray();
  for (let i = 0; i < a.length; i++) {
    const tol = atol + rtol * Math.abs(e[i]);
    if (!(Math.abs(a[i] - e[i]) <= tol)) {
      assert.fail(`element ${i}: ${a[i]} vs expected ${e[i]} (tolerance ${tol}); actual ${a}, expected ${e}`);
    }
  }
}
