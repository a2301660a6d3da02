/**
 * Training data read from files (issue 13: "real or external galaxies"): cutouts in any layout src/data reads
 * (a folder of per-galaxy .npy/.npz/FITS/PNG files, id = the file name without its extension; or one stack
 * .npy or FITS cube [N, bands, H, W], id = the row index 0..N-1) and a parameter table (.csv or .parquet) with
 * an id column and one column per parameter, named as the run's parameters (`mag` or `mag_<band>`, `R_sersic`,
 * `n_sersic`, `q`, `phi`, `center_x`, `center_y`). Every value must lie within its prior's bounds (phi is taken
 * modulo 180). The validation galaxies are a fixed, seeded fraction of the table; training batches walk seeded
 * permutations of the rest, so a resumed run sees the batches it would have seen.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { readTableRows } from '../io/table-rows.js';
import { IMAGE_FILE, imageFileStem, loadChecked } from '../data/source.js';
import { Sfc32Rng } from '../rng/index.js';
import { readCutouts } from './cutouts.js';
import { normalizeImages, type SimBatch } from './data.js';
import type { ParamSpace } from './params.js';

export const fileDataSchema = z.strictObject({
  /** A folder of cutouts (one file each) or one stack file. */
  images: z.string(),
  /** The parameter table: .csv or .parquet. */
  table: z.string(),
  id_column: z.string().default('id'),
  /** Fraction of the table held out for validation (fixed by the seed). */
  val_fraction: z.number().gt(0).lt(1).default(0.1),
});
export type FileDataConfig = z.output<typeof fileDataSchema>;

const SPLIT_STREAM = 0x5e51c;
const ORDER_STREAM = 0x5e51d;

/** The cutouts by id: a folder of files or the rows of one stack. Pixels [bands, size, size] each. */
async function readImages(
  p: string,
  bands: number,
  size: number,
  wanted: readonly string[],
  table: string,
): Promise<Float32Array[]> {
  let isDir: boolean;
  try {
    isDir = statSync(p).isDirectory();
  } catch {
    throw new DataError(`data.images: ${p} does not exist (expected a folder of cutouts or a stack file)`, p);
  }
  const per = bands * size * size;
  if (!isDir) {
    const { x, n } = readCutouts(p, bands, size);
    return wanted.map((id, r) => {
      const k = Number(id);
      if (!(Number.isInteger(k) && k >= 0 && k < n && String(k) === id.trim()))
        throw new DataError(
          `${table}: row ${r + 1}: id '${id}' is not a row of ${p} (a stack's ids are its row indices 0..${n - 1})`,
          table,
        );
      return x.subarray(k * per, (k + 1) * per);
    });
  }
  const files = new Map<string, string>();
  for (const f of readdirSync(p)) if (IMAGE_FILE.test(f)) files.set(imageFileStem(f), path.join(p, f));
  return Promise.all(
    wanted.map(async (id, r) => {
      const file = files.get(id);
      if (!file)
        throw new DataError(
          `${table}: row ${r + 1}: id '${id}' has no cutout in ${p} (expected a file ${id}.npy, ${id}.fits, ...; ` +
            `the folder has ${files.size} image files)`,
          table,
        );
      return loadChecked({ file }, { bands, height: size, width: size });
    }),
  );
}

/** Physical rows [N, D] of the table's parameter columns, checked against the priors' bounds. */
function tableParams(
  rows: Record<string, unknown>[],
  space: ParamSpace,
  file: string,
  idCol: string,
): Float64Array {
  const have = Object.keys(rows[0] ?? {});
  for (const col of [idCol, ...space.names])
    if (!have.includes(col))
      throw new DataError(
        `${file}: no column '${col}' (expected an id column '${idCol}' and the parameters ${space.names.join(', ')}; ` +
          `found ${have.join(', ') || 'no columns'})`,
        file,
      );
  const D = space.dim;
  const theta = new Float64Array(rows.length * D);
  rows.forEach((row, r) => {
    space.names.forEach((name, j) => {
      const raw = row[name];
      let v =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'bigint'
            ? Number(raw)
            : Number(String(raw ?? '').trim() || NaN);
      const where = `${file}: row ${r + 1} (${idCol} ${String(row[idCol])}), column '${name}'`;
      if (!Number.isFinite(v)) throw new DataError(`${where}: expected a number, got '${String(raw)}'`, file);
      if (name === 'phi') v = ((v % 180) + 180) % 180;
      const [lo, hi] = space.bounds(j);
      if (name !== 'phi' && !(v >= lo && v <= hi))
        throw new DataError(
          `${where}: ${v} is outside the prior's bounds [${lo}, ${hi}] (priors.${name.startsWith('mag') ? 'mag' : name})`,
          file,
        );
      theta[r * D + j] = v;
    });
  });
  return theta;
}

