// How Tensor methods (tensor.ts and the generated tensor-methods.generated.ts) pass their arguments to the addon.
import type { NativeHandle } from './op-table.js';
import type { Tensor } from './tensor.js';

/** The second operand of a binary op: a tensor (broadcast) or a scalar. */
export type TensorOrScalar = Tensor | number | boolean;

/** A tensor as its handle; a number or boolean as itself (a Python scalar). */
export function operand(o: TensorOrScalar): NativeHandle | number | boolean {
  return typeof o === 'number' || typeof o === 'boolean' ? o : o.handle;
}

/** One dim or a list of dims, as the list the addon takes (undefined stays undefined). */
export function dimList(dim: number | readonly number[]): number[];
export function dimList(dim: number | readonly number[] | undefined): number[] | undefined;
export function dimList(dim: number | readonly number[] | undefined): number[] | undefined {
  if (dim === undefined) return undefined;
  return typeof dim === 'number' ? [dim] : [...dim];
}
