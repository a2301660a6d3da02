import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { OutputError } from '../errors.js';

/** A one-line reason for a failed file-system call: `permission denied`, `not a folder`, ... */
export function errnoReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOENT':
      return 'the file system allows no folder here (ENOENT)';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ELOOP':
      return 'symbolic link loop';
    default:
      return e.code ? `${e.code}: ${e.message}` : String(e.message ?? e);
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time. Node's `mkdirSync(dir, { recursive: true })` retries
 * forever where mkdir fails with ENOENT although the parent exists (`/proc/x`: 100% CPU, no error); here every
 * level is tried once, and a failure is an OutputError naming the folder and why.
 */
export function makeDirs(dir: string): void {
  const full = path.resolve(dir);
  const missing: string[] = [];
  for (let p = full; ; p = path.dirname(p)) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTDIR: a file on the way, found as the walk goes up.
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        throw new OutputError(`${p}: cannot use this folder: ${errnoReason(err)}`, p);
      if (p === path.dirname(p)) break;
      missing.push(p);
      continue;
    }
    if (!isDir) throw new OutputError(`${dir}: cannot create a folder: ${p} is a file, not a folder`, p);
    break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(p).isDirectory()) continue;
      throw new OutputError(`${p}: cannot create the folder: ${errnoReason(err)}`, p);
    }
  }
}
