import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  GroupNorm,
  Identity,
  LayerNorm,
  Linear,
  Module,
  ModuleList,
  MultiheadAttention,
  ReLU,
  Sequential,
  MaxPool2d,
  AdaptiveAvgPool2d,
  GELU,
} from '../../src/torch/nn/index.js';
import {
  kaimingNormal_,
  kaimingUniform_,
  truncNormal_,
  xavierUniform_,
  xavierNormal_,
  zeros_,
  ones_,
} from '../../src/torch/nn/init.js';
import { loadSafetensors } from '../../src/torch/serialization.js';
import { zeros } from '../../src/torch/creation.js';
import { Generator } from '../../src/torch/random.js';
import { noGrad } from '../../src/torch/autograd.js';
import { LensfindError } from '../../src/errors.js';
import type { Tensor } from '../../src/torch/tensor.js';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/torch');
// PyTorch 1.13 layers, state dicts, inputs and outputs (scripts/fixtures/torch_nn.py).
const ref = loadSafetensors(path.join(fixtures, 'nn_layers.safetensors'));

function stateOf(name: string): Map<string, Tensor> {
  const prefix = `${name}.sd.`;
  return new Map([...ref].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

function maxDiff(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toArray();
  const y = b.toArray();
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
}

function std(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) };
}

const layers: [string, () => Module][] = [
  ['conv', () => new Conv2d(3, 4, 3, { stride: 2, padding: 1 })],
  ['convg', () => new Conv2d(4, 6, 3, { padding: 2, dilation: 2, groups: 2, bias: false })],
  ['bn', () => new BatchNorm2d(4)],
  ['linear', () => new Linear(5, 3)],
  ['ln', () => new LayerNorm(6)],
  ['gn', () => new GroupNorm(2, 4)],
  ['mha', () => new MultiheadAttention(8, 2)],
  ['mhax', () => new MultiheadAttention(8, 4)],
];

for (const [name, make] of layers) {
  test(`${name}: forward with PyTorch's weights equals PyTorch's output`, () => {
    const m = make().eval();
    const sd = stateOf(name);
    assert.deepEqual([...m.stateDict().keys()], [...sd.keys()], 'state dict keys in PyTorch order');
    m.loadStateDict(sd);
    const inputs = ['in', 'in2', 'in3'].map((k) => ref.get(`${name}.${k}`)).filter((t): t is Tensor => !!t);
    const y = noGrad(() => (m.forward as (...a: Tensor[]) => Tensor)(...inputs));
    const d = maxDiff(y, ref.get(`${name}.out`)!);
    assert.ok(d < 2e-6, `${name}: max |diff| ${d}`);
  });
}

test('BatchNorm2d in training uses batch statistics and updates running stats like PyTorch', () => {
  const bn = new BatchNorm2d(4);
  bn.loadStateDict(stateOf('bn'));
  bn.train();
  const y = noGrad(() => bn.call(ref.get('bn.in')!));
  assert.ok(maxDiff(y, ref.get('bn.out_train')!) < 2e-6);
  for (const key of ['running_mean', 'running_var']) {
    assert.ok(maxDiff(bn.stateDict().get(key)!, ref.get(`bn.after.${key}`)!) < 1e-6, key);
  }
  const nbt = bn.stateDict().get('num_batches_tracked')!;
  assert.equal(nbt.dtype, 'int64');
  assert.equal(nbt.item(), 4);
  assert.equal(ref.get('bn.after.num_batches_tracked')!.item(), 4);
});

class Block extends Module {
  conv1 = this.registerModule('conv1', new Conv2d(3, 4, 3, { padding: 1, bias: false }));
  bn1 = this.registerModule('bn1', new BatchNorm2d(4));
  relu = this.registerModule('relu', new ReLU());
  layers = this.registerModule(
    'layers',
    new ModuleList([new Linear(4, 4), new Identity(), new LayerNorm(4)]),
  );
  head = this.registerModule('head', new Sequential(new Flatten(), new Dropout(0.1), new Linear(16, 2)));
  attn = this.registerModule('attn', new MultiheadAttention(4, 2));
  gn = this.registerModule('gn', new GroupNorm(2, 4));
}

