// Functional ops with PyTorch's names, semantics and defaults (torch.nn.functional), exported as `F`.
// Each op is one call into the addon (native/src/functional_*.cc) so autograd records libtorch's own kernels.
import { LensfindError, TorchError } from '../errors.js';
import { native } from './native.js';
import { Tensor, type NativeHandle } from './tensor.js';
import { Generator } from './random.js';

export type Pair = number | [number, number];
export type Reduction = 'none' | 'mean' | 'sum';

function pair(v: Pair, name: string, op: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [v[0], v[1]];
  throw new LensfindError('E_TORCH', `F.${op}: ${name} must be a number or [h, w], got ${JSON.stringify(v)}`);
}

function describe(t: unknown): string {
  if (!(t instanceof Tensor)) return `not a Tensor (${typeof t})`;
  if (t.isDisposed) return 'disposed';
  return `[${t.shape.join(', ')}] ${t.dtype}`;
}

/** Runs one native call; a libtorch error becomes a TorchError naming the F op and the shapes it was given. */
function call(op: string, args: Record<string, Tensor | undefined>, fn: () => NativeHandle): Tensor {
  try {
    return Tensor.fromHandle(fn());
  } catch (e) {
    if (e instanceof LensfindError && !(e instanceof TorchError)) throw e;
    const shapes = Object.entries(args)
      .filter(([, t]) => t !== undefined)
      .map(([k, t]) => `${k} ${describe(t)}`)
      .join(', ');
    const msg = e instanceof TorchError ? e.detail : e instanceof Error ? e.message : String(e);
    throw new TorchError(`F.${op}(${shapes}): ${msg}`, `F.${op}`, msg);
  }
}

const h = (t: Tensor | undefined) => (t === undefined ? undefined : t.handle);

// ---- convolution, pooling, linear -----------------------------------------------------------------

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** 2-D convolution: x [N, Cin, H, W], weight [Cout, Cin/groups, kH, kW], bias [Cout]. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor, opts: Conv2dOptions = {}): Tensor {
  const stride = pair(opts.stride ?? 1, 'stride', 'conv2d');
  const padding = pair(opts.padding ?? 0, 'padding', 'conv2d');
  const dilation = pair(opts.dilation ?? 1, 'dilation', 'conv2d');
  const groups = opts.groups ?? 1;
  return call('conv2d', { input: x, weight, bias }, () =>
    native().fConv2d(x.handle, weight.handle, h(bias), stride, padding, dilation, groups),
  );
}

/** y = x W^T + b over the last dimension. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return call('linear', { input: x, weight, bias }, () => native().fLinear(x.handle, weight.handle, h(bias)));
}

export interface MaxPool2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

export function maxPool2d(x: Tensor, kernelSize: Pair, opts: MaxPool2dOptions = {}): Tensor {
  const k = pair(kernelSize, 'kernelSize', 'maxPool2d');
  const stride = pair(opts.stride ?? k, 'stride', 'maxPool2d');
  const padding = pair(opts.padding ?? 0, 'padding', 'maxPool2d');
  const dilation = pair(opts.dilation ?? 1, 'dilation', 'maxPool2d');
  return call('maxPool2d', { input: x }, () =>
    native().fMaxPool2d(x.handle, k, stride, padding, dilation, opts.ceilMode ?? false),
  );
}

export interface AvgPool2dOptions {
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

export function avgPool2d(x: Tensor, kernelSize: Pair, opts: AvgPool2dOptions = {}): Tensor {
  const k = pair(kernelSize, 'kernelSize', 'avgPool2d');
  const stride = pair(opts.stride ?? k, 'stride', 'avgPool2d');
  const padding = pair(opts.padding ?? 0, 'padding', 'avgPool2d');
  return call('avgPool2d', { input: x }, () =>
    native().fAvgPool2d(x.handle, k, stride, padding, opts.ceilMode ?? false, opts.countIncludePad ?? true),
  );
}

export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  const size = pair(outputSize, 'outputSize', 'adaptiveAvgPool2d');
  return call('adaptiveAvgPool2d', { input: x }, () => native().fAdaptiveAvgPool2d(x.handle, size));
}

export function adaptiveMaxPool2d(x: Tensor, outputSize: Pair): Tensor {
  const size = pair(outputSize, 'outputSize', 'adaptiveMaxPool2d');
  return call('adaptiveMaxPool2d', { input: x }, () => native().fAdaptiveMaxPool2d(x.handle, size));
}

/**
 * Moves each block x block patch of pixels into channels: [B, C, H, W] -> [B, C * block^2, H / block, W / block],
 * in ONNX SpaceToDepth's order (output channel (i * block + j) * C + c holds pixel (i, j) of a patch of channel c).
 * Lossless: a stem that halves the resolution without discarding anything.
 */
