import type { Stats } from 'node:fs';
import type { ReadResult } from '../types.js';

/** Where a reader may read: the labels file of a stack, and a folder allowed besides the dataset's (`data.root`). */
export interface ReadItemsOptions {
  labels?: string;
  dataRoot?: string;
}

/**
 * One dataset layout (registry.ts lists them all): its name (`data.format`), how to recognise it, and how to list
 * its items. Listing reads manifests and headers only; pixels are read later (data/source.ts).
 */
export interface DataReader<N extends string = string> {
  readonly name: N;
  /** What detection looks for, as the error for an unrecognised path says it. */
  readonly looksFor: string;
  /** Whether `p` (a file or a folder: `stats`) is in this layout; the registry asks the readers in order. */
  detect(p: string, stats: Stats): boolean;
  /** The items of the dataset at `root`, and the listed paths refused before any read (see PathGuard). */
  list(root: string, opts: ReadItemsOptions): ReadResult;
}
