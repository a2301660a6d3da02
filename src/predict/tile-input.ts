import path from 'node:path';
import { DataError } from '../errors.js';
import { readTableRows } from '../io/table-rows.js';
import { openTiles, tileItems } from '../data/tiles.js';
import type { PredictInput } from './input.js';

/** Catalogue rows, numbers where a value parses as one (CSV) or is one (Parquet). */
async function readObjects(file: string): Promise<Record<string, string | number>[]> {
  const value = (v: unknown): string | number =>
    typeof v === 'number'
      ? v
      : typeof v === 'bigint'
        ? Number(v)
        : v === null || v === undefined
          ? ''
          : String(v);
  const rows = await readTableRows(file, `--catalog ${file}`);
  // CSV gives strings: numbers where a value parses as one
  const fromCsv = path.extname(file).toLowerCase() === '.csv';
  const parse = (v: unknown) =>
    fromCsv && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : value(v);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, parse(v)])));
}

/**
 * The input of `predict --tiles 'tile_{band}.fits' --catalog objects.csv --bands g,r,i`: one stamp of the model's
 * size per catalogue object, cut through the tiles' WCS when it is scored (data/tiles.ts); objects outside every
 * tile are rejected with the reason. The catalogue's columns, `tile` and `edge` (1 when the stamp was padded at a
 * tile's edge) become the items' metadata, which the candidate catalogue carries.
 */
export async function openTileInput(
  opts: { pattern: string; catalog: string; bands: string[] },
  shape: { bands: number; height: number; width: number },
): Promise<PredictInput> {
  if (opts.bands.length !== shape.bands) {
    throw new DataError(
      `--bands ${opts.bands.join(',')}: the model takes ${shape.bands} bands; name ${shape.bands}, in its order`,
      opts.pattern,
    );
  }
  const catalog = path.resolve(opts.catalog);
  const tiles = openTiles(path.resolve(opts.pattern), opts.bands);
  const objects = await readObjects(catalog);
  if (objects.length === 0) throw new DataError(`--catalog ${catalog}: no objects`, catalog);
  const { items, outside } = tileItems(tiles, objects, {
    height: shape.height,
    width: shape.width,
    source: catalog,
  });
  if (items.length === 0) {
    throw new DataError(
      `${catalog}: none of the ${objects.length} objects lies in the tiles ${opts.pattern}`,
      catalog,
    );
  }
  return { root: catalog, format: 'tiles', items, ...shape, rejected: outside };
}
