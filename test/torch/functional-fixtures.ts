// Loads the PyTorch reference cases written by scripts/fixtures/torch_functional.py and checks an op against
// them: forward output, gradients of (out * g).sum() w.r.t. the listed inputs, and inputs updated in place.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor } from '../../src/torch/creation.js';
import { scope } from '../../src/torch/scope.js';
import type { Tensor } from '../../src/torch/tensor.js';

export interface Encoded {
  shape: number[];
  dtype: 'float32' | 'int64' | 'bool';
  data: number[];
}

export interface FixtureCase {
  name: string;
  op: string;
  params: Record<string, any>;
  inputs: Record<string, Encoded>;
  out: Encoded;
  g: Encoded;
  grads: Record<string, Encoded>;
  after: Record<string, Encoded>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export function loadCases(group: string): FixtureCase[] {
  const file = path.join(here, '../fixtures/torch', `functional_${group}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as FixtureCase[];
}

export function fromEncoded(e: Encoded, requiresGrad = false): Tensor {
  return tensor(e.data, { shape: e.shape, dtype: e.dtype, requiresGrad });
}

/** |actual - expected| <= atol + rtol * |expected| elementwise, with the same shape. */
export function assertClose(actual: Tensor, expected: Encoded, what: string, atol = 1e-5, rtol = 1e-5): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = Array.from(actual.toArray());
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i] - expected.data[i]) - (atol + rtol * Math.abs(expected.data[i]));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  assert.ok(at < 0, `${what}: element ${at} is ${a[at]}, PyTorch gives ${expected.data[at]}`);
}

export type OpRunner = (inputs: Record<string, Tensor>, params: Record<string, any>) => Tensor;

/** Runs one fixture case through `run` and compares forward, gradients and in-place updates. */
export function checkCase(c: FixtureCase, run: OpRunner, atol = 1e-5, rtol = 1e-5): void {
  scope(() => {
    const inputs: Record<string, Tensor> = {};
    for (const [k, e] of Object.entries(c.inputs)) inputs[k] = fromEncoded(e, k in c.grads);
    const out = run(inputs, c.params);
    assertClose(out, c.out, `${c.name} forward`, atol, rtol);
    if (Object.keys(c.grads).length > 0) {
      out.backward(fromEncoded(c.g));
      for (const [k, e] of Object.entries(c.grads)) {
        const grad = inputs[k].grad;
        assert.ok(grad, `${c.name}: no gradient for ${k}`);
        assertClose(grad, e, `${c.name} d/d${k}`, atol, rtol);
      }
    }
    for (const [k, e] of Object.entries(c.after))
      assertClose(inputs[k], e, `${c.name} ${k} after`, atol, rtol);
  });
}

/** A fixed pseudo-random sequence in [-1, 1) (LCG), for the finite-difference checks. */
export function pseudoRandom(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s / 2 ** 31 - 1);
  }
  return out;
}

export interface GradInput {
  shape: number[];
  data: number[];
}

/**
 * Central-difference gradient check in float64: the analytic gradient of (fn(inputs) * g).sum() w.r.t. each input
 * in `wrt` against (f(x + eps e_i) - f(x - eps e_i)) / 2 eps, element by element. Returns the largest error.
 */
export function gradCheck(
  inputs: Record<string, GradInput>,
  fn: (t: Record<string, Tensor>) => Tensor,
  wrt: string[],
  eps = 1e-6,
  tol = 1e-6,
): number {
  const build = (override?: { name: string; index: number; delta: number }, grad = false) => {
    const ts: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(inputs)) {
      const data = v.data.slice();
      if (override && override.name === k) data[override.index] += override.delta;
      ts[k] = tensor(data, { shape: v.shape, dtype: 'float64', requiresGrad: grad && wrt.includes(k) });
    }
    return ts;
  };
  return scope(() => {
    const ts = build(undefined, true);
    const out = fn(ts);
    const g = pseudoRandom(out.numel(), 7);
    out.backward(tensor(g, { shape: out.shape, dtype: 'float64' }));
    const objective = (o: Tensor) => Array.from(o.toArray()).reduce((s, v, i) => s + v * g[i], 0);
    let worstErr = 0;
    for (const name of wrt) {
      const analytic = Array.from(ts[name].grad!.toArray());
      for (let i = 0; i < inputs[name].data.length; i++) {
        const fPlus = scope(() => objective(fn(build({ name, index: i, delta: eps }))));
        const fMinus = scope(() => objective(fn(build({ name, index: i, delta: -eps }))));
        const numeric = (fPlus - fMinus) / (2 * eps);
        const err = Math.abs(numeric - analytic[i]) / (1 + Math.abs(numeric));
        worstErr = Math.max(worstErr, err);
        assert.ok(err <= tol, `d/d${name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`);
      }
    }
    return worstErr;
  });
}