/** Galaxies read from files: the validation set and training batches in a seeded order. */
export class FileData {
  private constructor(
    private readonly x: Float32Array,
    private readonly theta: Float64Array,
    readonly trainIndex: Int32Array,
    readonly valIndex: Int32Array,
    private readonly per: number,
    private readonly dim: number,
    private readonly seed: number,
  ) {}

  /** Reads the table and the cutouts (normalised as asinh(x / sigma) per band, as simulated ones). */
  static async open(
    cfg: FileDataConfig,
    space: ParamSpace,
    opts: { bands: number; size: number; sigmas: readonly number[]; seed: number },
  ): Promise<FileData> {
    const rows = await readTableRows(cfg.table);
    if (rows.length < 2)
      throw new DataError(`${cfg.table}: needs at least 2 rows (has ${rows.length})`, cfg.table);
    const theta = tableParams(rows, space, cfg.table, cfg.id_column);
    const ids = rows.map((r) => String(r[cfg.id_column]));
    const seen = new Map<string, number>();
    ids.forEach((id, r) => {
      if (seen.has(id))
        throw new DataError(
          `${cfg.table}: rows ${seen.get(id)! + 1} and ${r + 1} have the same id '${id}'`,
          cfg.table,
        );
      seen.set(id, r);
    });
    const per = opts.bands * opts.size * opts.size;
    const images = await readImages(cfg.images, opts.bands, opts.size, ids, cfg.table);
    const x = new Float32Array(rows.length * per);
    images.forEach((img, r) => x.set(img, r * per));
    normalizeImages(x, opts.sigmas, opts.size * opts.size);
    const order = Array.from({ length: rows.length }, (_, i) => i);
    new Sfc32Rng(opts.seed, SPLIT_STREAM).shuffle(order);
    const nVal = Math.max(1, Math.round(cfg.val_fraction * rows.length));
    const val = Int32Array.from(order.slice(0, nVal)).sort();
    const train = Int32Array.from(order.slice(nVal)).sort();
    return new FileData(x, theta, train, val, per, space.dim, opts.seed);
  }

  private gather(index: ArrayLike<number>): SimBatch {
    const n = index.length;
    const x = new Float32Array(n * this.per);
    const theta = new Float64Array(n * this.dim);
    for (let k = 0; k < n; k++) {
      const i = index[k];
      x.set(this.x.subarray(i * this.per, (i + 1) * this.per), k * this.per);
      theta.set(this.theta.subarray(i * this.dim, (i + 1) * this.dim), k * this.dim);
    }
    return { x, theta };
  }

  /** The fixed validation set. */
  val(): SimBatch {
    return this.gather(this.valIndex);
  }

  /** Training items start..start+count-1 of the sequence of seeded epoch permutations. */
  batch(start: number, count: number): SimBatch {
    const n = this.trainIndex.length;
    const picks = new Int32Array(count);
    let epoch = -1;
    let order: Int32Array = this.trainIndex;
    for (let k = 0; k < count; k++) {
      const p = start + k;
      const e = Math.floor(p / n);
      if (e !== epoch) {
        epoch = e;
        order = Int32Array.from(this.trainIndex);
        new Sfc32Rng(this.seed, ORDER_STREAM, e).shuffle(order);
      }
      picks[k] = order[p % n];
    }
    return this.gather(picks);
  }
}
