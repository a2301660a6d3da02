/**
 * CPU mixed precision (PyTorch's `torch.autocast("cpu", dtype=torch.bfloat16)`): `autocast(fn)` runs fn with
 * convolutions, matrix products and linear layers in bfloat16 and everything that needs range in float32; the
 * parameters stay float32, so optimisers and checkpoints are unchanged. On CPUs with bfloat16 instructions (AVX512-BF16,
 * AMX: `cpuHasBf16`) oneDNN runs those ops about twice as fast; elsewhere they are emulated and slower than float32.
 * Outputs of autocast ops are bfloat16 tensors: cast them with `.to('float32')` before a loss.
 */
import { readFileSync } from 'node:fs';
import { native } from './native.js';

/** Runs fn (synchronous) under CPU autocast to bfloat16; nested calls are fine. */
export function autocast<T>(fn: () => T, enabled = true): T {
  if (!enabled) return fn();
  const prev = native().autocastEnter();
  try {
    return fn();
  } finally {
    native().autocastExit(prev);
  }
}

export function isAutocastEnabled(): boolean {
  return native().isAutocastEnabled();
}

let bf16: boolean | undefined;

/** Whether this CPU has bfloat16 arithmetic (Linux: the avx512_bf16 or amx_bf16 flag in /proc/cpuinfo). */
export function cpuHasBf16(): boolean {
  if (bf16 === undefined) {
    try {
      bf16 = /\b(avx512_bf16|amx_bf16)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
    } catch {
      bf16 = false;
    }
  }
  return bf16;
}

/** Numeric precision of a training run (Lightning's names). */
export type Precision = '32' | 'bf16-mixed';

/** 'auto' is 'bf16-mixed' where the CPU has bfloat16 arithmetic, else '32'. */
export function resolvePrecision(p: Precision | 'auto'): Precision {
  return p === 'auto' ? (cpuHasBf16() ? 'bf16-mixed' : '32') : p;
}
