import { createHash } from 'node:crypto';
import xxhash from 'xxhash-wasm';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { readRegularFile } from '../../io/read-fd.js';
import { encodeNpy } from '../../io/npy.js';
import { DataError } from '../../errors.js';
import type { SimulateConfig } from '../config.js';
import { shardName, type PlanItem, type PlanShard } from './plan.js';
import type { ItemRenderer, MetaValue } from './render-item.js';
import { encodeCutoutFits } from './fits-encode.js';

export type ManifestRow = Record<string, MetaValue>;

/** Columns every manifest row starts with, in this order. */
export const BASE_COLUMNS = ['id', 'split', 'label', 'path', 'seed', 'index'] as const;

/**
 * Per-shard metadata sidecars, written last: the manifest rows and the size and checksum (XXH64) of every data file of the
 * shard. A shard counts as complete only when its files still have that size and digest.
 */
export const SIDECAR_DIR = '.shards';

/**
 * A data file as written: its path in the dataset, byte size and 64-bit xxHash (XXH64, seed 0, 16 hex digits): a
 * check against damage, not tampering, at ~20x the speed of SHA-256 (which took a sixth of a cutout's CPU time).
 * Sidecars of older datasets hold `sha256`, still checked.
 */
export interface FileDigest {
  path: string;
  size: number;
  xxh64?: string;
  sha256?: string;
}

const { h64Raw } = await xxhash();

function digest(bytes: Uint8Array): string {
  return h64Raw(bytes).toString(16).padStart(16, '0');
}

/** Whether bytes match the digest a sidecar records (either kind). */
function matches(bytes: Uint8Array, d: FileDigest): boolean {
  if (d.xxh64 !== undefined) return digest(bytes) === d.xxh64;
  return d.sha256 !== undefined && createHash('sha256').update(bytes).digest('hex') === d.sha256;
}

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

/** Why `file` does not hold the bytes `d` records, or null (size first: a truncated file is not even read). */
function mismatch(outDir: string, d: FileDigest): string | null {
  const file = path.join(outDir, d.path);
  try {
    const size = statSync(file).size;
    if (size !== d.size) return `${d.path} has ${size} bytes, ${d.size} were written`;
    return matches(readRegularFile(file), d) ? null : `${d.path} does not match its checksum`;
  } catch (err) {
    return `${d.path} cannot be read (${(err as Error).message})`;
  }
}

/**
 * Whether a shard is complete: null when its sidecar parses and every data file has the size and checksum it
 * records; else why not ('missing' when it was never finished). A truncated or damaged file, or a sidecar of an
 * earlier version (no digests), means the shard is rendered again; the same seed gives the same bytes.
 */
export function shardProblem(outDir: string, output: Output, shard: PlanShard): string | null {
  let files: FileDigest[] | undefined;
  try {
    const text = readFileSync(path.join(outDir, sidecarFile(shard.shard)), 'utf8');
    files = (JSON.parse(text) as { files?: FileDigest[] }).files;
  } catch {
    return 'missing';
  }
  if (!Array.isArray(files)) return 'its sidecar records no sizes and digests (an earlier version)';
  const byPath = new Map(files.map((d) => [d.path, d]));
  for (const f of shardDataFiles(output, shard)) {
    const d = byPath.get(f);
    const problem = d ? mismatch(outDir, d) : `${f} is not recorded in its sidecar`;
    if (problem) return problem;
  }
  return null;
}

/** A data file's bytes: .npy, or FITS with the description and the manifest rows of its cutouts. */
function encode(
  format: Output['format'],
  data: Float32Array,
  shape: number[],
  renderer: ItemRenderer,
  rows: readonly ManifestRow[],
): Uint8Array {
  if (format !== 'fits') return encodeNpy(data, shape);
  return encodeCutoutFits(data, shape, renderer.description, rows, manifestColumns(rows));
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
  const files: FileDigest[] = [];
  const put = (rel: string, bytes: Uint8Array) => {
    // not flushed to the disk: the sidecar, written (and flushed) last, holds its digest, which the next run checks
    writeFileAtomic(path.join(outDir, rel), bytes, { durable: false });
    files.push({ path: rel, size: bytes.byteLength, xxh64: digest(bytes) });
  };
  shard.items.forEach((item, k) => {
    const { image, meta } = renderer.render(item);
    if (image.length !== per) {
      throw new DataError(
        `item ${item.id}: the renderer returned ${image.length} values, expected ${bands.length}x${size}x${size}`,
      );
    }
    const file = stack ? `${shardFile(output, shard.shard)}#${k}` : itemFile(output, item);
    const row: ManifestRow = {
      id: item.id,
      split: item.split,
      label: item.label,
      path: file,
      seed: cfg.seed,
      index: item.index,
    };
    // The cutout's place in its shard, so `path` need not be split at '#' (none in the DeepLense layout).
    if (stack) row.row = k;
    for (const [key, value] of Object.entries(meta)) if (!(key in row)) row[key] = value;
    if (stack) stack.set(image, k * per);
    else put(file, encode(output.format, image, [bands.length, size, size], renderer, [row]));
    rows.push(row);
    onItem?.();
  });
  if (stack) {
    put(
      shardFile(output, shard.shard),
      encode(output.format, stack, [shard.items.length, bands.length, size, size], renderer, rows),
    );
  }
  writeFileAtomic(
    path.join(outDir, sidecarFile(shard.shard)),
    JSON.stringify({ shard: shard.shard, bands, size, files, rows }),
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
