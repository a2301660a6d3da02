import type { DatasetItem, ItemSource } from '../data/types.js';

/** Shared by every slice: a stack's cutouts have no columns of their own. */
const NO_META: Record<string, string | number> = Object.freeze({}) as Record<string, string | number>;

/** What the slices of one stack file share. */
interface StackFile {
  /** The stack's id (its path without extension, or its file stem); a slice's id is `<id>#<i>`. */
  id: string;
  file: string;
  key?: string;
  /** Digits of the zero-padded slice number (of N - 1). */
  digits: number;
}

/**
 * One cutout of an .npy/.npz stack, as a DatasetItem whose id and source are made when asked. A survey input of
 * a million cutouts in stacks then costs two fields per cutout (~50 bytes) instead of an id string, a source and
 * a metadata object each (~200 bytes), and the listing stays small next to the pixels streamed through it.
 */
class StackSlice implements DatasetItem {
  constructor(
    private readonly stack: StackFile,
    private readonly slice: number,
  ) {}

  get id(): string {
    return `${this.stack.id}#${String(this.slice).padStart(this.stack.digits, '0')}`;
  }

  get label(): number {
    return NaN;
  }

  get source(): ItemSource {
    const { file, key } = this.stack;
    return key === undefined ? { file, index: this.slice } : { file, key, index: this.slice };
  }

  get meta(): Record<string, string | number> {
    return NO_META;
  }
}

/** The `count` cutouts of a stack, unlabeled, ids `<id>#<i>` with i zero-padded to the digits of count - 1. */
export function stackSlices(id: string, file: string, count: number, key?: string): DatasetItem[] {
  const stack: StackFile = { id, file, key, digits: String(count - 1).length };
  const out = new Array<DatasetItem>(count);
  for (let i = 0; i < count; i++) out[i] = new StackSlice(stack, i);
  return out;
}
