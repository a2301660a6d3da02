import type { OnnxGraph } from './graph.js';
import type { Tensor } from '../torch/tensor.js';
import type { BatchNorm2d, Conv2d, LayerNorm, Linear, MaxPool2d } from '../torch/nn/index.js';
import type { SelfAttention } from '../models/attention.js';
import type { EncoderBlock } from '../models/vit.js';
import { LensfindError } from '../errors.js';
import { convOutputSize, denseConv, denseIsCheaper } from './dense-conv.js';

/** The values of a weight, row-major float32. */
export function values(t: Tensor): Float32Array {
  return t.contiguous().toFloat32Array();
}

/**
 * nn.Conv2d as an ONNX Conv (weights [out, in/groups, kh, kw], symmetric padding), or as one matrix product where
 * the input map is known and no larger than the kernel (`denseIsCheaper`).
 */
export function conv(g: OnnxGraph, x: string, m: Conv2d, name: string): string {
  const weight = g.weight(`${name}.weight`, values(m.weight), m.weight.shape);
  const bias = m.bias ? values(m.bias) : undefined;
  const geometry = {
    inChannels: m.inChannels,
    outChannels: m.outChannels,
    kernel: m.kernelSize,
    stride: m.stride,
    padding: m.padding,
    dilation: m.dilation,
    groups: m.groups,
  };
  const hw = g.mapSize(x);
  if (hw && denseIsCheaper(geometry, hw[0], hw[1])) {
    const dense = denseConv(g, x, geometry, hw, weight, bias, name);
    g.setMapSize(dense.value, dense.hw);
    return dense.value;
  }
  const inputs = [x, weight];
  if (bias) inputs.push(g.weight(`${name}.bias`, bias, [bias.length]));
  const [ph, pw] = m.padding;
  const y = g.node('Conv', inputs, {
    kernel_shape: [...m.kernelSize],
    strides: [...m.stride],
    pads: [ph, pw, ph, pw],
    dilations: [...m.dilation],
    group: m.groups,
  });
  if (hw) g.setMapSize(y, outputMapSize(hw, m.kernelSize, m.stride, m.padding, m.dilation));
  return y;
}

