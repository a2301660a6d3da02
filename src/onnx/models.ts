import { OnnxGraph } from './graph.js';
import { LensfindError } from '../errors.js';
import type { LensModel } from '../models/common.js';
import { LensNet } from '../models/lensnet.js';
import { ResNet, type BasicBlock } from '../models/resnet.js';
import { VisionTransformer } from '../models/vit.js';
import { HybridNet } from '../models/hybrid.js';
import type { BatchNorm2d, Conv2d, MaxPool2d, Sequential } from '../torch/nn/index.js';
import { noGrad } from '../torch/autograd.js';
import { scope } from '../torch/scope.js';
import { batchNorm, conv, encoderBlock, gemm, layerNorm, maxPool, relu, tokens, values } from './layers.js';

/**
 * Writes a network's eval-mode forward into `g`, from the input value `x` ([batch, bands, H, W], normalised as
 * the run normalises) to the logits [batch, 1]; returns the logits' value name.
 */
export type OnnxExporter<M extends LensModel = LensModel> = (g: OnnxGraph, x: string, model: M) => string;

type ModelClass = abstract new (...args: any[]) => LensModel;
const exporters: { cls: ModelClass; name: string; fn: OnnxExporter }[] = [];

/** Teaches the ONNX export a model class (a model registered by user code can register its exporter too). */
export function registerOnnxExporter<M extends LensModel>(
  cls: abstract new (...args: never[]) => M,
  fn: OnnxExporter<M>,
): void {
  exporters.unshift({ cls: cls as unknown as ModelClass, name: cls.name, fn: fn as OnnxExporter });
}

/** The exporter for `model` (the most recently registered class it is an instance of), or null. */
export function findOnnxExporter(model: LensModel): OnnxExporter | null {
  return exporters.find((e) => model instanceof e.cls)?.fn ?? null;
}

/** Conv (no bias) + BatchNorm + ReLU, as in every CNN stage here. */
function convBnRelu(
  g: OnnxGraph,
  x: string,
  c: Conv2d,
  bn: BatchNorm2d,
  name: string,
  bnName: string,
): string {
  return relu(g, batchNorm(g, conv(g, x, c, name), bn, bnName));
}

function pooledHead(g: OnnxGraph, h: string, model: LensNet | ResNet): string {
  const pooled = g.node('Flatten', [g.node('GlobalAveragePool', [h])], { axis: 1 });
  return gemm(g, pooled, model.fc, 'fc');
}

registerOnnxExporter(LensNet, (g, x, model) => {
  let h = x;
  if (model.options.stem === 'space_to_depth') {
    h = g.node('SpaceToDepth', [x], { blocksize: 2 });
    const hw = g.mapSize(x);
    if (hw) g.setMapSize(h, [hw[0] / 2, hw[1] / 2]);
  }
  model.features.children().forEach((block, i) => {
    // [conv, bn, relu] x convs, then the pool
    const layers = (block as Sequential).children();
    for (let k = 0; k + 3 < layers.length; k += 3)
      h = convBnRelu(
        g,
        h,
        layers[k] as Conv2d,
        layers[k + 1] as BatchNorm2d,
        `features.${i}.${k}`,
        `features.${i}.${k + 1}`,
      );
    h = maxPool(g, h, layers[layers.length - 1] as MaxPool2d);
  });
  return pooledHead(g, h, model);
});

function basicBlock(g: OnnxGraph, x: string, b: BasicBlock, name: string): string {
  let out = convBnRelu(g, x, b.conv1, b.bn1, `${name}.conv1`, `${name}.bn1`);
  out = batchNorm(g, conv(g, out, b.conv2, `${name}.conv2`), b.bn2, `${name}.bn2`);
  let identity = x;
  if (b.downsample) {
    const [c, bn] = b.downsample.children() as [Conv2d, BatchNorm2d];
    identity = batchNorm(g, conv(g, x, c, `${name}.downsample.0`), bn, `${name}.downsample.1`);
  }
  return relu(g, g.node('Add', [out, identity]));
}