test('state dict keys, shapes and parameter names equal PyTorch for a composite module', () => {
  const want = JSON.parse(readFileSync(path.join(fixtures, 'nn_keys.json'), 'utf8')) as {
    state_dict: [string, number[]][];
    parameters: string[];
  };
  const b = new Block();
  assert.deepEqual(
    [...b.stateDict()].map(([k, t]) => [k, t.shape]),
    want.state_dict,
  );
  assert.deepEqual(
    b.namedParameters().map(([k]) => k),
    want.parameters,
  );
  assert.equal(b.parameters().length, want.parameters.length);
  assert.equal(b.numParameters(), 108 + 8 + 20 + 8 + 34 + 80 + 8);
  assert.deepEqual(
    b
      .namedModules()
      .map(([k]) => k)
      .slice(0, 6),
    ['', 'conv1', 'bn1', 'relu', 'layers', 'layers.0'],
  );
});

test('train()/eval() reach every submodule; Dropout is the identity in eval', () => {
  const b = new Block();
  b.eval();
  assert.ok(b.modules().every((m) => !m.training));
  b.train();
  assert.ok(b.modules().every((m) => m.training));
  const d = new Dropout(0.5, { generator: new Generator(1) });
  const x = zeros([1000]).add(1);
  const yTrain = noGrad(() => d.call(x)).toArray();
  const kept = yTrain.filter((v) => v !== 0);
  assert.ok(kept.length > 400 && kept.length < 600, `${kept.length} kept`);
  assert.ok(kept.every((v) => v === 2));
  d.eval();
  assert.deepEqual(d.call(x).toArray(), x.toArray());
});

test('loadStateDict copies values and rejects missing, unexpected and mismatched keys, listing them', () => {
  const a = new Block();
  const b = new Block();
  b.loadStateDict(a.stateDict());
  for (const [k, t] of b.stateDict()) assert.equal(maxDiff(t, a.stateDict().get(k)!), 0, k);

  const sd = new Map(a.stateDict());
  sd.delete('bn1.running_var');
  sd.delete('head.2.bias');
  sd.set('extra.weight', zeros([2]));
  sd.set('gn.weight', zeros([5]));
  assert.throws(
    () => b.loadStateDict(sd),
    (err: unknown) =>
      err instanceof LensfindError &&
      err.code === 'E_STATE_DICT' &&
      /missing keys: bn1\.running_var, head\.2\.bias/.test(err.message) &&
      /unexpected keys: extra\.weight/.test(err.message) &&
      /shape mismatches: gn\.weight \(checkpoint \[5\], model \[4\]\)/.test(err.message),
  );
  sd.set('gn.weight', zeros([4]));
  const r = b.loadStateDict(sd, { strict: false });
  assert.deepEqual(r, { missingKeys: ['bn1.running_var', 'head.2.bias'], unexpectedKeys: ['extra.weight'] });
  assert.deepEqual(b.stateDict().get('gn.weight')!.toArray(), [0, 0, 0, 0]);
});

test('Sequential chains its modules; pooling and GELU layers run', () => {
  const net = new Sequential(
    new Conv2d(2, 3, 3, { padding: 1, generator: new Generator(3) }),
    new GELU(),
    new MaxPool2d(2),
    new AdaptiveAvgPool2d(1),
    new Flatten(),
  );
  assert.equal(net.length, 3 + 2);
  const y = noGrad(() => net.call(zeros([2, 2, 8, 8])));
  assert.deepEqual(y.shape, [2, 3]);
  assert.ok(net.at(0) instanceof Conv2d);
});

