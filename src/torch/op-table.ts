/**
 * The addon's ops, declared once: every binding native/src/*.cc registers (LF_EXPORT, LF_BINARY, LF_UNARY, ...)
 * with its argument kinds in order and its return kind. `NativeAddon` (the type of `native()`) is derived from
 * this table, so a misspelt op or a wrong argument is a compile error; `scripts/check-ops.ts` (run by
 * test/torch/op-table.test.ts) checks the table against the C++ macro lines and the built addon. The simple
 * elementwise ops are declared in op-list.ts (their C++ and Tensor methods are generated from it).
 * A kind ending in `?` may be undefined (or null); trailing ones may be left out.
 */
import type { DType, Device } from './dtype.js';
import { ELEMENTWISE, SHAPES } from './op-list.js';

/** An opaque native tensor handle (a Napi External tagged as a tensor). */
export type NativeHandle = object;
/** An opaque native generator handle (a Napi External tagged as a generator). */
export type GeneratorHandle = object;

/** What each argument kind is in TypeScript. */
interface ArgKinds {
  tensor: NativeHandle;
  'tensor?': NativeHandle | null | undefined;
  /** a tensor, or a number/boolean taking part as a Python scalar does */
  operand: NativeHandle | number | boolean;
  tensors: NativeHandle[];
  number: number;
  'number?': number | null | undefined;
  /** a number or a boolean, as a Python scalar */
  scalar: number | boolean;
  numbers: number[];
  'numbers?': number[] | undefined;
  int: number;
  'int?': number | undefined;
  ints: number[];
  'ints?': number[] | undefined;
  /** one size (equal chunks) or a list of sizes */
  intOrInts: number | number[];
  bool: boolean;
  'bool?': boolean | undefined;
  string: string;
  'dtype?': DType | undefined;
  dtype: DType;
  device: Device;
  'device?': Device | undefined;
  seed: number | bigint;
  generator: GeneratorHandle;
  'generator?': GeneratorHandle | undefined;
  bytes: ArrayBufferView | ArrayBuffer;
}

/** What each return kind is in TypeScript. */
interface ReturnKinds {
  tensor: NativeHandle;
  'tensor?': NativeHandle | null;
  pair: [NativeHandle, NativeHandle];
  tensors: NativeHandle[];
  void: undefined;
  number: number;
  bigint: bigint;
  bool: boolean;
  bools: boolean[];
  ints: number[];
  string: string;
  dtype: string;
  bytes: ArrayBuffer;
  generator: GeneratorHandle;
}

export type ArgKind = keyof ArgKinds;
export type ReturnKind = keyof ReturnKinds;

/** One op: its argument kinds in order, then what it returns. */
export interface OpSpec {
  readonly args: readonly ArgKind[];
  readonly returns: ReturnKind;
}

function op<const A extends readonly ArgKind[], const R extends ReturnKind>(args: A, returns: R) {
  return { args, returns };
}

// Shorthands for the common shapes.
const unary = op(['tensor'], 'tensor');
const unaryInPlace = op(['tensor'], 'void');
const factory = op(['ints', 'dtype?', 'device?'], 'tensor');
const reduceDims = op(['tensor', 'ints?', 'bool?'], 'tensor');
const reduceDim = op(['tensor', 'int?', 'bool?'], 'tensor');
const loss = op(['tensor', 'tensor', 'string'], 'tensor');

type ElementwiseSpecs = {
  readonly [K in keyof typeof ELEMENTWISE]: (typeof SHAPES)[(typeof ELEMENTWISE)[K]['shape']];
};

/** The table entries of the ELEMENTWISE ops: each its shape's argument and return kinds. */
function elementwiseSpecs(): ElementwiseSpecs {
  const entries = Object.entries(ELEMENTWISE).map(([name, e]) => [name, SHAPES[e.shape]]);
  return Object.fromEntries(entries) as ElementwiseSpecs;
}

