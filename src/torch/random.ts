/**
 * Seeded random generators (libtorch's CPU mt19937, the same streams as torch.Generator) and random tensors.
 * Every draw takes an optional generator; without one it uses the default generator seeded by manualSeed().
 */
import { type DType, type Device } from './dtype.js';
import { native } from './native.js';
import { checkCount, checkShape } from './shape.js';
import { type NativeHandle, Tensor } from './tensor.js';

export class Generator {
  readonly handle: NativeHandle;

  /** A new generator seeded with `seed` (torch.Generator().manual_seed(seed)). */
  constructor(seed: number | bigint = 67280421310721n) {
    this.handle = native().generatorNew(seed);
  }

  /** The process-wide default CPU generator (shared with every op that gets no generator). */
  static default(): Generator {
    const g = Object.create(Generator.prototype) as { handle: NativeHandle };
    g.handle = native().generatorDefault();
    return g as Generator;
  }

  manualSeed(seed: number | bigint): this {
    native().generatorManualSeed(this.handle, seed);
    return this;
  }

  initialSeed(): bigint {
    return native().generatorInitialSeed(this.handle);
  }

  /** The full generator state as bytes (torch.Generator.get_state()); setState() replays from it exactly. */
  getState(): Uint8Array {
    const h = native().generatorGetState(this.handle);
    try {
      return new Uint8Array(native().toBuffer(h));
    } finally {
      native().dispose(h);
    }
  }

  setState(state: Uint8Array): this {
    const h = native().fromBuffer(state, [state.length], 'uint8');
    try {
      native().generatorSetState(this.handle, h);
    } finally {
      native().dispose(h);
    }
    return this;
  }
}

/** Seeds the default generator (torch.manual_seed). */
export function manualSeed(seed: number | bigint): void {
  native().manualSeed(seed);
}

export interface RandomOptions {
  generator?: Generator;
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

function finish(h: NativeHandle, opts: RandomOptions): Tensor {
  const t = Tensor.fromHandle(h);
  return opts.requiresGrad ? t.requiresGrad_(true) : t;
}

/** Standard normal draws. */
export function randn(shape: number | readonly number[], opts: RandomOptions = {}): Tensor {
  return finish(
    native().randn(checkShape('randn()', shape), opts.generator?.handle, opts.dtype, opts.device),
    opts,
  );
}

/** Uniform draws in [0, 1). */
export function rand(shape: number | readonly number[], opts: RandomOptions = {}): Tensor {
  return finish(
    native().rand(checkShape('rand()', shape), opts.generator?.handle, opts.dtype, opts.device),
    opts,
  );
}

/** Integers uniform in [low, high) (int64 unless opts.dtype). */
export function randint(
  low: number,
  high: number,
  shape: number | readonly number[],
  opts: RandomOptions = {},
): Tensor {
  return finish(
    native().randint(
      low,
      high,
      checkShape('randint()', shape),
      opts.generator?.handle,
      opts.dtype,
      opts.device,
    ),
    opts,
  );
}

/** A random permutation of 0..n-1 (int64 unless opts.dtype). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  return finish(
    native().randperm(checkCount('randperm()', 'n', n), opts.generator?.handle, opts.dtype, opts.device),
    opts,
  );
}

/** 0/1 draws, 1 with the probability in each element of probs (same dtype as probs). */
export function bernoulli(probs: Tensor, opts: { generator?: Generator } = {}): Tensor {
  return Tensor.fromHandle(native().bernoulli(probs.handle, opts.generator?.handle));
}

/** Fills t in place with normal draws (mean, std). */
export function normal_(t: Tensor, mean = 0, std = 1, generator?: Generator): Tensor {
  return t.normal_(mean, std, generator);
}

/** Fills t in place with uniform draws in [low, high). */
export function uniform_(t: Tensor, low = 0, high = 1, generator?: Generator): Tensor {
  return t.uniform_(low, high, generator);
}