test('default inits follow PyTorch: Linear/Conv U(±1/sqrt(fan_in)), norms ones/zeros, seeded', () => {
  const lin = new Linear(64, 256, { generator: new Generator(5) });
  const w = lin.weight.toArray();
  const bound = 1 / 8;
  assert.ok(Math.max(...w.map(Math.abs)) <= bound);
  assert.ok(Math.abs(std(w).std - bound / Math.sqrt(3)) < 0.03 * bound);
  assert.ok(Math.max(...lin.bias!.toArray().map(Math.abs)) <= bound);
  const again = new Linear(64, 256, { generator: new Generator(5) });
  assert.equal(maxDiff(again.weight, lin.weight), 0);
  const conv = new Conv2d(8, 16, 3, { generator: new Generator(6) });
  assert.ok(Math.max(...conv.weight.toArray().map(Math.abs)) <= 1 / Math.sqrt(72));
  const bn = new BatchNorm2d(3);
  assert.deepEqual(bn.weight!.toArray(), [1, 1, 1]);
  assert.deepEqual(bn.bias!.toArray(), [0, 0, 0]);
  assert.ok(lin.weight.requiresGrad);
  const mha = new MultiheadAttention(8, 2, { generator: new Generator(7) });
  assert.deepEqual(mha.stateDict().get('in_proj_bias')!.toArray(), new Array(24).fill(0));
  assert.ok(Math.max(...mha.inProjWeight.toArray().map(Math.abs)) <= Math.sqrt(6 / (8 + 24)));
});

test('init statistics: kaiming, xavier and truncated normal have their expected spread', () => {
  const g = new Generator(11);
  const t = zeros([128, 64, 3, 3]);
  kaimingNormal_(t, { mode: 'fan_out', nonlinearity: 'relu', generator: g });
  const want = Math.sqrt(2 / (128 * 9));
  const s = std(t.toArray());
  assert.ok(Math.abs(s.std / want - 1) < 0.02, `kaiming normal std ${s.std} vs ${want}`);
  assert.ok(Math.abs(s.mean) < 0.02 * want);
  kaimingNormal_(t, { mode: 'fan_in', generator: g });
  assert.ok(Math.abs(std(t.toArray()).std / Math.sqrt(2 / (64 * 9)) - 1) < 0.02);
  kaimingUniform_(t, { nonlinearity: 'relu', generator: g });
  const b = Math.sqrt(2) * Math.sqrt(3 / (64 * 9));
  const u = t.toArray();
  assert.ok(Math.max(...u.map(Math.abs)) <= b && Math.max(...u) > 0.99 * b);
  const m = zeros([200, 300]);
  xavierUniform_(m, { generator: g });
  assert.ok(Math.abs(std(m.toArray()).std / Math.sqrt(2 / 500) - 1) < 0.02);
  xavierNormal_(m, { gain: 2, generator: g });
  assert.ok(Math.abs(std(m.toArray()).std / (2 * Math.sqrt(2 / 500)) - 1) < 0.02);
  truncNormal_(m, { std: 1, a: -2, b: 2, generator: g });
  const tv = m.toArray();
  assert.ok(Math.min(...tv) >= -2 && Math.max(...tv) <= 2);
  // the standard normal truncated to ±2 has std 0.8796
  assert.ok(Math.abs(std(tv).std - 0.8796) < 0.01, `trunc std ${std(tv).std}`);
  zeros_(m);
  assert.equal(Math.max(...m.toArray().map(Math.abs)), 0);
  ones_(m);
  assert.equal(std(m.toArray()).mean, 1);
});

test('to(dtype) replaces parameters and keeps the getters pointing at them', () => {
  const lin = new Linear(3, 2, { generator: new Generator(2) });
  const before = lin.weight.toArray();
  lin.to('float64');
  assert.equal(lin.weight.dtype, 'float64');
  assert.equal(lin.stateDict().get('weight'), lin.weight);
  assert.ok(lin.weight.requiresGrad);
  assert.ok(lin.weight.toArray().every((v, i) => Math.abs(v - before[i]) < 1e-7));
});
