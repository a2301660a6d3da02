import path from 'node:path';
import { isInside, notRegular, resolvePath } from '../io/inspect-path.js';
import type { ItemSource, SkippedItem } from './types.js';

/**
 * The one check every reader applies to image paths it takes from a file (a manifest, a labels CSV) or a folder
 * listing: the path must stay inside the dataset folder (or the user's explicit `data.root`), also after its
 * symbolic links are resolved, and name a regular file. Anything else (`../../outside.npy`, `/etc/passwd`, a link
 * out of the folder, a loop, a dangling link, a FIFO, a device) is never opened: it is recorded in `skipped`
 * with the path and the reason, and the reader goes on, as for any bad cutout.
 */
export class PathGuard {
  readonly skipped: SkippedItem[] = [];
  private readonly lexical: string[];
  private readonly real: string[];
  /** Verdicts per file (a shard is named by thousands of rows): null when readable. */
  private readonly verdicts = new Map<string, string | null>();

  constructor(
    readonly folder: string,
    readonly dataRoot?: string,
  ) {
    const roots = [folder, ...(dataRoot ? [dataRoot] : [])].map((r) => path.resolve(r));
    this.lexical = roots;
    this.real = roots.map((r) => {
      const res = resolvePath(r);
      return 'real' in res ? res.real : r;
    });
  }

  private allowed(): string {
    return this.dataRoot
      ? `the dataset folder ${this.lexical[0]} or data.root ${this.lexical[1]}`
      : `the dataset folder ${this.lexical[0]} (set data.root to allow another folder)`;
  }

  /** Why the absolute path `file` must not be read, or null when it is a regular file inside the roots. */
  check(file: string): string | null {
    let verdict = this.verdicts.get(file);
    if (verdict !== undefined) return verdict;
    verdict = null;
    // Lexically outside: refused without touching the file at all.
    if (!this.lexical.some((r) => isInside(file, r))) verdict = `outside ${this.allowed()}`;
    else {
      const res = resolvePath(file);
      // A missing file is left to the reader, which reports it when it fails to open it (nothing is opened).
      if ('reason' in res) verdict = res.missing ? null : res.reason;
      else if (!this.real.some((r) => isInside(res.real, r)))
        verdict = `a symbolic link to ${res.real}, outside ${this.allowed()}`;
      else verdict = notRegular(res.stats);
    }
    this.verdicts.set(file, verdict);
    return verdict;
  }

  /**
   * The source of a path as written in `where` (`manifest.csv: line 7`; none for a folder listing), resolved
   * against the dataset folder; or undefined, with the row recorded in `skipped`, when it must not be read.
   */
  source(written: string, where?: string, extra: Omit<ItemSource, 'file'> = {}): ItemSource | undefined {
    const file = path.resolve(this.folder, written);
    const reason = this.check(file);
    const src: ItemSource = { file, ...extra };
    if (reason === null) return src;
    const at = src.index !== undefined ? `#${src.index}` : '';
    this.skipped.push({
      source: `${file}${at}`,
      reason: where ? `${where}: '${written}' is ${reason}` : `${file}: ${reason}`,
    });
    return undefined;
  }
}
