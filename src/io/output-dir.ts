import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OutputError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { errnoReason, makeDirs } from './mkdirs.js';

/** The folders lensfind writes and owns. */
export type FolderKind = 'dataset' | 'run' | 'evaluation';

/** The marker file that says a folder is lensfind's, and of which kind. */
export const MARKER_FILE = '.lensfind.json';
const MARKER_VERSION = 1;
const PROBE = '.lensfind-probe-';

/**
 * What earlier lensfind versions wrote before there was a marker: any one list of entries identifies the kind.
 * Such folders are still accepted (and get the marker).
 */
const LEGACY_LAYOUTS: Record<FolderKind, string[][]> = {
  dataset: [
    ['config.yaml', 'manifest.csv', 'images'],
    ['config.yaml', '.shards'],
  ],
  run: [
    ['config.yaml', 'checkpoints'],
    ['config.yaml', 'train.log'],
  ],
  // metrics.json and config.yaml come first: an evaluation killed before predictions.csv is still one.
  evaluation: [
    ['metrics.json', 'predictions.csv'],
    ['metrics.json', 'config.yaml'],
  ],
};

/**
 * Checks that `dir` can hold new files before any work starts: creates it (and its parents) and writes and
 * removes a probe file. A folder that cannot be made or written is an OutputError naming it, in one line.
 */
export function ensureWritableDir(dir: string): void {
  makeDirs(dir);
  const probe = path.join(dir, `${PROBE}${process.pid}`);
  try {
    writeFileSync(probe, '');
  } catch (err) {
    throw new OutputError(`${dir}: cannot write into this folder: ${errnoReason(err)}`, dir);
  }
  rmSync(probe, { force: true });
}

/** Checks that the file `file` can be written (its folder is writable and it is not itself a folder). */
export function ensureWritableFile(file: string): void {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new OutputError(`${file}: is a folder; expected a file name`, file);
  }
  ensureWritableDir(path.dirname(path.resolve(file)));
}

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

/** The kind a marker names, or why it is unreadable. */
function readMarker(dir: string): FolderKind | { unreadable: string } {
  const file = path.join(dir, MARKER_FILE);
  try {
    const kind = (JSON.parse(readFileSync(file, 'utf8')) as { kind?: unknown }).kind;
    if (kind === 'dataset' || kind === 'run' || kind === 'evaluation') return kind;
    return { unreadable: `unknown kind ${JSON.stringify(kind)}` };
  } catch (err) {
    return { unreadable: (err as Error).message };
  }
}

/** The kind of a lensfind folder (from its marker, else its layout), 'empty', or 'foreign'. */
export function folderKind(dir: string): FolderKind | 'empty' | 'foreign' {
  if (!existsSync(dir)) return 'empty';
  const entries = readdirSync(dir).filter((e) => !e.startsWith(PROBE));
  if (entries.length === 0) return 'empty';
  if (entries.includes(MARKER_FILE)) {
    const kind = readMarker(dir);
    return typeof kind === 'string' ? kind : 'foreign';
  }
  const have = new Set(entries);
  for (const [kind, layouts] of Object.entries(LEGACY_LAYOUTS)) {
    if (layouts.some((names) => names.every((n) => have.has(n)))) return kind as FolderKind;
  }
  return 'foreign';
}

/** Writes the marker of a `kind` folder (atomic; no date in it: a dataset's bytes depend only on its config). */
export function writeMarker(dir: string, kind: FolderKind): void {
  writeFileAtomic(path.join(dir, MARKER_FILE), JSON.stringify({ kind, version: MARKER_VERSION }) + '\n');
}

/**
 * Claims the output folder of a command before any work starts. Accepted: a new or empty folder, a folder of the
 * same kind (its marker, or an earlier version's layout, which then gets the marker). Refused with one line: a
 * folder of another kind (an evaluation into a dataset), a non-empty folder lensfind did not write, a path that
 * cannot be created or written. With `check`, nothing is created or written (a dry run).
 */
export function claimOutputDir(dir: string, kind: FolderKind, opts: { check?: boolean } = {}): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new OutputError(`${dir}: is a file; expected a folder for the ${kind}`, dir);
  }
  const found = folderKind(dir);
  if (found !== 'empty' && found !== kind) {
    const what =
      found === 'foreign'
        ? `is not empty and is not a lensfind ${kind} folder (no ${MARKER_FILE})`
        : `is a lensfind ${found} folder, not ${article(kind)} ${kind} folder`;
    throw new OutputError(
      `${dir}: ${what}; nothing was written: choose a new or empty folder`,
      dir,
      'E_FOREIGN_FOLDER',
    );
  }
  if (opts.check) return;
  ensureWritableDir(dir);
  if (!existsSync(path.join(dir, MARKER_FILE))) writeMarker(dir, kind);
}
