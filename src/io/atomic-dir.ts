import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { makeDirs } from './mkdirs.js';

/**
 * Replaces the folder `target` atomically enough for checkpoints: `fill` writes into a fresh temporary folder
 * beside it, which then takes the target's place by rename. The previous folder is moved aside first and removed
 * last, so a run killed at any moment leaves either the old or the new folder (`recoverDir` puts back the old
 * one if the kill fell between the two renames).
 */
export function writeDirAtomic(target: string, fill: (tmpDir: string) => void): void {
  const parent = path.dirname(target);
  makeDirs(parent);
  const base = path.basename(target);
  const tmp = path.join(parent, `.${base}.${process.pid}.tmp`);
  const old = path.join(parent, `.${base}.old`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    fill(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  rmSync(old, { recursive: true, force: true });
  if (existsSync(target)) renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
}

/** Restores `target` from its moved-aside copy when a kill fell between the two renames of `writeDirAtomic`. */
export function recoverDir(target: string): void {
  const old = path.join(path.dirname(target), `.${path.basename(target)}.old`);
  if (!existsSync(target) && existsSync(old)) renameSync(old, target);
}
