// NumPy `.npz` archives (np.savez / np.savez_compressed): a zip of `.npy` files.
import { decodeNpy, type NpyArray } from './npy.js';
import { listZipEntries, zipEntryBytes } from './zip.js';
import { readRegularFile } from './read-fd.js';

/** Decodes an `.npz` archive held in memory: array name (without `.npy`) → array. */
export function decodeNpz(buf: Uint8Array, source = '<buffer>'): Map<string, NpyArray> {
  const out = new Map<string, NpyArray>();
  for (const entry of listZipEntries(buf, source)) {
    if (entry.name.endsWith('/')) continue;
    const name = entry.name.replace(/\.npy$/, '');
    out.set(name, decodeNpy(zipEntryBytes(buf, entry, source), `${source}:${entry.name}`));
  }
  return out;
}

export function readNpz(file: string): Map<string, NpyArray> {
  const buf = readRegularFile(file);
  return decodeNpz(buf, file);
}
