// Weight initialisers with PyTorch's formulas (torch.nn.init), drawing from an optional seeded generator.
// Each fills the tensor in place without recording autograd history and returns it.
import { LensfindError } from '../../errors.js';
import type { Tensor } from '../tensor.js';
import { randn, type Generator } from '../random.js';
import { noGrad } from '../autograd.js';
import { where } from '../ops.js';
import { scope } from '../scope.js';

export type Nonlinearity =
  'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

/** PyTorch's calculate_gain. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      return 1;
  }
}

/** fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field (PyTorch's definition). */
export function fanInAndFanOut(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new LensfindError(
      'E_MODULE',
      `fan in and fan out need a tensor with at least 2 dimensions, got shape [${shape.join(', ')}]`,
    );
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

function fan(t: Tensor, mode: FanMode): number {
  const { fanIn, fanOut } = fanInAndFanOut(t.shape);
  return mode === 'fan_in' ? fanIn : fanOut;
}

export interface KaimingOptions {
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

/** He normal: N(0, gain / sqrt(fan)); defaults mode 'fan_out', nonlinearity 'relu' (torchvision's ResNet init). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const gain = calculateGain(opts.nonlinearity ?? 'relu', opts.a ?? 0);
  const std = gain / Math.sqrt(fan(t, opts.mode ?? 'fan_out'));
  return noGrad(() => t.normal_(0, std, opts.generator));
}

/** He uniform: U(±gain * sqrt(3 / fan)); PyTorch's defaults a = 0, mode 'fan_in', nonlinearity 'leaky_relu'. */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const bound = gain * Math.sqrt(3 / fan(t, opts.mode ?? 'fan_in'));
  return noGrad(() => t.uniform_(-bound, bound, opts.generator));
}

/** Glorot uniform: U(±gain * sqrt(6 / (fan_in + fan_out))). */
export function xavierUniform_(t: Tensor, opts: { gain?: number; generator?: Generator } = {}): Tensor {
  const { fanIn, fanOut } = fanInAndFanOut(t.shape);
  const bound = (opts.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return noGrad(() => t.uniform_(-bound, bound, opts.generator));
}

/** Glorot normal: N(0, gain * sqrt(2 / (fan_in + fan_out))). */
export function xavierNormal_(t: Tensor, opts: { gain?: number; generator?: Generator } = {}): Tensor {
  const { fanIn, fanOut } = fanInAndFanOut(t.shape);
  const std = (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return noGrad(() => t.normal_(0, std, opts.generator));
}

/**
 * N(mean, std) truncated to [a, b] (absolute bounds, as in PyTorch's trunc_normal_), by redrawing the values
 * that fall outside until none do (each round keeps >95% for the usual ±2 std bounds).
 */
export function truncNormal_(
  t: Tensor,
  opts: { mean?: number; std?: number; a?: number; b?: number; generator?: Generator } = {},
): Tensor {
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  const a = opts.a ?? -2;
  const b = opts.b ?? 2;
  if (!(a < b)) throw new LensfindError('E_MODULE', `truncNormal_: need a < b, got a = ${a}, b = ${b}`);
  noGrad(() =>
    scope(() => {
      t.normal_(mean, std, opts.generator);
      for (let round = 0; round < 100; round++) {
        const inside = t.ge(a).logicalAnd(t.le(b));
        if (inside.all().item() !== 0) break;
        const fresh = randn(t.shape, { generator: opts.generator, dtype: t.dtype }).mul(std).add(mean);
        t.copy_(where(inside, t, fresh));
      }
      t.clamp_(a, b); // only changes anything with pathological bounds: keep the contract
    }),
  );
  return t;
}

export function uniform_(t: Tensor, a = 0, b = 1, generator?: Generator): Tensor {
  return noGrad(() => t.uniform_(a, b, generator));
}

export function normal_(t: Tensor, mean = 0, std = 1, generator?: Generator): Tensor {
  return noGrad(() => t.normal_(mean, std, generator));
}

export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}

export function zeros_(t: Tensor): Tensor {
  return noGrad(() => t.zero_());
}

export function ones_(t: Tensor): Tensor {
  return noGrad(() => t.fill_(1));
}
