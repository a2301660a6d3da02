// Every registered network exported to ONNX gives libtorch's logits (within 1e-4) when run by ONNX Runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { createModel, listModels, type LensModel } from '../../src/models/index.js';
import { modelToOnnxGraph, findOnnxExporter } from '../../src/onnx/models.js';
import { Generator, randn } from '../../src/torch/random.js';
import { noGrad } from '../../src/torch/autograd.js';
import { scope } from '../../src/torch/scope.js';
import type { Tensor } from '../../src/torch/tensor.js';

/** Small but complete variants: every block type of each family is present. */
const tiny: Record<string, Record<string, unknown>> = {
  lensnet: { channels: [4, 8, 8] },
  resnet18: { width: 4 },
  resnet34: { width: 4 },
  vit_tiny: { depth: 2 },
  vit_small: { depth: 1, hidden: 48, heads: 3, mlpDim: 64 },
  vit_b_16: { depth: 1, hidden: 48, heads: 4, mlpDim: 64, patchSize: 8 },
  hybrid: { cnnChannels: [8, 16], hidden: 32, depth: 2, heads: 4, mlpDim: 48 },
};
const cases: [string, Record<string, unknown>][] = [
  ...listModels().map((n): [string, Record<string, unknown>] => [n, tiny[n] ?? {}]),
  ['resnet18', { width: 4, stem: 'small' }],
  ['lensnet', { channels: [4, 8, 8], stem: 'space_to_depth' }],
  ['lensnet', { channels: [4, 8, 8], convs: [1, 2, 3] }],
  ['hybrid', { ...tiny.hybrid, arcAttention: true }],
];

/**
 * Moves every weight and statistic away from its initial value (zero heads, unit BatchNorm statistics), so that
 * a mistake in any of them would show in the logits.
 */
function perturb(model: LensModel, gen: Generator): void {
  noGrad(() => {
    for (const p of model.parameters()) scope(() => void p.add_(randn(p.shape, { generator: gen }).mul(0.1)));
    for (const [key, b] of model.namedBuffers()) {
      if (key.endsWith('running_mean')) b.normal_(0, 0.1, gen);
      else if (key.endsWith('running_var')) b.uniform_(0.5, 1.5, gen);
    }
  });
}

async function runOnnx(bytes: Uint8Array, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new ort.Tensor('float32', x, shape) });
    assert.deepEqual(out.logit.dims, [shape[0], 1]);
    return out.logit.data as Float32Array;
  } finally {
    await session.release();
  }
}

for (const [name, extra] of cases) {
  test(`export ${name} ${JSON.stringify(extra)}: ONNX Runtime logits equal libtorch's within 1e-4`, async () => {
    const gen = new Generator(11);
    const bands = 3;
    const size = 32;
    const model = createModel(name, { inChannels: bands, imageSize: size, ...extra }, gen);
    perturb(model, gen);
    model.eval();
    const shape = [5, bands, size, size];
    const xt = randn(shape, { generator: new Generator(3) }).keep();
    const x = xt.toFloat32Array();
    const expected = noGrad(() => scope(() => (model.call(xt) as Tensor).reshape([-1]).toFloat32Array()));
    const graph = modelToOnnxGraph(model, { bands, height: size, width: size });
    const bytes = graph.encode({ graphName: name, metadata: { test: '1' }, producerVersion: 'test' });
    const got = await runOnnx(bytes, x, shape);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
    // The logits vary between images, so equality is not a constant's.
    assert.ok(
      Math.max(...expected) - Math.min(...expected) > 1e-3,
      `${name}: logits do not vary: ${expected.join(', ')}`,
    );
    console.log(
      `# ${name} ${JSON.stringify(extra)}: max |Δlogit| = ${maxDiff.toExponential(2)} (logits ${expected[0].toFixed(4)}..)`,
    );
    assert.ok(maxDiff <= 1e-4, `${name}: max |Δlogit| ${maxDiff} > 1e-4`);
    xt.dispose();
  });
}

test('every registered model class has an exporter', () => {
  for (const name of listModels()) {
    const model = createModel(name, { inChannels: 1, imageSize: 32, ...(tiny[name] ?? {}) });
    assert.ok(findOnnxExporter(model), `${name} has no ONNX exporter`);
  }
});
