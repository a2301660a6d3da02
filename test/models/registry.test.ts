// Every registered network runs forward and backward on a tiny batch with any number of bands; options are validated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, listModels, type VisionTransformer } from '../../src/models/index.js';
import { ConfigError } from '../../src/errors.js';
import { Generator, randn } from '../../src/torch/random.js';
import { liveTensorCount, scope } from '../../src/torch/scope.js';
import { noGrad } from '../../src/torch/autograd.js';
import { loadSafetensors, saveSafetensors } from '../../src/torch/serialization.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Cheap options per model so the loop stays fast; every model keeps its own layout. */
const small: Record<string, Record<string, unknown>> = {
  vit_small: { depth: 2 },
  vit_b_16: { depth: 1 },
  resnet34: { width: 16 },
};
/** Smaller still, for tests that build every model twice. */
const tiny: Record<string, Record<string, unknown>> = {
  resnet18: { width: 8 },
  resnet34: { width: 8 },
  vit_tiny: { depth: 1 },
  vit_small: { depth: 1 },
  vit_b_16: { depth: 1 },
};

const runs: [string, Record<string, unknown>][] = [
  ...listModels().map((n): [string, Record<string, unknown>] => [n, small[n] ?? {}]),
  ['resnet18', { stem: 'small', width: 8 }],
  ['hybrid', { arcAttention: true }],
  ['hybrid', { arcAttention: false }],
];

test('the registry lists every network', () => {
  assert.deepEqual([...listModels()].sort(), [
    'hybrid',
    'lensnet',
    'resnet18',
    'resnet34',
    'vit_b_16',
    'vit_small',
    'vit_tiny',
  ]);
});

for (const [name, extra] of runs) {
  test(`${name} ${JSON.stringify(extra)}: forward [2,5,32,32] -> [2,1] and backward reaches every parameter`, () => {
    const gen = new Generator(7);
    const model = createModel(name, { inChannels: 5, imageSize: 32, dropout: 0.2, ...extra }, gen);
    model.train();
    scope(() => {
      const x = randn([2, 5, 32, 32], { generator: new Generator(1) });
      const y = model.call(x);
      assert.deepEqual(y.shape, [2, 1]);
      assert.ok(y.toArray().every(Number.isFinite));
      y.sum().backward();
      for (const [key, p] of model.namedParameters()) {
        assert.ok(p.grad, `${key} has no gradient`);
        assert.deepEqual(p.grad.shape, p.shape);
      }
    });
  });
}

test('the same seed builds the same weights; another seed different ones', () => {
  const a = createModel('lensnet', {}, new Generator(3)).stateDict();
  const b = createModel('lensnet', {}, new Generator(3)).stateDict();
  const c = createModel('lensnet', {}, new Generator(4)).stateDict();
  const w = 'features.1.0.weight';
  assert.deepEqual(a.get(w)!.toArray(), b.get(w)!.toArray());
  assert.notDeepEqual(a.get(w)!.toArray(), c.get(w)!.toArray());
});

test('eval mode is deterministic despite dropout; hybrid arc attention changes the keys', () => {
  const m = createModel(
    'hybrid',
    { inChannels: 3, imageSize: 32, dropout: 0.5, arcAttention: true },
    new Generator(1),
  );
  m.eval();
  const x = randn([2, 3, 32, 32], { generator: new Generator(2) });
  assert.deepEqual(m.call(x).toArray(), m.call(x).toArray());
  const keys = [...m.stateDict().keys()];
  assert.ok(keys.includes('polar_proj.weight') && keys.includes('radial_scale'));
  assert.ok(!keys.includes('pos_embedding') && !keys.includes('polar_features'));
  const plain = [...createModel('hybrid', { imageSize: 32 }).stateDict().keys()];
  assert.ok(plain.includes('pos_embedding') && !plain.includes('polar_proj.weight'));
});

test('unknown model, unknown option and bad values are ConfigErrors naming the field', () => {
  assert.throws(
    () => createModel('resnet99'),
    (e: unknown) => e instanceof ConfigError && /resnet18/.test(e.message),
  );
  assert.throws(
    () => createModel('resnet18', { stemm: 'small' }),
    (e: unknown) => e instanceof ConfigError && e.field === 'model.stemm' && /stemm/.test(e.message),
  );
  assert.throws(
    () => createModel('resnet18', { stem: 'big' }),
    (e: unknown) => e instanceof ConfigError && e.field === 'model.stem',
  );
  assert.throws(
    () => createModel('vit_tiny', { imageSize: 60 }),
    (e: unknown) => e instanceof ConfigError && /divisible/.test(e.message),
  );
});

test('every network survives a safetensors round trip: a differently seeded copy gives the same outputs', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'lensfind-models-'));
  const x = randn([2, 2, 32, 32], { generator: new Generator(5) });
  for (const name of listModels()) {
    const opts = { inChannels: 2, imageSize: 32, ...(tiny[name] ?? {}) };
    const a = createModel(name, opts, new Generator(1)).eval();
    const b = createModel(name, opts, new Generator(2)).eval();
    const file = path.join(tmp, `${name}.safetensors`);
    saveSafetensors(file, a.stateDict());
    b.loadStateDict(loadSafetensors(file));
    noGrad(() => assert.deepEqual(b.call(x).toArray(), a.call(x).toArray(), name));
  }
});

test('a training step inside a scope leaves no tensors behind', () => {
  const x = randn([2, 3, 32, 32], { generator: new Generator(9) });
  for (const [name, extra] of [
    ['lensnet', { dropout: 0.3 }],
    ['resnet18', { width: 8 }],
    ['vit_tiny', { depth: 1, dropout: 0.3, encoderDropout: 0.1, attentionDropout: 0.1 }],
    ['hybrid', { arcAttention: true, depth: 1 }],
  ] as const) {
    const model = createModel(name, { inChannels: 3, imageSize: 32, ...extra }, new Generator(1)).train();
    const step = () =>
      scope(() => {
        model.zeroGrad();
        model.call(x).sum().backward();
      });
    step();
    const before = liveTensorCount();
    step();
    step();
    assert.equal(liveTensorCount(), before, name);
  }
});

test("dropout draws from the model's generator: same seed, same training output", () => {
  const x = randn([4, 3, 32, 32], { generator: new Generator(2) });
  const run = (seed: number) => {
    const m = createModel('vit_tiny', { imageSize: 32, depth: 1, encoderDropout: 0.5 }, new Generator(seed));
    noGrad(() => (m as VisionTransformer).head.weight.normal_(0, 1, new Generator(3))); // torchvision's zero head would hide the body
    return { train: m.train().call(x).toArray(), eval: m.eval().call(x).toArray() };
  };
  const [a, b] = [run(1), run(1)];
  assert.deepEqual(a.train, b.train);
  assert.notDeepEqual(a.train, a.eval);
});