function outputMapSize(
  hw: readonly [number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  pad: readonly [number, number],
  dilation: readonly [number, number] = [1, 1],
): [number, number] {
  return [0, 1].map((a) => convOutputSize(hw[a], kernel[a], stride[a], pad[a], dilation[a])) as [
    number,
    number,
  ];
}

/** nn.BatchNorm2d in eval mode (running statistics) as BatchNormalization. */
export function batchNorm(g: OnnxGraph, x: string, m: BatchNorm2d, name: string): string {
  const c = m.numFeatures;
  const mean = m.runningMean;
  const variance = m.runningVar;
  if (!mean || !variance) {
    throw new LensfindError('E_EXPORT', `${name}: BatchNorm2d without running statistics cannot be exported`);
  }
  return g.node(
    'BatchNormalization',
    [
      x,
      g.weight(`${name}.weight`, m.weight ? values(m.weight) : new Float32Array(c).fill(1), [c]),
      g.weight(`${name}.bias`, m.bias ? values(m.bias) : new Float32Array(c), [c]),
      g.weight(`${name}.running_mean`, values(mean), [c]),
      g.weight(`${name}.running_var`, values(variance), [c]),
    ],
    { epsilon: m.eps },
  );
}

export function maxPool(g: OnnxGraph, x: string, m: MaxPool2d): string {
  const [ph, pw] = m.padding;
  const y = g.node('MaxPool', [x], {
    kernel_shape: [...m.kernelSize],
    strides: [...m.stride],
    pads: [ph, pw, ph, pw],
  });
  const hw = g.mapSize(x);
  if (hw) g.setMapSize(y, outputMapSize(hw, m.kernelSize, m.stride, m.padding));
  return y;
}

export function relu(g: OnnxGraph, x: string): string {
  return g.node('Relu', [x]);
}

/** nn.Linear over the last axis of any rank (MatMul + Add). */
export function linear(g: OnnxGraph, x: string, m: Linear, name: string): string {
  return g.linear(
    x,
    name,
    values(m.weight),
    [m.outFeatures, m.inFeatures],
    m.bias ? values(m.bias) : undefined,
  );
}

/** nn.Linear on a 2-D input (Gemm). */
export function gemm(g: OnnxGraph, x: string, m: Linear, name: string): string {
  return g.gemm(
    x,
    name,
    values(m.weight),
    [m.outFeatures, m.inFeatures],
    m.bias ? values(m.bias) : undefined,
  );
}

/** nn.LayerNorm over the last axis (LayerNormalization, opset 17). */
export function layerNorm(g: OnnxGraph, x: string, m: LayerNorm, name: string): string {
  if (m.normalizedShape.length !== 1) {
    throw new LensfindError('E_EXPORT', `${name}: only a LayerNorm over the last axis can be exported`);
  }
  const c = m.normalizedShape[0];
  return g.node(
    'LayerNormalization',
    [
      x,
      g.weight(`${name}.weight`, m.weight ? values(m.weight) : new Float32Array(c).fill(1), [c]),
      g.weight(`${name}.bias`, m.bias ? values(m.bias) : new Float32Array(c), [c]),
    ],
    { axis: -1, epsilon: m.eps },
  );
}

/** [B, C, H, W] -> [B, H*W, C]: the tokens of a feature map. */
export function tokens(g: OnnxGraph, x: string, channels: number): string {
  const flat = g.node('Reshape', [x, g.ints('shape_bc_n', [0, channels, -1])]);
  return g.node('Transpose', [flat], { perm: [0, 2, 1] });
}

/** SelfAttention (batch first, [B, N, E]) with an optional constant score bias broadcastable to [B, H, N, N]. */
export function selfAttention(
  g: OnnxGraph,
  x: string,
  m: SelfAttention,
  name: string,
  scoreBias?: string,
): string {
  const e = m.embedDim;
  const h = m.numHeads;
  const d = m.headDim;
  const qkv = g.linear(x, `${name}.in_proj`, values(m.in_proj_weight), [3 * e, e], values(m.in_proj_bias));
  const split = g.node('Transpose', [g.node('Reshape', [qkv, g.ints('shape_qkv', [0, 0, 3, h, d])])], {
    perm: [2, 0, 3, 1, 4],
  }); // [3, B, H, N, D]
  const pick = (i: number) => g.node('Gather', [split, g.ints(`qkv_${i}`, [i], [])], { axis: 0 });
  const [q, k, v] = [pick(0), pick(1), pick(2)];
  const kt = g.node('Transpose', [k], { perm: [0, 1, 3, 2] });
  let scores = g.node('Mul', [g.node('MatMul', [q, kt]), g.scalar('attn_scale', 1 / Math.sqrt(d))]);
  if (scoreBias) scores = g.node('Add', [scores, scoreBias]);
  const attn = g.node('Softmax', [scores], { axis: -1 });
  const out = g.node('Transpose', [g.node('MatMul', [attn, v])], { perm: [0, 2, 1, 3] });
  const merged = g.node('Reshape', [out, g.ints('shape_bne', [0, 0, e])]);
  return linear(g, merged, m.out_proj, `${name}.out_proj`);
}

/** A ViT encoder block (pre-norm): x + attn(ln_1(x)), then + mlp(ln_2(.)); dropout is identity in eval. */
export function encoderBlock(
  g: OnnxGraph,
  x: string,
  m: EncoderBlock,
  name: string,
  scoreBias?: string,
): string {
  const a = selfAttention(
    g,
    layerNorm(g, x, m.ln_1, `${name}.ln_1`),
    m.self_attention,
    `${name}.self_attention`,
    scoreBias,
  );
  const y = g.node('Add', [a, x]);
  const fc1 = m.mlp.at(0) as Linear;
  const fc2 = m.mlp.at(3) as Linear;
  let hdn = linear(g, layerNorm(g, y, m.ln_2, `${name}.ln_2`), fc1, `${name}.mlp.0`);
  hdn = linear(g, g.gelu(hdn), fc2, `${name}.mlp.3`);
  return g.node('Add', [y, hdn]);
}
