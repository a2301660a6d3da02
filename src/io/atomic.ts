import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { makeDirs } from './mkdirs.js';

let counter = 0;

/** A temporary name beside `target`, unique to this process and call, so concurrent writers never collide. */
export function tempPathFor(target: string): string {
  counter += 1;
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${counter}.tmp`);
}

/** How a file is written. */
export interface AtomicWriteOptions {
  /**
   * Flush the data to the disk before the rename (default true), so that the file survives a crash of the
   * operating system, not only of the process. false for bulk data whose loss a later check detects (simulated
   * shards, verified by their sidecar's digests): on a virtual machine, flushing a simulated shard costs ~7% of the
   * CPU time of rendering it.
   */
  durable?: boolean;
}

/**
 * Writes `target` atomically: the data goes to a temporary file in the same folder, is flushed (see `durable`),
 * then renamed over the target. A reader (or a killed run) sees either the old file or the whole new one, never half.
 */
export function writeFileAtomic(
  target: string,
  data: string | Uint8Array | readonly Uint8Array[],
  options: AtomicWriteOptions = {},
): void {
  writeAtomicWith(
    target,
    (fd) => {
      const parts =
        typeof data === 'string' ? [Buffer.from(data)] : data instanceof Uint8Array ? [data] : data;
      for (const part of parts) {
        let offset = 0;
        while (offset < part.byteLength) offset += writeSync(fd, part, offset, part.byteLength - offset);
      }
    },
    options,
  );
}

/**
 * Writes `target` atomically through `write`, which fills an open file descriptor (for writers that stream, such
 * as a Parquet file one row group at a time): flushed and renamed over `target`, or removed if `write` throws.
 */
export function writeAtomicWith(
  target: string,
  write: (fd: number) => void,
  { durable = true }: AtomicWriteOptions = {},
): void {
  makeDirs(path.dirname(path.resolve(target)));
  const tmp = tempPathFor(target);
  const fd = openSync(tmp, 'w');
  try {
    write(fd);
    if (durable) fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, target);
}