registerOnnxExporter(ResNet, (g, x, model) => {
  let h = convBnRelu(g, x, model.conv1, model.bn1, 'conv1', 'bn1');
  if (model.maxpool) h = maxPool(g, h, model.maxpool);
  model.layers.forEach((layer, i) =>
    layer.children().forEach((b, j) => (h = basicBlock(g, h, b as BasicBlock, `layer${i + 1}.${j}`))),
  );
  return pooledHead(g, h, model);
});

registerOnnxExporter(VisionTransformer, (g, x, model) => {
  const { hidden } = model.options;
  const patches = tokens(g, conv(g, x, model.conv_proj, 'conv_proj'), hidden); // [B, N, hidden]
  // The class token broadcast to the batch: Expand to [B, 1, hidden] with B read from the input.
  const batch = g.node('Shape', [x], { start: 0, end: 1 });
  const shape = g.node('Concat', [batch, g.ints('one_hidden', [1, hidden])], { axis: 0 });
  const cls = g.node('Expand', [g.weight('class_token', values(model.class_token), [1, 1, hidden]), shape]);
  let h = g.node('Concat', [cls, patches], { axis: 1 });
  h = g.node('Add', [
    h,
    g.weight('encoder.pos_embedding', values(model.encoder.pos_embedding), model.encoder.pos_embedding.shape),
  ]);
  model.encoder.layers.blocks.forEach(
    (b, i) => (h = encoderBlock(g, h, b, `encoder.layers.encoder_layer_${i}`)),
  );
  h = layerNorm(g, h, model.encoder.ln, 'encoder.ln');
  const first = g.node('Gather', [h, g.ints('class_index', [0], [])], { axis: 1 }); // [B, hidden]
  return gemm(g, first, model.head, 'heads.head');
});

registerOnnxExporter(HybridNet, (g, x, model) => {
  let h = x;
  model.stem.children().forEach((stage, i) => {
    const [c, bn] = (stage as Sequential).children() as [Conv2d, BatchNorm2d];
    h = convBnRelu(g, h, c, bn, `stem.${i}.0`, `stem.${i}.1`);
  });
  const { hidden } = model.options;
  h = tokens(g, conv(g, h, model.token_proj, 'token_proj'), hidden);
  let scoreBias: string | undefined;
  const polar = model.getBuffer('polar_features');
  const dr2 = model.getBuffer('radial_dist2');
  if (model.polar_proj && polar && dr2 && model.radial_scale) {
    // Constants of the grid, computed once here as the model computes them on every call.
    const posEnc = model.polar_proj.call(polar);
    h = g.node('Add', [h, g.weight('polar_encoding', values(posEnc), posEnc.shape)]);
    const bias = model.radial_scale.view(1, -1, 1, 1).mul(dr2).neg();
    scoreBias = g.weight('radial_score_bias', values(bias), bias.shape);
  } else {
    const pos = model.pos_embedding!;
    h = g.node('Add', [h, g.weight('pos_embedding', values(pos), pos.shape)]);
  }
  model.layers.blocks.forEach((b, i) => (h = encoderBlock(g, h, b, `layers.encoder_layer_${i}`, scoreBias)));
  h = g.node('ReduceMean', [layerNorm(g, h, model.ln, 'ln')], { axes: [1], keepdims: 0 });
  return gemm(g, h, model.head, 'head');
});

/** The model's eval-mode forward as an ONNX graph: input `input` [batch, bands, H, W], output `logit` [batch, 1]. */
export function modelToOnnxGraph(
  model: LensModel,
  input: { bands: number; height: number; width: number; modelName?: string },
): OnnxGraph {
  const exporter = findOnnxExporter(model);
  if (!exporter) {
    throw new LensfindError(
      'E_EXPORT',
      `model ${input.modelName ?? model.constructor.name} (${model.constructor.name}) has no ONNX exporter; ` +
        `exportable classes: ${exporters.map((e) => e.name).join(', ')} (add one with registerOnnxExporter)`,
    );
  }
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() =>
      scope(() => {
        const g = new OnnxGraph();
        const x = g.input('input', ['batch', input.bands, input.height, input.width]);
        g.output(exporter(g, x, model), 'logit', ['batch', 1]);
        return g;
      }),
    );
  } finally {
    model.train(wasTraining);
  }
}
