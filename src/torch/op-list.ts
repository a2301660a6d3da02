/**
 * The simple ops, declared once (as tch-rs declares its bindings). scripts/gen-ops.ts writes from this file
 *   - native/src/elementwise.generated.cc: the C++ binding of each ELEMENTWISE op (its libtorch expression(s));
 *   - src/torch/tensor-methods.generated.ts: a `Tensor` method per ELEMENTWISE and METHODS entry;
 * and op-table.ts derives the ELEMENTWISE ops' table entries from their shape. The Tensor method has the op's
 * name. To add a simple op: one line here, then `npx tsx scripts/gen-ops.ts` and `npm run build:native`.
 *
 * A method's parameters are written as in TypeScript, one per addon argument after the tensor itself: `dim`,
 * `dim?`, `keepdim = false`, or `src: Tensor | number` to override the type the argument kind gives (tensor →
 * Tensor, operand → TensorOrScalar, ints → number | readonly number[], generator? → Generator, numbers → number).
 */
import type { OpName, OpSpec } from './op-table.js';

/** The argument and return kinds of each shape of ELEMENTWISE op (`_`: in place, returns `this`). */
export const SHAPES = {
  unary: { args: ['tensor'], returns: 'tensor' },
  unary_: { args: ['tensor'], returns: 'void' },
  binary: { args: ['tensor', 'operand'], returns: 'tensor' },
  binary_: { args: ['tensor', 'operand'], returns: 'void' },
  /** add/sub: a + alpha * b */
  binaryAlpha: { args: ['tensor', 'operand', 'number?'], returns: 'tensor' },
  binaryAlpha_: { args: ['tensor', 'operand', 'number?'], returns: 'void' },
} as const satisfies Record<string, OpSpec>;

export type Shape = keyof typeof SHAPES;

/**
 * An elementwise op: its shape, the libtorch expression(s) of its C++ (of `a`; binary ones one of tensors `a`,
 * `b` and one of `a` and a Scalar `s`; `info[i]` is argument i), the method's parameters and doc comment.
 */
export interface ElementwiseOp<S extends Shape = Shape> {
  readonly shape: S;
  readonly cpp: readonly string[];
  readonly params: string;
  readonly doc?: string;
}

const unary = (cpp: string) => ({ shape: 'unary', cpp: [cpp], params: '' }) as const;
const unary_ = (cpp: string) => ({ shape: 'unary_', cpp: [cpp], params: '' }) as const;
const binary = (tensor: string, scalar: string) =>
  ({ shape: 'binary', cpp: [tensor, scalar], params: 'o' }) as const;
const binary_ = (tensor: string, scalar: string, params = 'o') =>
  ({ shape: 'binary_', cpp: [tensor, scalar], params }) as const;
const alpha = (tensor: string, scalar: string) =>
  ({ shape: 'binaryAlpha', cpp: [tensor, scalar], params: 'o, alpha?' }) as const;
const alpha_ = (tensor: string, scalar: string) =>
  ({ shape: 'binaryAlpha_', cpp: [tensor, scalar], params: 'o, alpha?' }) as const;

/** The ops whose C++ binding is generated. Maximum, minimum, logicalAnd/Or and atan2 take a number as a tensor. */
export const ELEMENTWISE = {
  add: alpha('at::add(a, b, alphaOf(info[2]))', 'at::add(a, s, alphaOf(info[2]))'),
  sub: alpha('at::sub(a, b, alphaOf(info[2]))', 'at::sub(a, s, alphaOf(info[2]))'),
  mul: binary('at::mul(a, b)', 'at::mul(a, s)'),
  div: binary('at::div(a, b)', 'at::div(a, s)'),
  pow: binary('at::pow(a, b)', 'at::pow(a, s)'),
  remainder: binary('at::remainder(a, b)', 'at::remainder(a, s)'),
  maximum: binary('at::maximum(a, b)', 'at::maximum(a, lf::operandTensor(info[1]))'),
  minimum: binary('at::minimum(a, b)', 'at::minimum(a, lf::operandTensor(info[1]))'),
  eq: binary('at::eq(a, b)', 'at::eq(a, s)'),
  ne: binary('at::ne(a, b)', 'at::ne(a, s)'),
  lt: binary('at::lt(a, b)', 'at::lt(a, s)'),
  le: binary('at::le(a, b)', 'at::le(a, s)'),
  gt: binary('at::gt(a, b)', 'at::gt(a, s)'),
  ge: binary('at::ge(a, b)', 'at::ge(a, s)'),
  logicalAnd: binary('at::logical_and(a, b)', 'at::logical_and(a, lf::operandTensor(info[1]))'),
  logicalOr: binary('at::logical_or(a, b)', 'at::logical_or(a, lf::operandTensor(info[1]))'),
  atan2: binary('at::atan2(a, b)', 'at::atan2(a, lf::operandTensor(info[1]))'),
  add_: alpha_('a.add_(b, alphaOf(info[2]))', 'a.add_(s, alphaOf(info[2]))'),
  sub_: alpha_('a.sub_(b, alphaOf(info[2]))', 'a.sub_(s, alphaOf(info[2]))'),
  mul_: binary_('a.mul_(b)', 'a.mul_(s)'),
  div_: binary_('a.div_(b)', 'a.div_(s)'),
  pow_: binary_('a.pow_(b)', 'a.pow_(s)'),
  fill_: binary_('a.fill_(b)', 'a.fill_(s)', 'v'),
  neg: unary('at::neg(a)'),
  abs: unary('at::abs(a)'),
  exp: unary('at::exp(a)'),
  expm1: unary('at::expm1(a)'),
  log: unary('at::log(a)'),
  log1p: unary('at::log1p(a)'),
  log2: unary('at::log2(a)'),
  log10: unary('at::log10(a)'),
  sqrt: unary('at::sqrt(a)'),
  rsqrt: unary('at::rsqrt(a)'),
  sin: unary('at::sin(a)'),
  cos: unary('at::cos(a)'),
  tan: unary('at::tan(a)'),
  asin: unary('at::asin(a)'),
  acos: unary('at::acos(a)'),
  atan: unary('at::atan(a)'),
  sinh: unary('at::sinh(a)'),
  asinh: unary('at::asinh(a)'),
  cosh: unary('at::cosh(a)'),
  sigmoid: unary('at::sigmoid(a)'),
  tanh: unary('at::tanh(a)'),
  relu: unary('at::relu(a)'),
  sign: unary('at::sign(a)'),
  floor: unary('at::floor(a)'),
  ceil: unary('at::ceil(a)'),
  round: unary('at::round(a)'),
  trunc: unary('at::trunc(a)'),
  reciprocal: unary('at::reciprocal(a)'),
  square: unary('at::square(a)'),
  erf: unary('at::erf(a)'),
  erfinv: unary('at::erfinv(a)'),
  logicalNot: unary('at::logical_not(a)'),
  isnan: unary('at::isnan(a)'),
  isinf: unary('at::isinf(a)'),
  isfinite: unary('at::isfinite(a)'),
  zero_: unary_('a.zero_()'),
  sqrt_: unary_('a.sqrt_()'),
  neg_: unary_('a.neg_()'),
  exp_: unary_('a.exp_()'),
  abs_: unary_('a.abs_()'),
  relu_: unary_('a.relu_()'),
  sigmoid_: unary_('a.sigmoid_()'),
  erfinv_: unary_('a.erfinv_()'),
  tanh_: unary_('a.tanh_()'),
  log_: unary_('a.log_()'),
  reciprocal_: unary_('a.reciprocal_()'),
  floor_: unary_('a.floor_()'),
  round_: unary_('a.round_()'),
} as const satisfies Record<string, ElementwiseOp>;

