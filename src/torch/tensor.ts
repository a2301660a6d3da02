/**
 * Tensor: a handle to a libtorch tensor with PyTorch-like methods. Methods never mutate unless their name ends
 * with `_`; `number` is accepted wherever PyTorch accepts a scalar; negative dims count from the end.
 * The methods that pass their arguments straight to one op are generated from op-list.ts into TensorMethods
 * (tensor-methods.generated.ts); this file holds the rest: handles, metadata, data out, varargs shapes, ...
 */
import { LensfindError } from '../errors.js';
import {
  type DType,
  type Device,
  type MemoryFormat,
  type TensorData,
  isDType,
  typedArrayFor,
} from './dtype.js';
import { native } from './native.js';
import type { NativeHandle } from './op-table.js';
import { checkShape } from './shape.js';
import { track } from './scope.js';
import { dimList } from './tensor-args.js';
import { TensorMethods } from './tensor-methods.generated.js';

export type { NativeHandle } from './op-table.js';
export type { TensorOrScalar } from './tensor-args.js';

/** What tolist() returns: a value for a 0-dim tensor, else one level of arrays per dimension. */
export type NestedList = number | boolean | NestedList[];

/** Accepts reshape(2, 3), reshape([2, 3]) and reshape(...[2, 3]). */
function dimsArg(args: (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

export interface VarOptions {
  unbiased?: boolean;
  keepdim?: boolean;
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

export class Tensor extends TensorMethods {
  #handle: NativeHandle | null;
  #kept = false;

  private constructor(handle: NativeHandle) {
    super();
    this.#handle = handle;
  }

  /** Wraps a native handle and registers it with the innermost open scope. */
  static fromHandle(h: NativeHandle): Tensor {
    const t = new Tensor(h);
    track(t);
    return t;
  }
  protected wrap(h: NativeHandle): Tensor {
    return Tensor.fromHandle(h);
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

  // ---- dtype / device ---------------------------------------------------------------------------
  /**
   * A converted tensor (the same values as a new handle when nothing changes, as in PyTorch): a dtype, a device, or
   * several at once, with `memoryFormat` laying a 4-D tensor out as `channels_last` or `contiguous_format`.
   */
  to(target: DType | Device | { dtype?: DType; device?: Device; memoryFormat?: MemoryFormat }): Tensor {
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
    if (target.memoryFormat !== undefined) {
      const next = native().toMemoryFormat(h, target.memoryFormat);
      if (owned) native().dispose(h);
      h = next;
      owned = true;
    }
    return Tensor.fromHandle(owned ? h : native().alias(h));
  }
  /** 'channels_last' for a 4-D tensor with NHWC strides, 'contiguous_format' when row-major, else 'strided'. */
  memoryFormat(): MemoryFormat | 'strided' {
    return native().memoryFormat(this.handle) as MemoryFormat | 'strided';
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
  backward(grad?: Tensor, opts: BackwardOptions = {}): void {
    native().backward(this.handle, grad?.handle, opts.retainGraph, opts.createGraph);
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
  split(sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
    const hs: NativeHandle[] = native().split(
      this.handle,
      typeof sizeOrSizes === 'number' ? sizeOrSizes : [...sizeOrSizes],
      dim,
    );
    return hs.map((h) => Tensor.fromHandle(h));
  }
  rot90(k = 1, dims: readonly number[] = [0, 1]): Tensor {
    return Tensor.fromHandle(native().rot90(this.handle, k, [...dims]));
  }

  // ---- reductions -------------------------------------------------------------------------------
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

  // ---- printing ---------------------------------------------------------------------------------
  override toString(): string {
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