export function spaceToDepth(x: Tensor, block: number): Tensor {
  const [B, C, H, W] = x.shape;
  if (x.ndim !== 4 || H % block !== 0 || W % block !== 0)
    throw new LensfindError(
      'E_TORCH',
      `spaceToDepth: expected [B, C, H, W] with H and W divisible by ${block}, got [${x.shape.join(', ')}]`,
    );
  return x
    .reshape([B, C, H / block, block, W / block, block])
    .permute([0, 3, 5, 1, 2, 4])
    .reshape([B, C * block * block, H / block, W / block]);
}

// ---- normalisation --------------------------------------------------------------------------------

export interface BatchNormOptions {
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over dim 1. Training: normalises with the batch statistics and, when running stats are
 * given, updates them in place (running = (1 - momentum) * running + momentum * batch, unbiased variance).
 * Eval: normalises with the running statistics.
 */
export function batchNorm(
  x: Tensor,
  runningMean?: Tensor,
  runningVar?: Tensor,
  weight?: Tensor,
  bias?: Tensor,
  opts: BatchNormOptions = {},
): Tensor {
  const { training = false, momentum = 0.1, eps = 1e-5 } = opts;
  return call('batchNorm', { input: x, runningMean, runningVar, weight, bias }, () =>
    native().fBatchNorm(x.handle, h(runningMean), h(runningVar), h(weight), h(bias), training, momentum, eps),
  );
}

export function layerNorm(
  x: Tensor,
  normalizedShape: number | number[],
  weight?: Tensor,
  bias?: Tensor,
  eps = 1e-5,
): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  return call('layerNorm', { input: x, weight, bias }, () =>
    native().fLayerNorm(x.handle, shape, h(weight), h(bias), eps),
  );
}

export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  return call('groupNorm', { input: x, weight, bias }, () =>
    native().fGroupNorm(x.handle, numGroups, h(weight), h(bias), eps),
  );
}

// ---- activations ----------------------------------------------------------------------------------

export function relu(x: Tensor): Tensor {
  return call('relu', { input: x }, () => native().fRelu(x.handle));
}

export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  return call('gelu', { input: x }, () => native().fGelu(x.handle, opts.approximate ?? 'none'));
}

export function silu(x: Tensor): Tensor {
  return call('silu', { input: x }, () => native().fSilu(x.handle));
}

export function sigmoid(x: Tensor): Tensor {
  return call('sigmoid', { input: x }, () => native().fSigmoid(x.handle));
}

export function tanh(x: Tensor): Tensor {
  return call('tanh', { input: x }, () => native().fTanh(x.handle));
}

export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return call('softplus', { input: x }, () => native().fSoftplus(x.handle, beta, threshold));
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return call('leakyRelu', { input: x }, () => native().fLeakyRelu(x.handle, negativeSlope));
}

export function softmax(x: Tensor, dim: number): Tensor {
  return call('softmax', { input: x }, () => native().fSoftmax(x.handle, dim));
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  return call('logSoftmax', { input: x }, () => native().fLogSoftmax(x.handle, dim));
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1-p) when training; identity otherwise.
 * With a generator the mask is drawn from it (reproducible); without, from libtorch's default generator.
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  if (!(p >= 0 && p <= 1)) throw new LensfindError('E_TORCH', `F.dropout: p must be in [0, 1], got ${p}`);
  if (generator === undefined || !training || p === 0) {
    return call('dropout', { input: x }, () => native().fDropout(x.handle, p, training));
  }
  // The native side reads the handle as a generator: never hand it anything else.
  if (!(generator instanceof Generator))
    throw new LensfindError('E_TORCH', 'F.dropout: generator must be a Generator');
  return call('dropout', { input: x }, () => native().fDropoutMasked(x.handle, p, generator.handle));
}

// ---- resampling and padding -----------------------------------------------------------------------

export interface InterpolateOptions {
  size?: Pair;
  scaleFactor?: number | [number, number];
  mode?: 'nearest' | 'bilinear';
  alignCorners?: boolean;
}

