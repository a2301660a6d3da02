import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import { readCsv } from '../../io/csv.js';
import { readNpy } from '../../io/npy.js';
import { withReadFd } from '../../io/read-fd.js';
import { cachedNpz, readNpyHeader } from '../source.js';
import type { DatasetItem } from '../types.js';
import { parseLabel, parseSplit } from './common.js';
import type { DataReader } from './reader.js';

const IMAGE_KEYS = ['x', 'X', 'images', 'image', 'data', 'arr_0'];
const LABEL_KEYS = ['y', 'Y', 'labels', 'label', 'arr_1'];

/**
 * The images of an .npz (for training and for predict alike): the first of IMAGE_KEYS holding an array of 3 or more
 * dimensions ([N, bands, H, W], [N, H, W], or one cutout [bands, H, W]), else the first other such array.
 */
export function stackImageKey(
  arrays: ReadonlyMap<string, { shape: readonly number[] }>,
  file: string,
): string {
  const images = (k: string) => arrays.has(k) && arrays.get(k)!.shape.length >= 3;
  const key = IMAGE_KEYS.find(images) ?? [...arrays.keys()].find(images);
  if (key === undefined) {
    throw new DataError(
      `${file}: no image array (expected one of ${IMAGE_KEYS.join(', ')}, [N, bands, H, W]; found ` +
        ([...arrays].map(([k, a]) => `${k} [${a.shape.join(', ')}]`).join(', ') || 'no arrays') +
        ')',
      file,
    );
  }
  return key;
}

function labelsFromArray(data: ArrayLike<number | bigint>, where: string): number[] {
  return Array.from(data, (v) => parseLabel(String(Number(v)), where));
}

/** Labels of a stack: an .npy vector, or a .csv with a label column (one row per image, optional split, id). */
function readLabelsFile(file: string): { labels: number[]; splits?: (string | undefined)[]; ids?: string[] } {
  if (file.endsWith('.npy')) return { labels: labelsFromArray(readNpy(file).data, file) };
  const rows = readCsv(file);
  if (rows.length > 0 && !('label' in rows[0])) throw new DataError(`${file}: expected a label column`, file);
  return {
    labels: rows.map((r, n) => parseLabel(r.label, `${file}: line ${n + 2}`)),
    splits: rows.map((r) => r.split),
    ids: 'id' in (rows[0] ?? {}) ? rows.map((r) => r.id) : undefined,
  };
}

/** Default labels files beside a stack `dir/name.npy`. */
export function findStackLabels(file: string): string | undefined {
  const dir = path.dirname(file);
  const stem = path.basename(file, path.extname(file));
  const candidates = [
    `${stem}_labels.npy`,
    `${stem}.labels.npy`,
    'labels.npy',
    `${stem}_labels.csv`,
    `${stem}.csv`,
    'labels.csv',
  ];
  return candidates.map((c) => path.join(dir, c)).find((c) => existsSync(c));
}

/** One .npy [N, bands, H, W] (or [N, H, W]) with a labels file, or one .npz holding images and labels. */
export function readStack(file: string, labelsFile?: string): DatasetItem[] {
  let count: number;
  let key: string | undefined;
  let labels: number[];
  let splits: (string | undefined)[] | undefined;
  let ids: string[] | undefined;
  if (file.endsWith('.npz')) {
    const arrays = cachedNpz(file);
    key = stackImageKey(arrays, file);
    count = arrays.get(key)!.shape[0];
    if (labelsFile) ({ labels, splits, ids } = readLabelsFile(labelsFile));
    else {
      const lk = LABEL_KEYS.find((k) => arrays.has(k) && arrays.get(k)!.shape.length === 1);
      if (!lk)
        throw new DataError(
          `${file}: no labels array (expected one of ${LABEL_KEYS.join(', ')}) and no labels file given`,
          file,
        );
      labels = labelsFromArray(arrays.get(lk)!.data, `${file}:${lk}`);
    }
  } else {
    const shape = withReadFd(file, (fd) => readNpyHeader(fd, file).shape);
    if (shape.length < 3)
      throw new DataError(
        `${file}: a stack must be [N, bands, H, W] or [N, H, W], found [${shape.join(', ')}]`,
        file,
      );
    count = shape[0];
    const lf = labelsFile ?? findStackLabels(file);
    if (!lf)
      throw new DataError(
        `${file}: no labels file found (give one, or put ${path.basename(file, '.npy')}_labels.npy beside it)`,
        file,
      );
    ({ labels, splits, ids } = readLabelsFile(lf));
  }
  if (labels.length !== count) {
    throw new DataError(
      `${labelsFile ?? file}: ${labels.length} labels for ${count} images`,
      labelsFile ?? file,
    );
  }
  return labels.map((label, i) => ({
    id: ids?.[i] || String(i),
    label,
    split: parseSplit(splits?.[i], `${labelsFile ?? file}: row ${i + 1}`),
    source: { file: path.resolve(file), index: i, key },
    meta: {},
  }));
}

export const stackReader = {
  name: 'stack',
  looksFor: 'an .npy/.npz stack file',
  detect: (p, stats) => stats.isFile() && /\.(npy|npz)$/i.test(p),
  list: (root, opts) => ({ items: readStack(root, opts.labels), skipped: [] }),
} as const satisfies DataReader;
