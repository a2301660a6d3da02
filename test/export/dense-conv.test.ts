// A convolution on a map no larger than its kernel is exported as one matrix product (src/onnx/dense-conv.ts);
// ONNX Runtime must give libtorch's convolution for every geometry, and the tap index must be the convolution's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { OnnxGraph } from '../../src/onnx/graph.js';
import { conv } from '../../src/onnx/layers.js';
import { denseIsCheaper, tapIndex } from '../../src/onnx/dense-conv.js';
import { Conv2d } from '../../src/torch/nn/index.js';
import { Generator, manualSeed, randn } from '../../src/torch/random.js';
import { noGrad } from '../../src/torch/autograd.js';
import type { Tensor } from '../../src/torch/tensor.js';

const geometry = (k: number, opts: { stride?: number; padding?: number; dilation?: number } = {}) => ({
  inChannels: 1,
  outChannels: 1,
  kernel: [k, k] as const,
  stride: [opts.stride ?? 1, opts.stride ?? 1] as const,
  padding: [opts.padding ?? 0, opts.padding ?? 0] as const,
  dilation: [opts.dilation ?? 1, opts.dilation ?? 1] as const,
  groups: 1,
});

test('tap index: a 3x3 kernel, padding 1, on a 2x2 map connects input q to output p through tap q - p + 1', () => {
  const { index, hOut, wOut } = tapIndex(geometry(3, { padding: 1 }), 2, 2);
  assert.deepEqual([hOut, wOut], [2, 2]);
  for (let q = 0; q < 4; q++)
    for (let p = 0; p < 4; p++) {
      const ky = Math.floor(q / 2) - Math.floor(p / 2) + 1;
      const kx = (q % 2) - (p % 2) + 1;
      assert.equal(index[q * 4 + p], ky * 3 + kx, `q ${q} p ${p}`);
    }
});

test('tap index: stride 2 leaves pixels no tap reaches as the zero tap (kh·kw)', () => {
  // 3x3 map, 1x1 kernel, stride 2: outputs (0,0),(0,1),(1,0),(1,1) read inputs (0,0),(0,2),(2,0),(2,2) only.
  const { index, hOut, wOut } = tapIndex(geometry(1, { stride: 2 }), 3, 3);
  assert.deepEqual([hOut, wOut], [2, 2]);
  const reads = [0, 2, 6, 8];
  for (let q = 0; q < 9; q++)
    for (let p = 0; p < 4; p++) assert.equal(index[q * 4 + p], reads[p] === q ? 0 : 1, `q ${q} p ${p}`);
});

test('dense lowering only where the map has no more pixels than the kernel has taps, and no groups', () => {
  assert.equal(denseIsCheaper(geometry(3, { padding: 1 }), 2, 2), true);
  assert.equal(denseIsCheaper(geometry(3, { padding: 1 }), 3, 3), true);
  assert.equal(denseIsCheaper(geometry(3, { padding: 1 }), 4, 4), false);
  assert.equal(denseIsCheaper({ ...geometry(3, { padding: 1 }), groups: 2 }, 2, 2), false);
});

const cases: {
  k: number;
  hw: [number, number];
  stride?: number;
  padding?: number;
  dilation?: number;
  bias: boolean;
}[] = [
  { k: 3, hw: [2, 2], padding: 1, bias: false }, // ResNet's last stage on 64x64 cutouts
  { k: 3, hw: [1, 1], padding: 1, bias: true },
  { k: 3, hw: [3, 3], stride: 2, padding: 1, bias: true },
  { k: 3, hw: [2, 3], padding: 2, dilation: 2, bias: false },
  { k: 2, hw: [2, 2], bias: true },
];

for (const c of cases) {
  test(`dense convolution equals libtorch's: ${JSON.stringify(c)}`, async () => {
    manualSeed(5);
    const m = new Conv2d(6, 5, c.k, {
      stride: c.stride,
      padding: c.padding,
      dilation: c.dilation,
      bias: c.bias,
    });
    const shape = [4, 6, ...c.hw];
    const x = randn(shape, { generator: new Generator(9) }).keep();
    const expected = noGrad(() => (m.call(x) as Tensor).keep());
    const g = new OnnxGraph();
    const y = conv(g, g.input('input', shape), m, 'c');
    assert.ok(!g.nodes.some((n) => n.opType === 'Conv') && g.nodes.some((n) => n.opType === 'MatMul'));
    g.output(y, 'out', expected.shape);
    const bytes = g.encode({ graphName: 'dense', metadata: {}, producerVersion: 'test' });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ input: new ort.Tensor('float32', x.toFloat32Array(), shape) });
    await session.release();
    assert.deepEqual(out.out.dims, expected.shape);
    const want = expected.toFloat32Array();
    const got = out.out.data as Float32Array;
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    assert.ok(maxDiff < 1e-5, `max |Δ| ${maxDiff}`);
    x.dispose();
    expected.dispose();
  });
}
