import { closeSync, openSync } from 'node:fs';
import { DataError } from '../errors.js';

/**
 * Opens `file` for reading, runs `read` on its descriptor and always closes it: readers that take only part of a
 * file (a header, one item of a stack) share this. A file that cannot be opened is a DataError naming it.
 */
export function withReadFd<T>(file: string, read: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new DataError(`${file}: cannot read: ${(err as Error).message}`, file);
  }
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}
