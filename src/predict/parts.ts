import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { LensfindError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { makeDirs } from '../io/mkdirs.js';
import type { SkippedItem } from '../data/types.js';

/**
 * Scoring progress kept on disk, so that a killed `predict` loses at most one part and a re-run continues.
 * The input's items are cut into parts of `partSize` consecutive items; each part is scored as its own stream of
 * batches and written atomically as `part-000012.json` in `<catalogue>.parts/`. A part is trusted only when its
 * content checks out (it parses, carries the plan's fingerprint, covers exactly its items), never because it
 * exists. The same parts serve sharded scoring: `--shard i/N` scores the parts p with p % N == i - 1, and a
 * run without --shard merges what all shards wrote (scoring whatever is missing).
 */

/** One scored part: per item index its score, logit and per-model probabilities; the items it refused. */
export interface PartRecord {
  fingerprint: string;
  part: number;
  start: number;
  count: number;
  indices: number[];
  score: number[];
  logit: number[];
  /** [model][k] for ensembles, else empty. */
  members: number[][];
  rejected: SkippedItem[];
}

export interface PartPlan {
  fingerprint: string;
  /** Items in the input. */
  n: number;
  partSize: number;
  parts: number;
}

/** Items per part unless told: about 20 s of work on 2 cores, so a kill loses little and parts stay few. */
export const DEFAULT_PART_SIZE = 4096;

/** A digest of everything that fixes the scores' bytes: the models, the input listing and the options. */
export function fingerprint(parts: readonly unknown[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : JSON.stringify(p)).update('\0');
  return h.digest('hex');
}

/** `i/N` (1 <= i <= N) as the 0-based shard and the count. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) {
    throw new LensfindError('E_USAGE', `--shard ${text}: expected i/N with 1 <= i <= N, e.g. --shard 2/8`);
  }
  return { index: i - 1, count: n };
}

const partName = (p: number) => `part-${String(p).padStart(6, '0')}.json`;
const PLAN = 'plan.json';

/** The part files of one catalogue: where they are, which are complete, writing and clearing them. */
export class PartStore {
  private constructor(
    readonly dir: string,
    readonly plan: PartPlan,
  ) {}

  /**
   * Opens (or starts) the parts of `plan` in `dir`. Parts of another plan (other arguments, models or files) are
   * discarded, unless `keepForeign` (a shard must not delete what other shards may still be writing): then it is
   * an error.
   */
  static open(
    dir: string,
    plan: PartPlan,
    opts: { keepForeign?: boolean; onNote?: (m: string) => void } = {},
  ): PartStore {
    const planFile = path.join(dir, PLAN);
    if (existsSync(planFile)) {
      let old: Partial<PartPlan> = {};
      try {
        old = JSON.parse(readFileSync(planFile, 'utf8')) as PartPlan;
      } catch {
        // an unreadable plan is another plan
      }
      if (old.fingerprint !== plan.fingerprint) {
        if (opts.keepForeign) {
          throw new LensfindError(
            'E_PARTS',
            `${dir}: holds parts of a predict with other arguments, models or input files; ` +
              'give the same arguments as the other shards, or another --out',
          );
        }
        opts.onNote?.(`${dir}: parts of a predict with other arguments, models or files: starting again`);
        rmSync(dir, { recursive: true, force: true });
      }
    }
    makeDirs(dir);
    if (!existsSync(planFile)) writeFileAtomic(planFile, JSON.stringify(plan) + '\n');
    return new PartStore(dir, plan);
  }

  /** The items [start, end) of part p. */
  range(p: number): [number, number] {
    const start = p * this.plan.partSize;
    return [start, Math.min(this.plan.n, start + this.plan.partSize)];
  }

  /** Part p as written, when its content checks out; else null (it is then scored again). */
  read(p: number): PartRecord | null {
    const file = path.join(this.dir, partName(p));
    if (!existsSync(file)) return null;
    let rec: PartRecord;
    try {
      rec = JSON.parse(readFileSync(file, 'utf8')) as PartRecord;
    } catch {
      return null;
    }
    const [start, end] = this.range(p);
    const k = rec.indices?.length;
    const ok =
      rec.fingerprint === this.plan.fingerprint &&
      rec.part === p &&
      rec.start === start &&
      rec.count === end - start &&
      Array.isArray(rec.indices) &&
      rec.score?.length === k &&
      rec.logit?.length === k &&
      Array.isArray(rec.members) &&
      rec.members.every((m) => m.length === k) &&
      Array.isArray(rec.rejected) &&
      k + rec.rejected.length <= rec.count &&
      rec.indices.every(
        (i, j) => Number.isInteger(i) && i >= start && i < end && (j === 0 || i > rec.indices[j - 1]),
      );
    return ok ? rec : null;
  }

  write(rec: PartRecord): void {
    writeFileAtomic(path.join(this.dir, partName(rec.part)), JSON.stringify(rec));
  }

  /** Removes the parts (and temporaries of writes a kill interrupted) once the catalogue is written. */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
