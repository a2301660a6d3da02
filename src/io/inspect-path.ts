import { lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { errnoReason } from './mkdirs.js';
import { fileKind } from './read-fd.js';

/** A path whose links resolve: its real path and what is there. */
export interface ResolvedPath {
  real: string;
  stats: Stats;
}

/**
 * Resolves every symbolic link of `file` and stats the target, without opening anything. A loop, a dangling link
 * or a missing file gives a one-line reason instead.
 */
export function resolvePath(file: string): ResolvedPath | { reason: string; missing?: true } {
  try {
    const real = realpathSync.native(file);
    return { real, stats: statSync(real) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { reason: 'a symbolic link loop (not followed)' };
    if (code === 'ENOENT') {
      try {
        if (lstatSync(file).isSymbolicLink())
          return { reason: `a dangling symbolic link (to ${readlinkSync(file)})` };
      } catch {
        // a missing folder on the way: a missing file
      }
      return { reason: 'missing (no such file)', missing: true };
    }
    return { reason: `unreadable (${errnoReason(err)})` };
  }
}

/** True when `child` is strictly inside the folder `parent` (both absolute, no `..` left). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Why a resolved path is not a readable regular file, or null. */
export function notRegular(stats: Stats): string | null {
  return stats.isFile() ? null : `${fileKind(stats)}, not a regular file (not opened)`;
}