/** A pass-through method: its parameters, and its doc comment if it has one. */
export type MethodDecl = string | { readonly params: string; readonly doc?: string };

/**
 * Tensor methods that only pass their arguments to an op whose C++ is hand-written (LF_EXPORT in native/src):
 * the method is generated, the op's table entry stays in op-table.ts.
 */
export const METHODS = {
  // data.cc, autograd.cc
  numel: '',
  isContiguous: '',
  item: { params: '', doc: 'The value of a one-element tensor.' },
  retainGrad: '',
  detach: '',
  detach_: '',
  clone: '',
  contiguous: '',
  // shape.cc
  transpose: 'd0, d1',
  t: '',
  squeeze: 'dim?',
  unsqueeze: 'dim',
  flatten: 'startDim = 0, endDim = -1',
  narrow: 'dim, start, length',
  slice: {
    params: 'dim, start?, end?, step = 1',
    doc: 'Elements start..end-1 (step) along dim; start/end may be negative or omitted, as Python slices.',
  },
  select: 'dim, index',
  indexSelect: 'dim, index',
  gather: 'dim, index',
  scatter: 'dim, index, src: Tensor | number',
  scatterAdd: 'dim, index, src',
  maskedSelect: 'mask',
  nonzero: '',
  chunk: 'chunks, dim = 0',
  unbind: 'dim = 0',
  flip: 'dims',
  roll: 'shifts, dims?',
  tril: 'diagonal = 0',
  triu: 'diagonal = 0',
  // math.cc
  maskedFill: 'mask, value: Tensor | number | boolean',
  maskedFill_: 'mask, value: Tensor | number | boolean',
  nanToNum: {
    params: 'nan = 0, posinf?, neginf?',
    doc: "NaN -> nan (default 0); +/-Infinity -> posinf/neginf (default: the dtype's largest/smallest finite value).",
  },
  equal: { params: 'o', doc: 'Same shape and exactly equal values.' },
  allclose: {
    params: 'o, rtol = 1e-5, atol = 1e-8, equalNan = false',
    doc: '|this - o| <= atol + rtol * |o| everywhere (torch.allclose).',
  },
  clamp: 'min?: number | null, max?: number | null',
  clamp_: 'min?: number | null, max?: number | null',
  matmul: 'o',
  mm: 'o',
  bmm: 'o',
  addcmul_: { params: 't1, t2, value = 1', doc: 'this += value * t1 * t2' },
  addcdiv_: { params: 't1, t2, value = 1', doc: 'this += value * t1 / t2' },
  copy_: 'src',
  lerp_: { params: 'end, weight: Tensor | number', doc: 'this += weight * (end - this)' },
  // reduce.cc
  sum: 'dim?, keepdim = false',
  mean: 'dim?, keepdim = false',
  prod: 'dim?, keepdim = false',
  argmax: 'dim?, keepdim = false',
  argmin: 'dim?, keepdim = false',
  logsumexp: 'dim, keepdim = false',
  cumsum: 'dim',
  cumprod: 'dim',
  norm: 'p = 2, dim?, keepdim = false',
  all: 'dim?, keepdim = false',
  any: 'dim?, keepdim = false',
  sort: 'dim = -1, descending = false',
  argsort: 'dim = -1, descending = false',
  topk: 'k, dim = -1, largest = true, sorted = true',
  // random.cc
  uniform_: 'low = 0, high = 1, generator?',
  normal_: 'mean = 0, std = 1, generator?',
  bernoulli_: { params: 'p = 0.5, generator?', doc: 'Fills with 0/1 draws that are 1 with probability p.' },
} as const satisfies Partial<Record<OpName, MethodDecl>>;
