import path from 'node:path';
import { DataError } from '../errors.js';
import { detectFormat } from './detect.js';
import type { ReadItemsOptions } from './readers/reader.js';
import { dataReader, type DataFormat } from './readers/registry.js';
import { checkImage, describe, loadChecked, readSource } from './source.js';
import { assignSplits } from './split.js';
import type { Dataset, ReadResult, SkippedItem, Split } from './types.js';

export interface OpenOptions {
  format?: DataFormat;
  /** Keep only this split (after the validation split is assigned). */
  split?: Split;
  /** Fraction of the training items moved to 'val' when the data has no validation split (stratified). */
  valFraction?: number;
  seed?: number;
  /** Labels file of an .npy/.npz stack. */
  labels?: string;
  /** A folder besides the dataset's that its manifest may name files in (`data.root`). */
  dataRoot?: string;
  /**
   * true (default): read every item once at open (shape, NaN/Inf); bad items are skipped and listed in `skipped`.
   * false: only the manifest's structure is checked at open (and the shape read from the first usable item), so
   * opening a large dataset costs no pixel reads; each item is checked when it is loaded (`load(i)` rejects
   * with a DataError, the BatchLoader skips and reports it). Bad items then stay in `items` and in the splits.
   */
  validate?: boolean;
  /** Expected [bands, H, W]; by default the first readable item's shape. */
  shape?: [number, number, number];
  /** Items read at once while validating. */
  concurrency?: number;
  /** Called once per skipped item (e.g. to log it). */
  onSkip?: (s: SkippedItem) => void;
}

/** The items of a dataset in `format`, and the listed paths refused before any read (see PathGuard). */
export function readItems(root: string, format: DataFormat, opts: ReadItemsOptions = {}): ReadResult {
  return dataReader(format).list(root, opts);
}

const CLASS_NAMES = ['non-lens (label 0)', 'lens (label 1)'];

/**
 * Opens a dataset in any supported layout. With `validate` (the default) each item is read once: unreadable files,
 * wrong shapes and NaN/Inf are reported through `onSkip`, listed in `skipped` and left out; a dataset left with no
 * usable image of one class is an error. With `validate: false` only the structure is checked (manifest, columns,
 * labels, both classes, the first usable item's shape) and items are checked as they load. Pixels are loaded
 * lazily by `load(i)`.
 */
export async function openDataset(p: string, opts: OpenOptions = {}): Promise<Dataset> {
  const root = path.resolve(p);
  const format = opts.format ?? detectFormat(root);
  const listed = readItems(root, format, { labels: opts.labels, dataRoot: opts.dataRoot });
  let items = listed.items;
  const skipped: SkippedItem[] = [];
  const skip = (s: SkippedItem): void => {
    skipped.push(s);
    opts.onSkip?.(s);
  };
  listed.skipped.forEach(skip);
  if (items.length === 0) {
    throw new DataError(
      `${root}: the ${format} dataset lists no ${skipped.length ? 'readable ' : ''}images` +
        (skipped.length ? ` (${skipped.length} refused; first: ${skipped[0].reason})` : ''),
      root,
    );
  }
  let shape = opts.shape;
  const ok = new Uint8Array(items.length).fill(1);
  // The reference shape comes from the first usable item, found in order so it does not depend on timing.
  let start = 0;
  while (!shape && start < items.length) {
    try {
      const img = await readSource(items[start].source);
      checkImage(img, items[start].source);
      shape = img.shape;
    } catch (err) {
      ok[start] = 0;
      skip({ source: describe(items[start].source), reason: (err as Error).message });
    }
    start++;
  }
  if (opts.validate ?? true) {
    const concurrency = opts.concurrency ?? 16;
    const spec = shape ? { bands: shape[0], height: shape[1], width: shape[2] } : undefined;
    for (let i = start; spec && i < items.length; i += concurrency) {
      const batch = items.slice(i, i + concurrency);
      const results = await Promise.allSettled(batch.map((it) => loadChecked(it.source, spec)));
      results.forEach((r, k) => {
        if (r.status === 'fulfilled') return;
        ok[i + k] = 0;
        skip({ source: describe(batch[k].source), reason: (r.reason as Error).message });
      });
    }
  }
  items = items.filter((_, i) => ok[i]);
  if (!shape || items.length === 0) {
    throw new DataError(
      `${root}: no usable images (${skipped.length} skipped; first: ${skipped[0]?.reason ?? 'none'})`,
      root,
    );
  }
  for (const label of [0, 1]) {
    if (!items.some((it) => it.label === label)) {
      throw new DataError(
        `${root}: no usable images of class ${CLASS_NAMES[label]} (${items.length} usable, ${skipped.length} skipped)`,
        root,
      );
    }
  }
  items = assignSplits(items, { valFraction: opts.valFraction ?? 0.1, seed: opts.seed ?? 0 });
  if (opts.split) items = items.filter((it) => it.split === opts.split);
  const spec = { format, root, bands: shape[0], height: shape[1], width: shape[2] };
  const ds: Dataset = {
    ...spec,
    size: [shape[1], shape[2]],
    items,
    skipped,
    load: (i: number) => loadChecked(items[i].source, spec),
  };
  return ds;
}
