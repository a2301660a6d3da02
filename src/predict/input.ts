import { existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import { resolvePath } from '../io/inspect-path.js';
import { fileKind, withReadFd } from '../io/read-fd.js';
import { PathGuard } from '../data/path-guard.js';
import { detectFormat } from '../data/detect.js';
import { stackImageKey } from '../data/readers/stack.js';
import { readItems } from '../data/open.js';
import {
  IMAGE_FILE,
  cachedNpz,
  describe,
  imageFileKind,
  imageFileStem,
  readNpyHeader,
  readSource,
} from '../data/source.js';
import type { DataFormat, DatasetItem, ItemSource, ReadResult, SkippedItem } from '../data/types.js';
import { stackSlices } from './stack-items.js';

/** Cutouts to score, labelled or not (label NaN), with the shape of the first readable one. */
export interface PredictInput {
  root: string;
  /** 'files' for a plain folder, else the reader format used. */
  format: DataFormat | 'files' | 'stack' | 'tiles';
  items: DatasetItem[];
  bands: number;
  height: number;
  width: number;
  /** Items rejected before scoring (the first ones that could not be read). */
  rejected: SkippedItem[];
}

function unlabeled(id: string, source: ItemSource): DatasetItem {
  return { id, label: NaN, source, meta: {} };
}

/**
 * Every image file under `dir`, recursively, sorted (ids are paths relative to the folder, without extension).
 * Entries are typed without being opened: real folders are walked, symbolic links are checked by the PathGuard
 * (links to folders are not followed, so no loop can trap the walk), and broken links (loops, dangling) and
 * image-named FIFOs, sockets and devices are returned as rejected, never opened.
 */
function listFolder(dir: string, dataRoot?: string): ReadResult {
  const guard = new PathGuard(dir, dataRoot);
  const items: DatasetItem[] = [];
  const reject = (file: string, reason: string) =>
    guard.skipped.push({ source: file, reason: `${file}: ${reason}` });
  const walk = (d: string) => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const full = path.join(d, e.name);
      const id = () => imageFileStem(path.relative(dir, full));
      if (e.isDirectory()) walk(full);
      else if (e.isSymbolicLink()) {
        const target = resolvePath(full);
        if ('stats' in target && target.stats.isDirectory())
          reject(full, 'a symbolic link to a folder (not followed)');
        else if ('reason' in target || IMAGE_FILE.test(e.name)) {
          const source = guard.source(path.relative(dir, full));
          if (source) items.push(unlabeled(id(), source));
        }
      } else if (!IMAGE_FILE.test(e.name)) continue;
      else if (e.isFile()) for (const it of fileItems(full, id())) items.push(it);
      else reject(full, `${fileKind(lstatSync(full))}, not a regular file (not opened)`);
    }
  };
  walk(dir);
  return { items, skipped: guard.skipped };
}

/**
 * A file of a plain folder: one item, or one per slice of an .npy/.npz stack [N, bands, H, W] (survey shards), ids
 * `<id>#<i>`. Only the .npy header is read (an .npz is opened whole); a file that cannot be read is one item,
 * refused when scored.
 */
function fileItems(file: string, id: string): DatasetItem[] {
  const kind = imageFileKind(file);
  if (kind !== 'npy' && kind !== 'npz') return [unlabeled(id, { file })];
  let array: { shape: readonly number[]; key?: string };
  try {
    array = arrayShape(file);
  } catch {
    return [unlabeled(id, { file })];
  }
  if (array.shape.length !== 4) return [unlabeled(id, { file, key: array.key })];
  return stackSlices(id, file, array.shape[0], array.key);
}

/** The shape of an .npy file (its header only), or of an .npz archive's image array and that array's name. */
function arrayShape(file: string): { shape: readonly number[]; key?: string } {
  if (imageFileKind(file) === 'npz') {
    const arrays = cachedNpz(file);
    const key = stackImageKey(arrays, file);
    return { shape: arrays.get(key)!.shape, key };
  }
  return { shape: withReadFd(file, (fd) => readNpyHeader(fd, file).shape) };
}

/**
 * One .npy/.npz file: a stack [N, bands, H, W] (one item per slice), [N, H, W] when the model takes one band,
 * else a single cutout [bands, H, W].
 */
function listStack(file: string, bands: number): DatasetItem[] {
  const stem = path.basename(file, path.extname(file));
  const { shape, key } = arrayShape(file);
  const isStack = shape.length === 4 || (shape.length === 3 && bands === 1);
  if (!isStack) return [unlabeled(stem, { file, key })];
  return stackSlices(stem, file, shape[0], key);
}

/**
 * Opens cutouts for `lensfind predict`: a dataset in any reader layout (labels kept but not needed), a plain
 * folder of .npy/.fits/.png files (searched recursively), or one .npy/.npz stack. Files are not read up front
 * (a survey folder may hold millions): only until the first readable one gives the shape; unreadable files met
 * on the way are returned in `rejected`, and the rest are found while scoring.
 */
export async function openPredictInput(
  p: string,
  opts: { bands: number; format?: DataFormat; dataRoot?: string },
): Promise<PredictInput> {
  const root = path.resolve(p);
  const found = resolvePath(root);
  if ('reason' in found) throw new DataError(`${root}: cannot read the input: it is ${found.reason}`, root);
  if (!found.stats.isFile() && !found.stats.isDirectory()) {
    throw new DataError(`${root}: cannot read the input: it is ${fileKind(found.stats)}`, root);
  }
  let format: PredictInput['format'];
  let items: DatasetItem[];
  const rejected: SkippedItem[] = [];
  if (found.stats.isFile()) {
    format = 'stack';
    items = listStack(root, opts.bands);
  } else {
    let layout: DataFormat | undefined = opts.format;
    if (!layout) {
      try {
        layout = detectFormat(root);
      } catch {
        layout = undefined; // not a labelled layout: a plain folder of files
      }
      if (layout === 'fits' && !existsSync(path.join(root, 'labels.csv'))) layout = undefined;
    }
    format = layout ?? 'files';
    const listed = layout
      ? readItems(root, layout, { dataRoot: opts.dataRoot })
      : listFolder(root, opts.dataRoot);
    items = listed.items;
    rejected.push(...listed.skipped);
  }
  if (items.length === 0) {
    throw new DataError(
      `${root}: no images found (looked for ${IMAGE_FILE.source} files` +
        (rejected.length ? `; ${rejected.length} refused, first: ${rejected[0].reason})` : ')'),
      root,
    );
  }
  for (let k = 0; k < items.length; k++) {
    try {
      const img = await readSource(items[k].source);
      const [bands, height, width] = img.shape;
      return { root, format, items: items.slice(k), bands, height, width, rejected };
    } catch (err) {
      rejected.push({ source: describe(items[k].source), reason: (err as Error).message });
    }
  }
  throw new DataError(
    `${root}: none of the ${items.length} images could be read (first: ${rejected[0].reason})`,
    root,
  );
}
