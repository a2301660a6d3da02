import { DataError } from '../../errors.js';
import type { Split } from '../types.js';

const POSITIVE = new Set(['1', '1.0', 'true', 'yes', 'lens', 'lenses', 'lensed', 'pos', 'positive']);
const NEGATIVE = new Set([
  '0',
  '0.0',
  'false',
  'no',
  'nonlens',
  'nonlenses',
  'non-lens',
  'not_lens',
  'unlensed',
  'neg',
  'negative',
]);

/** Parses a label cell: 1/0, true/false, lens/nonlens. */
export function parseLabel(value: string | undefined, where: string): number {
  const v = (value ?? '').trim().toLowerCase();
  if (POSITIVE.has(v)) return 1;
  if (NEGATIVE.has(v)) return 0;
  throw new DataError(
    `${where}: label '${value ?? ''}' is not a binary label (expected 1/0, true/false or lens/nonlens)`,
  );
}

/** Parses a split cell; empty means none given. */
export function parseSplit(value: string | undefined, where: string): Split | undefined {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return undefined;
  if (v === 'train' || v === 'training') return 'train';
  if (v === 'val' || v === 'valid' || v === 'validation') return 'val';
  if (v === 'test' || v === 'testing') return 'test';
  throw new DataError(`${where}: split '${value}' is not one of train, val, test`);
}

/** Metadata cells: numbers where they parse, strings otherwise, empty cells dropped. */
export function parseMeta(
  row: Record<string, string>,
  exclude: ReadonlySet<string>,
): Record<string, string | number> {
  const meta: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(row)) {
    if (exclude.has(k) || v === '') continue;
    const n = Number(v);
    meta[k] = v.trim() !== '' && Number.isFinite(n) ? n : v;
  }
  return meta;
}

/** Splits `file#17` into the file and the index into its first axis. */
export function parsePathRef(ref: string): { file: string; index?: number } {
  const m = /^(.*)#(\d+)$/.exec(ref.trim());
  return m ? { file: m[1], index: Number(m[2]) } : { file: ref.trim() };
}
