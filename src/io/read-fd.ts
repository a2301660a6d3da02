import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { DataError } from '../errors.js';

/** What a non-regular file is, for messages: `a FIFO (named pipe)`, `a character device`, ... */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Opens `file` for reading, runs `read` on its descriptor and always closes it: readers that take only part of a
 * file (a header, one item of a stack) share this. Only regular files are read: the open is non-blocking (so a
 * FIFO cannot hang it) and the descriptor is checked before any byte is read (a device such as /dev/zero, even
 * behind a symbolic link, is refused). A file that cannot be opened is a DataError naming it.
 */
export function withReadFd<T>(file: string, read: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new DataError(`${file}: cannot read: ${(err as Error).message}`, file);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile())
      throw new DataError(`${file}: not read: it is ${fileKind(st)}, not a regular file`, file);
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

/** The whole content of a regular file (see `withReadFd`): what readFileSync does, without its hazards. */
export function readRegularFile(file: string): Buffer {
  return withReadFd(file, (fd) => {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break; // shrank while reading
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  });
}
