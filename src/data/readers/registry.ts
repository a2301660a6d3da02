/**
 * The dataset layouts by name, in the order detection tries them: `data.format`'s values, detectFormat() (detect.ts) and
 * readItems() (open.ts) all come from this list, so a new layout is one reader file and one line here.
 */
import { DataError } from '../../errors.js';
import { deeplenseReader } from './deeplense.js';
import { fitsReader } from './fits-folder.js';
import { lensfindReader } from './lensfind.js';
import { pngCsvReader } from './png-csv.js';
import type { DataReader } from './reader.js';
import { stackReader } from './stack.js';

export const DATA_READERS = [lensfindReader, deeplenseReader, pngCsvReader, fitsReader, stackReader] as const;

export type DataFormat = (typeof DATA_READERS)[number]['name'];
export const DATA_FORMATS = DATA_READERS.map((r) => r.name) as [DataFormat, ...DataFormat[]];

/** The reader of `format`; an unknown name's error lists the registered ones. */
export function dataReader(format: string): DataReader<DataFormat> {
  const reader = DATA_READERS.find((r) => r.name === format);
  if (!reader) {
    throw new DataError(`unknown data format '${format}' (expected one of ${DATA_FORMATS.join(', ')})`);
  }
  return reader;
}
