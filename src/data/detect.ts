import { statSync } from 'node:fs';
import { DataError } from '../errors.js';
import { DATA_READERS, type DataFormat } from './readers/registry.js';

/** The layout of a dataset path: the first registered reader that recognises it; the error lists what each looks for. */
export function detectFormat(p: string): DataFormat {
  let stats;
  try {
    stats = statSync(p);
  } catch {
    throw new DataError(`${p}: no such file or folder`, p);
  }
  const reader = DATA_READERS.find((r) => r.detect(p, stats));
  if (reader) return reader.name;
  throw new DataError(
    `${p}: unknown dataset layout: expected ` +
      DATA_READERS.map((r) => `${r.looksFor} (${r.name})`).join(', '),
    p,
  );
}
