/** File formats and safe writes: NumPy .npy/.npz, CSV, FITS (images, tables, WCS), atomic files, output folders. */
export {
  claimOutputDir,
  ensureWritableDir,
  ensureWritableFile,
  folderKind,
  MARKER_FILE,
} from './output-dir.js';
export type { FolderKind } from './output-dir.js';
export { readNpy, writeNpy, encodeNpy, decodeNpy } from './npy.js';
export type { NpyArray, NpyData, NpyDtype } from './npy.js';
export { readNpz, decodeNpz } from './npz.js';
export { readCsv, writeCsv, parseCsv, formatCsv } from './csv.js';
export type { CsvRow } from './csv.js';
export { readTableRows } from './table-rows.js';
export { writeFileAtomic } from './atomic.js';
export { readFits, decodeFits } from './fits.js';
export type { FitsHdu, FitsCard, FitsValue, FitsData } from './fits.js';
export { readFitsImage, readFitsImages, readFitsSlice, flipRows } from './fits-image.js';
export type { FitsImage } from './fits-image.js';
export {
  encodeFits,
  writeFits,
  emptyPrimaryHdu,
  imageExtensionHdu,
  tableExtensionHdu,
} from './fits-write.js';
export { encodeBinTable, decodeBinTable } from './fits-table.js';
export { parseWcs } from './wcs.js';
export type { Wcs } from './wcs.js';