export const OPS = {
  // handles.cc, threads.cc
  dispose: op(['tensor'], 'void'),
  liveHandles: op([], 'number'),
  setNumThreads: op(['int'], 'void'),
  getNumThreads: op([], 'number'),
  getBlasThreads: op([], 'number'),
  // autocast.cc
  autocastEnter: op([], 'bool'),
  autocastExit: op(['bool'], 'void'),
  isAutocastEnabled: op([], 'bool'),
  // data.cc
  fromBuffer: op(['bytes', 'ints', 'dtype'], 'tensor'),
  toBuffer: op(['tensor'], 'bytes'),
  shape: op(['tensor'], 'ints'),
  strides: op(['tensor'], 'ints'),
  dtype: op(['tensor'], 'dtype'),
  device: op(['tensor'], 'string'),
  numel: op(['tensor'], 'number'),
  isContiguous: op(['tensor'], 'bool'),
  item: op(['tensor'], 'number'),
  toDtype: op(['tensor', 'dtype'], 'tensor'),
  toDevice: op(['tensor', 'device'], 'tensor'),
  contiguous: unary,
  toMemoryFormat: op(['tensor', 'string'], 'tensor'),
  memoryFormat: op(['tensor'], 'string'),
  clone: unary,
  alias: unary,
  // creation.cc
  zeros: factory,
  ones: factory,
  empty: factory,
  full: op(['ints', 'scalar', 'dtype?', 'device?'], 'tensor'),
  arange: op(['number', 'number', 'number', 'dtype?', 'device?'], 'tensor'),
  linspace: op(['number', 'number', 'int', 'dtype?', 'device?'], 'tensor'),
  eye: op(['int', 'int?', 'dtype?', 'device?'], 'tensor'),
  zerosLike: op(['tensor', 'dtype?'], 'tensor'),
  onesLike: op(['tensor', 'dtype?'], 'tensor'),
  fullLike: op(['tensor', 'scalar', 'dtype?'], 'tensor'),
  // autograd.cc
  requiresGrad: op(['tensor'], 'bool'),
  setRequiresGrad: op(['tensor', 'bool'], 'void'),
  isLeaf: op(['tensor'], 'bool'),
  retainGrad: unaryInPlace,
  grad: op(['tensor'], 'tensor?'),
  setGrad: op(['tensor', 'tensor?'], 'void'),
  backward: op(['tensor', 'tensor?', 'bool?', 'bool?'], 'void'),
  detach: unary,
  detach_: unaryInPlace,
  isGradEnabled: op([], 'bool'),
  setGradEnabled: op(['bool'], 'bool'),
  // elementwise.generated.cc: the ops of op-list.ts's ELEMENTWISE list, their entries derived from it
  ...elementwiseSpecs(),
  // math.cc
  rpow: op(['tensor', 'number'], 'tensor'),
  lerp_: op(['tensor', 'tensor', 'operand'], 'void'),
  clamp: op(['tensor', 'number?', 'number?'], 'tensor'),
  clamp_: op(['tensor', 'number?', 'number?'], 'void'),
  addcmul_: op(['tensor', 'tensor', 'tensor', 'number?'], 'void'),
  addcdiv_: op(['tensor', 'tensor', 'tensor', 'number?'], 'void'),
  copy_: op(['tensor', 'tensor'], 'void'),
  where: op(['tensor', 'operand', 'operand'], 'tensor'),
  maskedFill: op(['tensor', 'tensor', 'operand'], 'tensor'),
  maskedFill_: op(['tensor', 'tensor', 'operand'], 'void'),
  matmul: op(['tensor', 'tensor'], 'tensor'),
  mm: op(['tensor', 'tensor'], 'tensor'),
  bmm: op(['tensor', 'tensor'], 'tensor'),
  outer: op(['tensor', 'tensor'], 'tensor'),
  nanToNum: op(['tensor', 'number', 'number?', 'number?'], 'tensor'),
  equal: op(['tensor', 'tensor'], 'bool'),
  allclose: op(['tensor', 'tensor', 'number', 'number', 'bool'], 'bool'),
  // reduce.cc
  sum: reduceDims,
  mean: reduceDims,
  var: op(['tensor', 'ints?', 'bool', 'bool'], 'tensor'),
  std: op(['tensor', 'ints?', 'bool', 'bool'], 'tensor'),
  prod: reduceDim,
  maxAll: unary,
  minAll: unary,
  maxDim: op(['tensor', 'int', 'bool'], 'pair'),
  minDim: op(['tensor', 'int', 'bool'], 'pair'),
  argmax: reduceDim,
  argmin: reduceDim,
  logsumexp: op(['tensor', 'ints', 'bool'], 'tensor'),
  cumsum: op(['tensor', 'int'], 'tensor'),
  cumprod: op(['tensor', 'int'], 'tensor'),
  norm: op(['tensor', 'number', 'ints?', 'bool?'], 'tensor'),
  all: reduceDim,
  any: reduceDim,
  sort: op(['tensor', 'int', 'bool'], 'pair'),
  argsort: op(['tensor', 'int', 'bool'], 'tensor'),
  topk: op(['tensor', 'int', 'int', 'bool', 'bool'], 'pair'),
  // shape.cc
  reshape: op(['tensor', 'ints'], 'tensor'),
  view: op(['tensor', 'ints'], 'tensor'),
  permute: op(['tensor', 'ints'], 'tensor'),
  transpose: op(['tensor', 'int', 'int'], 'tensor'),
  t: unary,
  squeeze: op(['tensor', 'int?'], 'tensor'),
  unsqueeze: op(['tensor', 'int'], 'tensor'),
  flatten: op(['tensor', 'int', 'int'], 'tensor'),
  expand: op(['tensor', 'ints'], 'tensor'),
  repeat: op(['tensor', 'ints'], 'tensor'),
  narrow: op(['tensor', 'int', 'int', 'int'], 'tensor'),
  slice: op(['tensor', 'int', 'int?', 'int?', 'int?'], 'tensor'),
  select: op(['tensor', 'int', 'int'], 'tensor'),
  indexSelect: op(['tensor', 'int', 'tensor'], 'tensor'),
  gather: op(['tensor', 'int', 'tensor'], 'tensor'),
  scatterAdd: op(['tensor', 'int', 'tensor', 'tensor'], 'tensor'),
  scatter: op(['tensor', 'int', 'tensor', 'operand'], 'tensor'),
  maskedSelect: op(['tensor', 'tensor'], 'tensor'),
  nonzero: unary,
  split: op(['tensor', 'intOrInts', 'int'], 'tensors'),
  chunk: op(['tensor', 'int', 'int'], 'tensors'),
  unbind: op(['tensor', 'int'], 'tensors'),
  flip: op(['tensor', 'ints'], 'tensor'),
  rot90: op(['tensor', 'int', 'ints'], 'tensor'),
  roll: op(['tensor', 'ints', 'ints?'], 'tensor'),
  cat: op(['tensors', 'int'], 'tensor'),
  stack: op(['tensors', 'int'], 'tensor'),
  tril: op(['tensor', 'int?'], 'tensor'),
  triu: op(['tensor', 'int?'], 'tensor'),
  // random.cc
  generatorNew: op(['seed'], 'generator'),
  generatorDefault: op([], 'generator'),
  generatorManualSeed: op(['generator', 'seed'], 'void'),
  generatorInitialSeed: op(['generator'], 'bigint'),
  generatorGetState: op(['generator'], 'tensor'),
  generatorSetState: op(['generator', 'tensor'], 'void'),
  manualSeed: op(['seed'], 'void'),
  randn: op(['ints', 'generator?', 'dtype?', 'device?'], 'tensor'),
  rand: op(['ints', 'generator?', 'dtype?', 'device?'], 'tensor'),
  randint: op(['int', 'int', 'ints', 'generator?', 'dtype?', 'device?'], 'tensor'),
  randperm: op(['int', 'generator?', 'dtype?', 'device?'], 'tensor'),
  bernoulli: op(['tensor', 'generator?'], 'tensor'),
  bernoulli_: op(['tensor', 'number', 'generator?'], 'void'),
  normal_: op(['tensor', 'number', 'number', 'generator?'], 'void'),
  uniform_: op(['tensor', 'number', 'number', 'generator?'], 'void'),
  // functional_act.cc (F.*)
  fRelu: unary,
  fSilu: unary,
  fSigmoid: unary,
  fTanh: unary,
  fGelu: op(['tensor', 'string'], 'tensor'),
  fSoftplus: op(['tensor', 'number', 'number'], 'tensor'),
  fLeakyRelu: op(['tensor', 'number'], 'tensor'),
  fSoftmax: op(['tensor', 'int'], 'tensor'),
  fLogSoftmax: op(['tensor', 'int'], 'tensor'),
  fDropout: op(['tensor', 'number', 'bool'], 'tensor'),
  fDropoutMasked: op(['tensor', 'number', 'generator'], 'tensor'),
  // functional_conv.cc
  fConv2d: op(['tensor', 'tensor', 'tensor?', 'ints', 'ints', 'ints', 'int'], 'tensor'),
  fLinear: op(['tensor', 'tensor', 'tensor?'], 'tensor'),
  fMaxPool2d: op(['tensor', 'ints', 'ints', 'ints', 'ints', 'bool'], 'tensor'),
  fAvgPool2d: op(['tensor', 'ints', 'ints', 'ints', 'bool', 'bool'], 'tensor'),
  fAdaptiveAvgPool2d: op(['tensor', 'ints'], 'tensor'),
  fAdaptiveMaxPool2d: op(['tensor', 'ints'], 'tensor'),
  // functional_loss.cc
  fBceWithLogits: op(['tensor', 'tensor', 'tensor?', 'tensor?', 'string'], 'tensor'),
  fCrossEntropy: op(['tensor', 'tensor', 'tensor?', 'string', 'int', 'number'], 'tensor'),
  fMseLoss: loss,
  fSmoothL1Loss: op(['tensor', 'tensor', 'string', 'number'], 'tensor'),
  fL1Loss: loss,
  // functional_norm.cc
  fBatchNorm: op(
    ['tensor', 'tensor?', 'tensor?', 'tensor?', 'tensor?', 'bool', 'number', 'number'],
    'tensor',
  ),
  fLayerNorm: op(['tensor', 'ints', 'tensor?', 'tensor?', 'number'], 'tensor'),
  fGroupNorm: op(['tensor', 'int', 'tensor?', 'tensor?', 'number'], 'tensor'),
  // functional_sample.cc
  fInterpolate: op(['tensor', 'string', 'ints?', 'numbers?', 'bool'], 'tensor'),
  fAffineGrid: op(['tensor', 'ints', 'bool'], 'tensor'),
  fGridSample: op(['tensor', 'tensor', 'string', 'string', 'bool'], 'tensor'),
  fPad: op(['tensor', 'ints', 'string', 'number'], 'tensor'),
  fScaledDotProductAttention: op(
    ['tensor', 'tensor', 'tensor', 'tensor?', 'number', 'bool', 'number?'],
    'tensor',
  ),
  // optim_fused.cc
  gradsDefined: op(['tensors'], 'bools'),
  adamFusedStep: op(
    ['tensors', 'tensors', 'tensors', 'numbers', 'number', 'number', 'number', 'number', 'number', 'bool'],
    'void',
  ),
} as const satisfies Record<string, OpSpec>;

export type OpName = keyof typeof OPS;

type IsOptional<K> = K extends `${string}?` ? true : false;
type AllRequired<A extends readonly ArgKind[]> = { -readonly [P in keyof A]: ArgKinds[A[P]] };
/** The parameter tuple of an op: a trailing run of `?` kinds may be left out. */
export type ParamsOf<A extends readonly ArgKind[]> = A extends readonly [
  ...infer I extends readonly ArgKind[],
  infer L extends ArgKind,
]
  ? IsOptional<L> extends true
    ? [...ParamsOf<I>, ArgKinds[L]?]
    : [...AllRequired<I>, ArgKinds[L]]
  : [];

type FunctionOf<S extends OpSpec> = (...args: ParamsOf<S['args']>) => ReturnKinds[S['returns']];

/** The addon as TypeScript sees it: one typed function per op of the table, plus the libtorch version. */
export type NativeAddon = { readonly [K in OpName]: FunctionOf<(typeof OPS)[K]> } & {
  readonly libtorchVersion: string;
};
