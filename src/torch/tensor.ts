/**
 * Tensor: a handle to a libtorch tensor with PyTorch-like methods. Methods never mutate unless their name ends
 * with `_`; `number` is accepted wherever PyTorch accepts a scalar; negative dims count from the end.
 */
import { LensfindError } from '../errors.js';
import { type DType, type Device, type TensorData, isDType, typedArrayFor } from './dtype.js';
import { native } from './native.js';
import type { NativeHandle } from './op-table.js';
import { checkShape } from './shape.js';
import { track } from './scope.js';
import type { Generator } from './random.js';

export type { NativeHandle } from './op-table.js';

/** What tolist() returns: a value for a 0-dim tensor, else one level of arrays per dimension. */
export type NestedList = number | boolean | NestedList[];

/** The second operand of a binary op: a tensor (broadcast) or a scalar. */
export type TensorOrScalar = Tensor | number | boolean;

function operand(o: TensorOrScalar): NativeHandle | number | boolean {
  return typeof o === 'number' || typeof o === 'boolean' ? o : o.handle;
}

/** Accepts reshape(2, 3), reshape([2, 3]) and reshape(...[2, 3]). */
function dimsArg(args: (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

function dimList(dim: number | readonly number[]): number[];
function dimList(dim: number | readonly number[] | undefined): number[] | undefined;
function dimList(dim: number | readonly number[] | undefined): number[] | undefined {
  if (dim === undefined) return undefined;
  return typeof dim === 'number' ? [dim] : [...dim];
}

/** The ops of the table shaped (tensor, tensor | scalar) -> tensor, and tensor -> tensor. */
type BinaryOp =
  | 'mul'
  | 'div'
  | 'pow'
  | 'remainder'
  | 'maximum'
  | 'minimum'
  | 'atan2'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'logicalAnd'
  | 'logicalOr';
type UnaryOp =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'log2'
  | 'log10'
  | 'sqrt'
  | 'rsqrt'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'sign'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'trunc'
  | 'reciprocal'
  | 'square'
  | 'erf'
  | 'erfinv'
  | 'logicalNot'
  | 'isnan'
  | 'isinf'
  | 'isfinite';

export interface VarOptions {
  unbiased?: boolean;
  keepdim?: boolean;
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

export class Tensor {
  #handle: NativeHandle | null;
  #kept = false;

  private constructor(handle: NativeHandle) {
    this.#handle = handle;
  }

  /** Wraps a native handle and registers it with the innermost open scope. */
  static fromHandle(h: NativeHandle): Tensor {
    const t = new Tensor(h);
    track(t);
    return t;
  }

  /** The native handle (throws if the tensor was disposed). */
  get handle(): NativeHandle {
    if (this.#handle === null) throw new LensfindError('E_DISPOSED', 'use of a disposed tensor');
    return this.#handle;
  }

  get isDisposed(): boolean {
    return this.#handle === null;
  }

  get isKept(): boolean {
    return this.#kept;
  }

  /** Frees the libtorch memory now (idempotent). */
  dispose(): void {
    if (this.#handle === null) return;
    native().dispose(this.#handle);
    this.#handle = null;
  }

  /** Excludes this tensor from every scope's cleanup. */
  keep(): this {
    this.#kept = true;
    return this;
  }

  // ---- metadata ---------------------------------------------------------------------------------
  get shape(): number[] {
    return native().shape(this.handle);
  }
  get dtype(): DType {
    // float16/bfloat16 tensors (from a checkpoint) report those names too; dataSync() converts them
    return native().dtype(this.handle) as DType;
  }
  get device(): string {
    return native().device(this.handle);
  }
  get ndim(): number {
    return this.shape.length;
  }
  numel(): number {
    return native().numel(this.handle);
  }
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    const s = this.shape;
    if (dim === undefined) return s;
    const d = dim < 0 ? dim + s.length : dim;
    if (d < 0 || d >= s.length)
      throw new LensfindError('E_DIM', `size(${dim}): dim out of range for shape [${s}]`);
    return s[d];
  }
  stride(): number[] {
    return native().strides(this.handle);
  }
  isContiguous(): boolean {
    return native().isContiguous(this.handle);
  }

  // ---- data out ---------------------------------------------------------------------------------
  /** A copy of the values (row-major). bool -> Uint8Array of 0/1, int64 -> BigInt64Array. */
  dataSync(): TensorData {
    const dtype: string = this.dtype;
    if (!isDType(dtype)) return this.to('float32').dataSyncAndDispose();
    return typedArrayFor(dtype, native().toBuffer(this.handle));
  }
  private dataSyncAndDispose(): TensorData {
    try {
      return this.dataSync();
    } finally {
      this.dispose();
    }
  }
  /** A copy of the values as float32 whatever the dtype (what sim/, eval/ and plots consume). */
  toFloat32Array(): Float32Array {
    if (this.dtype === 'float32') return this.dataSync() as Float32Array;
    const f = this.to('float32');
    try {
      return f.dataSync() as Float32Array;
    } finally {
      f.dispose();
    }
  }
  /** The values as a flat array of JS numbers (int64 converted with Number()). */
  toArray(): number[] {
    const d = this.dataSync();
    if (d instanceof BigInt64Array) return Array.from(d, Number);
    return Array.from(d);
  }
  /**
   * The values as nested arrays of the tensor's shape (PyTorch's `tolist()`): a 0-dim tensor gives its value;
   * bool tensors give booleans, int64 gives numbers (exact up to 2^53).
   */
  tolist(): NestedList {
    const d = this.dataSync();
    const isBool = this.dtype === 'bool';
    const flat: (number | boolean)[] = isBool
      ? Array.from(d as Uint8Array, (v) => v !== 0)
      : d instanceof BigInt64Array
        ? Array.from(d, Number)
        : Array.from(d);
    const shape = this.shape;
    if (shape.length === 0) return flat[0];
    // row-major: the block of dims dim.. holds `size` values, each of its n rows size / n of them
    const nest = (dim: number, offset: number, size: number): NestedList => {
      const n = shape[dim];
      if (dim === shape.length - 1) return flat.slice(offset, offset + n);
      const row = n === 0 ? 0 : size / n;
      return Array.from({ length: n }, (_, i) => nest(dim + 1, offset + i * row, row));
    };
    return nest(0, 0, flat.length);
  }
  /** The value of a one-element tensor. */
  item(): number {
    return native().item(this.handle);
  }

  // ---- dtype / device ---------------------------------------------------------------------------
  to(target: DType | Device | { dtype?: DType; device?: Device }): Tensor {
    if (typeof target === 'string') {
      return Tensor.fromHandle(
        isDType(target) ? native().toDtype(this.handle, target) : native().toDevice(this.handle, target),
      );
    }
    let h = this.handle;
    let owned = false;
    if (target.device !== undefined) {
      h = native().toDevice(h, target.device);
      owned = true;
    }
    if (target.dtype !== undefined) {
      const next = native().toDtype(h, target.dtype);
      if (owned) native().dispose(h);
      h = next;
      owned = true;
    }
    return Tensor.fromHandle(owned ? h : native().alias(h));
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  long(): Tensor {
    return this.to('int64');
  }
  int(): Tensor {
    return this.to('int32');
  }
  bool(): Tensor {
    return this.to('bool');
  }
  cpu(): Tensor {
    return this.to('cpu');
  }

  // ---- autograd ---------------------------------------------------------------------------------
  get requiresGrad(): boolean {
    return native().requiresGrad(this.handle);
  }
  requiresGrad_(b = true): this {
    native().setRequiresGrad(this.handle, b);
    return this;
  }
  get isLeaf(): boolean {
    return native().isLeaf(this.handle);
  }
  /** The accumulated gradient (a new handle sharing its memory), or null. */
  get grad(): Tensor | null {
    const g = native().grad(this.handle);
    return g === null ? null : Tensor.fromHandle(g);
  }
  set grad(g: Tensor | null) {
    native().setGrad(this.handle, g === null ? null : g.handle);
  }
  zeroGrad_(): this {
    native().setGrad(this.handle, null);
    return this;
  }
  retainGrad(): this {
    native().retainGrad(this.handle);
    return this;
  }
  backward(grad?: Tensor, opts: BackwardOptions = {}): void {
    native().backward(this.handle, grad?.handle, opts.retainGraph, opts.createGraph);
  }
  detach(): Tensor {
    return Tensor.fromHandle(native().detach(this.handle));
  }
  detach_(): this {
    native().detach_(this.handle);
    return this;
  }
  clone(): Tensor {
    return Tensor.fromHandle(native().clone(this.handle));
  }
  contiguous(): Tensor {
    return Tensor.fromHandle(native().contiguous(this.handle));
  }

  // ---- shape ops --------------------------------------------------------------------------------
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return Tensor.fromHandle(
      native().reshape(this.handle, checkShape('reshape()', dimsArg(shape), { infer: 'one' })),
    );
  }
  view(...shape: (number | readonly number[])[]): Tensor {
    return Tensor.fromHandle(
      native().view(this.handle, checkShape('view()', dimsArg(shape), { infer: 'one' })),
    );
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return Tensor.fromHandle(native().permute(this.handle, dimsArg(dims)));
  }
  transpose(d0: number, d1: number): Tensor {
    return Tensor.fromHandle(native().transpose(this.handle, d0, d1));
  }
  t(): Tensor {
    return Tensor.fromHandle(native().t(this.handle));
  }
  squeeze(dim?: number): Tensor {
    return Tensor.fromHandle(native().squeeze(this.handle, dim));
  }
  unsqueeze(dim: number): Tensor {
    return Tensor.fromHandle(native().unsqueeze(this.handle, dim));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return Tensor.fromHandle(native().flatten(this.handle, startDim, endDim));
  }
  expand(...shape: (number | readonly number[])[]): Tensor {
    return Tensor.fromHandle(
      native().expand(this.handle, checkShape('expand()', dimsArg(shape), { infer: 'any' })),
    );
  }
  expandAs(other: Tensor): Tensor {
    return this.expand(other.shape);
  }
  repeat(...repeats: (number | readonly number[])[]): Tensor {
    return Tensor.fromHandle(native().repeat(this.handle, checkShape('repeat()', dimsArg(repeats))));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return Tensor.fromHandle(native().narrow(this.handle, dim, start, length));
  }
  /** Elements start..end-1 (step) along dim; start/end may be negative or omitted, as Python slices. */
  slice(dim: number, start?: number, end?: number, step = 1): Tensor {
    return Tensor.fromHandle(native().slice(this.handle, dim, start, end, step));
  }
  select(dim: number, index: number): Tensor {
    return Tensor.fromHandle(native().select(this.handle, dim, index));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return Tensor.fromHandle(native().indexSelect(this.handle, dim, index.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return Tensor.fromHandle(native().gather(this.handle, dim, index.handle));
  }
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return Tensor.fromHandle(native().scatter(this.handle, dim, index.handle, operand(src)));
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return Tensor.fromHandle(native().scatterAdd(this.handle, dim, index.handle, src.handle));
  }
  maskedSelect(mask: Tensor): Tensor {
    return Tensor.fromHandle(native().maskedSelect(this.handle, mask.handle));
  }
  nonzero(): Tensor {
    return Tensor.fromHandle(native().nonzero(this.handle));
  }
  split(sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
    const hs: NativeHandle[] = native().split(
      this.handle,
      typeof sizeOrSizes === 'number' ? sizeOrSizes : [...sizeOrSizes],
      dim,
    );
    return hs.map((h) => Tensor.fromHandle(h));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return (native().chunk(this.handle, chunks, dim) as NativeHandle[]).map((h) => Tensor.fromHandle(h));
  }
  unbind(dim = 0): Tensor[] {
    return (native().unbind(this.handle, dim) as NativeHandle[]).map((h) => Tensor.fromHandle(h));
  }
  flip(dims: number | readonly number[]): Tensor {
    return Tensor.fromHandle(native().flip(this.handle, dimList(dims)));
  }
  rot90(k = 1, dims: readonly number[] = [0, 1]): Tensor {
    return Tensor.fromHandle(native().rot90(this.handle, k, [...dims]));
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return Tensor.fromHandle(native().roll(this.handle, dimList(shifts), dimList(dims)));
  }
  maskedFill(mask: Tensor, value: Tensor | number | boolean): Tensor {
    return Tensor.fromHandle(native().maskedFill(this.handle, mask.handle, operand(value)));
  }
  maskedFill_(mask: Tensor, value: Tensor | number | boolean): this {
    native().maskedFill_(this.handle, mask.handle, operand(value));
    return this;
  }
  tril(diagonal = 0): Tensor {
    return Tensor.fromHandle(native().tril(this.handle, diagonal));
  }
  triu(diagonal = 0): Tensor {
    return Tensor.fromHandle(native().triu(this.handle, diagonal));
  }

  // ---- elementwise maths ------------------------------------------------------------------------
  add(o: TensorOrScalar, alpha?: number): Tensor {
    return Tensor.fromHandle(native().add(this.handle, operand(o), alpha));
  }
  sub(o: TensorOrScalar, alpha?: number): Tensor {
    return Tensor.fromHandle(native().sub(this.handle, operand(o), alpha));
  }
  mul(o: TensorOrScalar): Tensor {
    return this.binary('mul', o);
  }
  div(o: TensorOrScalar): Tensor {
    return this.binary('div', o);
  }
  pow(o: TensorOrScalar): Tensor {
    return this.binary('pow', o);
  }
  remainder(o: TensorOrScalar): Tensor {
    return this.binary('remainder', o);
  }
  maximum(o: TensorOrScalar): Tensor {
    return this.binary('maximum', o);
  }
  minimum(o: TensorOrScalar): Tensor {
    return this.binary('minimum', o);
  }
  atan2(o: TensorOrScalar): Tensor {
    return this.binary('atan2', o);
  }
  eq(o: TensorOrScalar): Tensor {
    return this.binary('eq', o);
  }
  ne(o: TensorOrScalar): Tensor {
    return this.binary('ne', o);
  }
  lt(o: TensorOrScalar): Tensor {
    return this.binary('lt', o);
  }
  le(o: TensorOrScalar): Tensor {
    return this.binary('le', o);
  }
  gt(o: TensorOrScalar): Tensor {
    return this.binary('gt', o);
  }
  ge(o: TensorOrScalar): Tensor {
    return this.binary('ge', o);
  }
  logicalAnd(o: TensorOrScalar): Tensor {
    return this.binary('logicalAnd', o);
  }
  logicalOr(o: TensorOrScalar): Tensor {
    return this.binary('logicalOr', o);
  }
  private binary(name: BinaryOp, o: TensorOrScalar): Tensor {
    return Tensor.fromHandle(native()[name](this.handle, operand(o)));
  }
  private unary(name: UnaryOp): Tensor {
    return Tensor.fromHandle(native()[name](this.handle));
  }
  neg(): Tensor {
    return this.unary('neg');
  }
  abs(): Tensor {
    return this.unary('abs');
  }
  exp(): Tensor {
    return this.unary('exp');
  }
  expm1(): Tensor {
    return this.unary('expm1');
  }
  log(): Tensor {
    return this.unary('log');
  }
  log1p(): Tensor {
    return this.unary('log1p');
  }
  log2(): Tensor {
    return this.unary('log2');
  }
  log10(): Tensor {
    return this.unary('log10');
  }
  sqrt(): Tensor {
    return this.unary('sqrt');
  }
  rsqrt(): Tensor {
    return this.unary('rsqrt');
  }
  sin(): Tensor {
    return this.unary('sin');
  }
  cos(): Tensor {
    return this.unary('cos');
  }
  tan(): Tensor {
    return this.unary('tan');
  }
  asin(): Tensor {
    return this.unary('asin');
  }
  acos(): Tensor {
    return this.unary('acos');
  }
  atan(): Tensor {
    return this.unary('atan');
  }
  sinh(): Tensor {
    return this.unary('sinh');
  }
  cosh(): Tensor {
    return this.unary('cosh');
  }
  sigmoid(): Tensor {
    return this.unary('sigmoid');
  }
  tanh(): Tensor {
    return this.unary('tanh');
  }
  relu(): Tensor {
    return this.unary('relu');
  }
  sign(): Tensor {
    return this.unary('sign');
  }
  floor(): Tensor {
    return this.unary('floor');
  }
  ceil(): Tensor {
    return this.unary('ceil');
  }
  round(): Tensor {
    return this.unary('round');
  }
  trunc(): Tensor {
    return this.unary('trunc');
  }
  reciprocal(): Tensor {
    return this.unary('reciprocal');
  }
  square(): Tensor {
    return this.unary('square');
  }
  erf(): Tensor {
    return this.unary('erf');
  }
  erfinv(): Tensor {
    return this.unary('erfinv');
  }
  /** NaN -> nan (default 0); +/-Infinity -> posinf/neginf (default: the dtype's largest/smallest finite value). */
  nanToNum(nan = 0, posinf?: number, neginf?: number): Tensor {
    return Tensor.fromHandle(native().nanToNum(this.handle, nan, posinf, neginf));
  }
  /** Same shape and exactly equal values. */
  equal(o: Tensor): boolean {
    return native().equal(this.handle, o.handle);
  }
  /** |this - o| <= atol + rtol * |o| everywhere (torch.allclose). */
  allclose(o: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): boolean {
    return native().allclose(this.handle, o.handle, rtol, atol, equalNan);
  }
  logicalNot(): Tensor {
    return this.unary('logicalNot');
  }
  isnan(): Tensor {
    return this.unary('isnan');
  }
  isinf(): Tensor {
    return this.unary('isinf');
  }
  isfinite(): Tensor {
    return this.unary('isfinite');
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return Tensor.fromHandle(native().clamp(this.handle, min ?? undefined, max ?? undefined));
  }
  matmul(o: Tensor): Tensor {
    return Tensor.fromHandle(native().matmul(this.handle, o.handle));
  }
  mm(o: Tensor): Tensor {
    return Tensor.fromHandle(native().mm(this.handle, o.handle));
  }
  bmm(o: Tensor): Tensor {
    return Tensor.fromHandle(native().bmm(this.handle, o.handle));
  }

  // ---- reductions -------------------------------------------------------------------------------
  sum(dim?: number | readonly number[], keepdim = false): Tensor {
    return Tensor.fromHandle(native().sum(this.handle, dimList(dim), keepdim));
  }
  mean(dim?: number | readonly number[], keepdim = false): Tensor {
    return Tensor.fromHandle(native().mean(this.handle, dimList(dim), keepdim));
  }
  var(dim?: number | readonly number[], opts: VarOptions = {}): Tensor {
    return Tensor.fromHandle(
      native().var(this.handle, dimList(dim), opts.unbiased ?? true, opts.keepdim ?? false),
    );
  }
  std(dim?: number | readonly number[], opts: VarOptions = {}): Tensor {
    return Tensor.fromHandle(
      native().std(this.handle, dimList(dim), opts.unbiased ?? true, opts.keepdim ?? false),
    );
  }
  prod(dim?: number, keepdim = false): Tensor {
    return Tensor.fromHandle(native().prod(this.handle, dim, keepdim));
  }
  /** max() -> the largest element; max(dim, keepdim) -> {values, indices} along dim. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return Tensor.fromHandle(native().maxAll(this.handle));
    const [v, i] = native().maxDim(this.handle, dim, keepdim) as NativeHandle[];
    return { values: Tensor.fromHandle(v), indices: Tensor.fromHandle(i) };
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return Tensor.fromHandle(native().minAll(this.handle));
    const [v, i] = native().minDim(this.handle, dim, keepdim) as NativeHandle[];
    return { values: Tensor.fromHandle(v), indices: Tensor.fromHandle(i) };
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return Tensor.fromHandle(native().argmax(this.handle, dim, keepdim));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return Tensor.fromHandle(native().argmin(this.handle, dim, keepdim));
  }
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return Tensor.fromHandle(native().logsumexp(this.handle, dimList(dim), keepdim));
  }
  cumsum(dim: number): Tensor {
    return Tensor.fromHandle(native().cumsum(this.handle, dim));
  }
  cumprod(dim: number): Tensor {
    return Tensor.fromHandle(native().cumprod(this.handle, dim));
  }
  norm(p = 2, dim?: number | readonly number[], keepdim = false): Tensor {
    return Tensor.fromHandle(native().norm(this.handle, p, dimList(dim), keepdim));
  }
  all(dim?: number, keepdim = false): Tensor {
    return Tensor.fromHandle(native().all(this.handle, dim, keepdim));
  }
  any(dim?: number, keepdim = false): Tensor {
    return Tensor.fromHandle(native().any(this.handle, dim, keepdim));
  }
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    const [v, i] = native().sort(this.handle, dim, descending) as NativeHandle[];
    return { values: Tensor.fromHandle(v), indices: Tensor.fromHandle(i) };
  }
  argsort(dim = -1, descending = false): Tensor {
    return Tensor.fromHandle(native().argsort(this.handle, dim, descending));
  }
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    const [v, i] = native().topk(this.handle, k, dim, largest, sorted) as NativeHandle[];
    return { values: Tensor.fromHandle(v), indices: Tensor.fromHandle(i) };
  }

  // ---- in-place ---------------------------------------------------------------------------------
  add_(o: TensorOrScalar, alpha?: number): this {
    native().add_(this.handle, operand(o), alpha);
    return this;
  }
  sub_(o: TensorOrScalar, alpha?: number): this {
    native().sub_(this.handle, operand(o), alpha);
    return this;
  }
  mul_(o: TensorOrScalar): this {
    native().mul_(this.handle, operand(o));
    return this;
  }
  div_(o: TensorOrScalar): this {
    native().div_(this.handle, operand(o));
    return this;
  }
  pow_(o: TensorOrScalar): this {
    native().pow_(this.handle, operand(o));
    return this;
  }
  /** this += value * t1 * t2 */
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this {
    native().addcmul_(this.handle, t1.handle, t2.handle, value);
    return this;
  }
  /** this += value * t1 / t2 */
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this {
    native().addcdiv_(this.handle, t1.handle, t2.handle, value);
    return this;
  }
  copy_(src: Tensor): this {
    native().copy_(this.handle, src.handle);
    return this;
  }
  zero_(): this {
    native().zero_(this.handle);
    return this;
  }
  fill_(v: TensorOrScalar): this {
    native().fill_(this.handle, operand(v));
    return this;
  }
  clamp_(min?: number | null, max?: number | null): this {
    native().clamp_(this.handle, min ?? undefined, max ?? undefined);
    return this;
  }
  /** this += weight * (end - this) */
  lerp_(end: Tensor, weight: Tensor | number): this {
    native().lerp_(this.handle, end.handle, operand(weight));
    return this;
  }
  sqrt_(): this {
    native().sqrt_(this.handle);
    return this;
  }
  neg_(): this {
    native().neg_(this.handle);
    return this;
  }
  exp_(): this {
    native().exp_(this.handle);
    return this;
  }
  abs_(): this {
    native().abs_(this.handle);
    return this;
  }
  relu_(): this {
    native().relu_(this.handle);
    return this;
  }
  sigmoid_(): this {
    native().sigmoid_(this.handle);
    return this;
  }
  erfinv_(): this {
    native().erfinv_(this.handle);
    return this;
  }
  tanh_(): this {
    native().tanh_(this.handle);
    return this;
  }
  log_(): this {
    native().log_(this.handle);
    return this;
  }
  reciprocal_(): this {
    native().reciprocal_(this.handle);
    return this;
  }
  floor_(): this {
    native().floor_(this.handle);
    return this;
  }
  round_(): this {
    native().round_(this.handle);
    return this;
  }
  uniform_(low = 0, high = 1, generator?: Generator): this {
    native().uniform_(this.handle, low, high, generator?.handle);
    return this;
  }
  normal_(mean = 0, std = 1, generator?: Generator): this {
    native().normal_(this.handle, mean, std, generator?.handle);
    return this;
  }
  /** Fills with 0/1 draws that are 1 with probability p. */
  bernoulli_(p = 0.5, generator?: Generator): this {
    native().bernoulli_(this.handle, p, generator?.handle);
    return this;
  }

  // ---- printing ---------------------------------------------------------------------------------
  toString(): string {
    if (this.isDisposed) return 'Tensor(disposed)';
    const shape = this.shape;
    const head = `Tensor(shape=[${shape.join(', ')}], dtype=${this.dtype}, device=${this.device}`;
    const n = this.numel();
    if (n > 16) return head + ')';
    const vals = this.toArray().map((v) => (Number.isInteger(v) ? String(v) : v.toPrecision(5)));
    return `${head}, values=[${vals.join(', ')}])`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
