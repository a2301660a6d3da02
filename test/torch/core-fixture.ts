// Loads test/fixtures/torch/core.json (written by scripts/fixtures/torch_core.py) and compares tensors with it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tensor } from '../../src/torch/creation.js';
import type { DType } from '../../src/torch/dtype.js';
import type { Tensor } from '../../src/torch/tensor.js';

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

const path = fileURLToPath(new URL('../fixtures/torch/core.json', import.meta.url));
const cases = JSON.parse(readFileSync(path, 'utf8')).cases as Record<string, Record<string, FixtureTensor>>;

export function fixture(name: string): Record<string, FixtureTensor> {
  const c = cases[name];
  if (!c) throw new Error(`no fixture case ${name} in ${path}`);
  return c;
}

/** A tensor holding a fixture's values (float64 unless dtype says). */
export function load(f: FixtureTensor, dtype: DType = 'float64'): Tensor {
  return tensor(f.data, { shape: f.shape, dtype });
}

/** Asserts t has the fixture's shape and values within tol (absolute + relative). */
export function assertClose(t: Tensor, f: FixtureTensor, tol = 1e-9, what = 'tensor'): void {
  assert.deepEqual(t.shape, f.shape, `${what}: shape`);
  const got = t.toArray();
  for (let i = 0; i < got.length; i++) {
    const want = f.data[i];
    const err = Math.abs(got[i] - want);
    assert.ok(err <= tol * (1 + Math.abs(want)), `${what}[${i}]: got ${got[i]}, want ${want}`);
  }
}
