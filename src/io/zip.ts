import { crc32, inflateRawSync } from 'node:zlib';
import { DataError } from '../errors.js';

/**
 * Zip archives read through their central directory (NumPy's `.npz`, PyTorch's `.pt`): stored and deflate entries,
 * with ZIP64 sizes (NumPy forces ZIP64 headers).
 */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const U32_MAX = 0xffffffff;

export function listZipEntries(buf: Uint8Array, source: string): ZipEntry[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new DataError(
      `${source}: not a zip archive, or truncated (no end-of-central-directory record)`,
      source,
    );
  const count = view.getUint16(eocd + 10, true);
  let pos = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (pos + 46 > buf.length || view.getUint32(pos, true) !== CENTRAL) {
      throw new DataError(`${source}: corrupt zip central directory (entry ${n} at byte ${pos})`, source);
    }
    const nameLen = view.getUint16(pos + 28, true);
    const extraLen = view.getUint16(pos + 30, true);
    const commentLen = view.getUint16(pos + 32, true);
    const entry: ZipEntry = {
      name: Buffer.from(buf.subarray(pos + 46, pos + 46 + nameLen)).toString('utf8'),
      method: view.getUint16(pos + 10, true),
      crc: view.getUint32(pos + 16, true),
      compressedSize: view.getUint32(pos + 20, true),
      size: view.getUint32(pos + 24, true),
      localOffset: view.getUint32(pos + 42, true),
    };
    // ZIP64 extra field (id 1): the 64-bit values of whichever fields hold 0xFFFFFFFF, in this order.
    for (let e = pos + 46 + nameLen; e + 4 <= pos + 46 + nameLen + extraLen;) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 1) {
        let p = e + 4;
        const next = (): number => {
          const v = Number(view.getBigUint64(p, true));
          p += 8;
          return v;
        };
        if (entry.size === U32_MAX) entry.size = next();
        if (entry.compressedSize === U32_MAX) entry.compressedSize = next();
        if (entry.localOffset === U32_MAX) entry.localOffset = next();
      }
      e += 4 + len;
    }
    entries.push(entry);
    pos += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export function zipEntryBytes(buf: Uint8Array, entry: ZipEntry, source: string): Uint8Array {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const at = entry.localOffset;
  if (at + 30 > buf.length || view.getUint32(at, true) !== LOCAL) {
    throw new DataError(`${source}: corrupt zip: no local header for '${entry.name}' at byte ${at}`, source);
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressedSize > buf.length) {
    throw new DataError(
      `${source}: truncated: entry '${entry.name}' needs ${entry.compressedSize} bytes from byte ${start}`,
      source,
    );
  }
  const raw = buf.subarray(start, start + entry.compressedSize);
  let out: Uint8Array;
  if (entry.method === 0) out = raw;
  else if (entry.method === 8) {
    try {
      out = inflateRawSync(raw);
    } catch (err) {
      throw new DataError(
        `${source}: entry '${entry.name}' cannot be inflated: ${(err as Error).message}`,
        source,
      );
    }
  } else {
    throw new DataError(
      `${source}: entry '${entry.name}' uses zip compression method ${entry.method} (expected stored or deflate)`,
      source,
    );
  }
  if (out.length !== entry.size || crc32(out) !== entry.crc) {
    throw new DataError(
      `${source}: entry '${entry.name}' is corrupt (size or CRC-32 does not match)`,
      source,
    );
  }
  return out;
}
