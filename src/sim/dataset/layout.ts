import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { encodeNpy } from '../../io/npy.js';
import { DataError } from '../../errors.js';
import type { SimulateConfig } from '../config.js';
import { shardName, type PlanItem, type PlanShard } from './plan.js';
import type { ItemRenderer, MetaValue } from './render-item.js';
import { encodeFitsImage } from './fits-encode.js';

export type ManifestRow = Record<string, MetaValue>;

/** Columns every manifest row starts with, in this order. */
export const BASE_COLUMNS = ['id', 'split', 'label', 'path', 'seed', 'index'] as const;

/** Per-shard metadata sidecars: written last, so a shard is complete when its sidecar and data files exist. */
export const SIDECAR_DIR = '.shards';

type Output = SimulateConfig['output'];

function extension(format: Output['format']): string {
  return format === 'fits' ? 'fits' : 'npy';
}

export function shardFile(output: Output, shard: number): string {
  return `images/${shardName(shard)}.${extension(output.format)}`;
}

/** The DeepLense layout's file of one cutout: `train_lenses/000017.npy`. */
export function itemFile(output: Output, item: PlanItem): string {
  return `${item.split}_${item.label === 1 ? 'lenses' : 'nonlenses'}/${item.id}.${extension(output.format)}`;
}

export function sidecarFile(shard: number): string {
  return `${SIDECAR_DIR}/${shardName(shard)}.json`;
}

/** Files (relative to the dataset folder) holding a shard's cutouts. */
export function shardDataFiles(output: Output, shard: PlanShard): string[] {
  return output.layout === 'deeplense'
    ? shard.items.map((it) => itemFile(output, it))
    : [shardFile(output, shard.shard)];
}

export function isShardComplete(outDir: string, output: Output, shard: PlanShard): boolean {
  if (!existsSync(path.join(outDir, sidecarFile(shard.shard)))) return false;
  return shardDataFiles(output, shard).every((f) => existsSync(path.join(outDir, f)));
}

function encode(format: Output['format'], data: Float32Array, shape: number[]): Uint8Array {
  return format === 'fits' ? encodeFitsImage(data, shape) : encodeNpy(data, shape);
}

/**
 * Renders a shard's items and writes them (atomically, data first, the metadata sidecar last). `onItem` is
 * called after each rendered cutout (progress).
 */
export function renderAndWriteShard(
  renderer: ItemRenderer,
  cfg: Pick<SimulateConfig, 'output' | 'seed'>,
  outDir: string,
  shard: PlanShard,
  onItem?: () => void,
): ManifestRow[] {
  const { bands, size } = renderer;
  const per = bands.length * size * size;
  const output = cfg.output;
  const stack = output.layout === 'lensfind' ? new Float32Array(shard.items.length * per) : undefined;
  const rows: ManifestRow[] = [];
  shard.items.forEach((item, k) => {
    const { image, meta } = renderer.render(item);
    if (image.length !== per) {
      throw new DataError(
        `item ${item.id}: the renderer returned ${image.length} values, expected ${bands.length}x${size}x${size}`,
      );
    }
    let file: string;
    if (stack) {
      stack.set(image, k * per);
      file = `${shardFile(output, shard.shard)}#${k}`;
    } else {
      file = itemFile(output, item);
      writeFileAtomic(path.join(outDir, file), encode(output.format, image, [bands.length, size, size]));
    }
    const row: ManifestRow = {
      id: item.id,
      split: item.split,
      label: item.label,
      path: file,
      seed: cfg.seed,
      index: item.index,
    };
    for (const [key, value] of Object.entries(meta)) if (!(key in row)) row[key] = value;
    rows.push(row);
    onItem?.();
  });
  if (stack) {
    const file = path.join(outDir, shardFile(output, shard.shard));
    writeFileAtomic(file, encode(output.format, stack, [shard.items.length, bands.length, size, size]));
  }
  writeFileAtomic(
    path.join(outDir, sidecarFile(shard.shard)),
    JSON.stringify({ shard: shard.shard, bands, size, rows }),
  );
  return rows;
}

/** Reads a complete shard's manifest rows from its sidecar. */
export function readShardRows(outDir: string, shard: number): ManifestRow[] {
  const file = path.join(outDir, sidecarFile(shard));
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { rows: ManifestRow[] }).rows;
  } catch (err) {
    throw new DataError(
      `${file}: unreadable shard metadata (${(err as Error).message}); delete it and re-run to render the shard again`,
      file,
    );
  }
}

/** Manifest columns: the base ones, then every metadata key in the order first seen. */
export function manifestColumns(rows: readonly ManifestRow[]): string[] {
  const cols: string[] = [...BASE_COLUMNS];
  const seen = new Set<string>(cols);
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        cols.push(key);
      }
    }
  }
  return cols;
}