/** Resizes [N, C, H, W] to `size` or by `scaleFactor` (exactly one of them), as torch's F.interpolate. */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  const mode = opts.mode ?? 'nearest';
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) {
    throw new LensfindError('E_TORCH', 'F.interpolate: give exactly one of size and scaleFactor');
  }
  if (mode === 'nearest' && opts.alignCorners !== undefined) {
    throw new LensfindError('E_TORCH', "F.interpolate: alignCorners only applies to mode 'bilinear'");
  }
  const size = opts.size === undefined ? undefined : pair(opts.size, 'size', 'interpolate');
  const scale =
    opts.scaleFactor === undefined ? undefined : pair(opts.scaleFactor, 'scaleFactor', 'interpolate');
  return call('interpolate', { input: x }, () =>
    native().fInterpolate(x.handle, mode, size, scale, opts.alignCorners ?? false),
  );
}

/** Sampling grid [N, H, W, 2] for the affine matrices theta [N, 2, 3] and output size [N, C, H, W]. */
export function affineGrid(theta: Tensor, size: number[], alignCorners = false): Tensor {
  return call('affineGrid', { theta }, () => native().fAffineGrid(theta.handle, size, alignCorners));
}

export interface GridSampleOptions {
  mode?: 'bilinear' | 'nearest' | 'bicubic';
  paddingMode?: 'zeros' | 'border' | 'reflection';
  alignCorners?: boolean;
}

/** Samples x [N, C, H, W] at grid [N, Ho, Wo, 2] (x, y in [-1, 1]). */
export function gridSample(x: Tensor, grid: Tensor, opts: GridSampleOptions = {}): Tensor {
  const { mode = 'bilinear', paddingMode = 'zeros', alignCorners = false } = opts;
  return call('gridSample', { input: x, grid }, () =>
    native().fGridSample(x.handle, grid.handle, mode, paddingMode, alignCorners),
  );
}

/** Pads the last dimensions: pads = [left, right, top, bottom, ...] as in torch's F.pad. */
export function pad(
  x: Tensor,
  pads: number[],
  mode: 'constant' | 'reflect' | 'replicate' | 'circular' = 'constant',
  value = 0,
): Tensor {
  return call('pad', { input: x }, () => native().fPad(x.handle, pads, mode, value));
}

// ---- losses ---------------------------------------------------------------------------------------

export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  target: Tensor,
  opts: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } = {},
): Tensor {
  const { weight, posWeight, reduction = 'mean' } = opts;
  return call('binaryCrossEntropyWithLogits', { logits, target, weight, posWeight }, () =>
    native().fBceWithLogits(logits.handle, target.handle, h(weight), h(posWeight), reduction),
  );
}

/** Cross entropy of logits [N, C, ...] against class indices (int64 [N, ...]) or class probabilities. */
export function crossEntropy(
  logits: Tensor,
  target: Tensor,
  opts: { weight?: Tensor; reduction?: Reduction; ignoreIndex?: number; labelSmoothing?: number } = {},
): Tensor {
  const { weight, reduction = 'mean', ignoreIndex = -100, labelSmoothing = 0 } = opts;
  return call('crossEntropy', { logits, target, weight }, () =>
    native().fCrossEntropy(logits.handle, target.handle, h(weight), reduction, ignoreIndex, labelSmoothing),
  );
}

export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return call('mseLoss', { input, target }, () =>
    native().fMseLoss(input.handle, target.handle, opts.reduction ?? 'mean'),
  );
}

export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return call('l1Loss', { input, target }, () =>
    native().fL1Loss(input.handle, target.handle, opts.reduction ?? 'mean'),
  );
}

export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  opts: { beta?: number; reduction?: Reduction } = {},
): Tensor {
  return call('smoothL1Loss', { input, target }, () =>
    native().fSmoothL1Loss(input.handle, target.handle, opts.reduction ?? 'mean', opts.beta ?? 1),
  );
}

// ---- attention ------------------------------------------------------------------------------------

export interface AttentionOptions {
  /** bool: true where a query may attend to a key; float: added to the scores. Broadcasts to [..., L, S]. */
  attnMask?: Tensor;
  dropoutP?: number;
  isCausal?: boolean;
  /** default 1/sqrt(E) */
  scale?: number;
}

/** softmax(q k^T * scale + mask) v for q [..., L, E], k [..., S, E], v [..., S, Ev] (PyTorch 2 semantics). */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  opts: AttentionOptions = {},
): Tensor {
  const { attnMask, dropoutP = 0, isCausal = false, scale } = opts;
  return call('scaledDotProductAttention', { query: q, key: k, value: v, attnMask }, () =>
    native().fScaledDotProductAttention(q.handle, k.handle, v.handle, h(attnMask), dropoutP, isCausal, scale),
  );
}
