// Swin Transformer V2 (src/models/swinv2.ts): torchvision's outputs on a fixture (scripts/fixtures/
// swinv2_reference.py), shapes, the locality of (shifted) window attention, and a few training steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SwinBlockV2, SwinTransformerV2, swinV2Options } from '../../src/models/swinv2.js';
import { loadSafetensors } from '../../src/torch/serialization.js';
import { noGrad } from '../../src/torch/autograd.js';
import { scope } from '../../src/torch/scope.js';
import { Generator, randn } from '../../src/torch/random.js';
import { Adam } from '../../src/torch/optim/index.js';
import * as F from '../../src/torch/functional.js';
import { assertClose, fixtures } from './helpers.js';

const tiny = swinV2Options.parse({
  inChannels: 3,
  imageSize: 16,
  patchSize: 2,
  embedDim: 8,
  depths: [2, 2],
  heads: [2, 4],
  window: 4,
});

test("swinv2: state dict keys and outputs equal torchvision's SwinTransformer V2", () => {
  scope(() => {
    const weights = loadSafetensors(path.join(fixtures, 'swinv2_tiny_ref.safetensors'));
    const io = loadSafetensors(path.join(fixtures, 'swinv2_tiny_ref.io.safetensors'));
    const model = new SwinTransformerV2(tiny);
    assert.deepEqual([...model.stateDict().keys()].sort(), [...weights.keys()].sort());
    model.loadStateDict(weights, { strict: true });
    model.eval();
    noGrad(() => {
      assertClose(model.forwardFeatures(io.get('input')!), io.get('features')!);
      assertClose(model.call(io.get('input')!), io.get('output')!);
    });
  });
});

test('swinv2: output shapes; a window larger than a stage shrinks to it', () => {
  scope(() => {
    const m = new SwinTransformerV2(
      swinV2Options.parse({ ...tiny, imageSize: 32, depths: [1, 1, 1], heads: [1, 2, 4], window: 8 }),
      new Generator(1),
    );
    assert.equal(m.numFeatures, 32);
    const x = randn([3, 3, 32, 32], { generator: new Generator(2) });
    assert.deepEqual(noGrad(() => m.forwardFeatures(x)).shape, [3, 32]);
    assert.deepEqual(noGrad(() => m.call(x)).shape, [3, 1]);
    assert.throws(
      () => new SwinTransformerV2(swinV2Options.parse({ ...tiny, imageSize: 20 })),
      /not a multiple of the window/,
    );
  });
});

/** Which tokens of one block's output [1, 8, 8, C] change when input token (y, x) is perturbed. */
function changed(block: SwinBlockV2, y: number, x: number): Set<string> {
  return scope(() => {
    const a = randn([1, 8, 8, 8], { generator: new Generator(5) });
    const b = a.clone();
    noGrad(() => b.narrow(1, y, 1).narrow(2, x, 1).add_(1));
    const d = noGrad(() => block.call(b).sub(block.call(a)).abs().sum(-1)).toFloat32Array();
    const out = new Set<string>();
    d.forEach((v, i) => {
      if (v > 0) out.add(`${Math.floor(i / 8)},${i % 8}`);
    });
    return out;
  });
}

/** The tokens in the same cell as (y, x) when each axis is cut at `cuts`. */
function cell(y: number, x: number, cuts: number[]): Set<string> {
  const part = (v: number) => cuts.filter((c) => c <= v).length;
  const out = new Set<string>();
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) if (part(i) === part(y) && part(j) === part(x)) out.add(`${i},${j}`);
  return out;
}

test('swinv2: one block mixes tokens only within its window; shifted windows never across the cyclic wrap', () => {
  const g = new Generator(3);
  const plain = new SwinBlockV2(8, 2, 4, 0, 16, g);
  const shifted = new SwinBlockV2(8, 2, 4, 2, 16, g);
  // plain windows: [0, 4) and [4, 8) on each axis
  assert.deepEqual(changed(plain, 1, 2), cell(1, 2, [4]));
  assert.deepEqual(changed(plain, 6, 5), cell(6, 5, [4]));
  // shifted by 2: windows [2, 6) inside; the rolled window holding rows/cols 6, 7, 0, 1 is split by the mask
  assert.deepEqual(changed(shifted, 3, 4), cell(3, 4, [2, 6]));
  assert.equal(changed(shifted, 3, 4).size, 16);
  assert.deepEqual(changed(shifted, 0, 0), cell(0, 0, [2, 6]));
  assert.equal(changed(shifted, 0, 0).size, 4);
  assert.deepEqual(changed(shifted, 7, 1), cell(7, 1, [2, 6]));
});

test('swinv2: a few training steps reduce the loss', () => {
  scope(() => {
    const g = new Generator(4);
    const m = new SwinTransformerV2(tiny, g);
    const opt = new Adam(m.parameters(), { lr: 3e-3 });
    const x = randn([16, 3, 16, 16], { generator: g });
    // a target the network can learn: the mean of the first band's central 8x8
    const y = x.narrow(1, 0, 1).narrow(2, 4, 8).narrow(3, 4, 8).mean([1, 2, 3]).unsqueeze(1).mul(4);
    const losses: number[] = [];
    for (let step = 0; step < 30; step++)
      losses.push(
        scope(() => {
          opt.zeroGrad();
          const loss = F.mseLoss(m.call(x), y);
          loss.backward();
          opt.step();
          return loss.item();
        }),
      );
    assert.ok(losses[29] < 0.75 * losses[0], `loss ${losses[0]} -> ${losses[29]}`);
  });
});
