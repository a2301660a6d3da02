import { describe } from '../data/source.js';
import type { SkippedItem } from '../data/types.js';
import { scoreBatches, type ScoreOptions, type ScoreSource } from '../infer/score-stream.js';
import type { LoadedRun } from '../infer/load-run.js';
import type { PartRecord, PartStore } from './parts.js';

export interface ScorePartsOptions extends Omit<ScoreOptions, 'onSkip'> {
  batchSize: number;
  onSkip?: (s: SkippedItem) => void;
  /** A part is scored: its record, in part order. */
  onPart: (rec: PartRecord) => void;
  /** Items of the current part done so far (progress). */
  onItems?: (count: number) => void;
}

/**
 * Scores the parts `todo` of the store in one stream of batches (one set of loaders and workers for all of
 * them). Parts are whole batches (the plan's part size is a multiple of the batch size), so no batch spans two
 * parts and every batch is the one an uninterrupted run scores. A part is handed to `onPart` once the stream is
 * past it, with the items it refused (and why) in index order. Returns the number of items scored.
 */
export async function scoreParts(
  runs: readonly LoadedRun[],
  input: ScoreSource,
  store: PartStore,
  todo: readonly number[],
  ensemble: boolean,
  opts: ScorePartsOptions,
): Promise<number> {
  if (todo.length === 0) return 0;
  const { partSize, fingerprint } = store.plan;
  const reasons = new Map<string, string>();
  const indices = todo.flatMap((p) => {
    const [start, end] = store.range(p);
    return Array.from({ length: end - start }, (_, k) => start + k);
  });
  let next = 0; // position in todo of the part being filled
  let rec: PartRecord | null = null;
  let scored = 0;
  const open = (p: number): PartRecord => {
    const [start, end] = store.range(p);
    return {
      fingerprint,
      part: p,
      start,
      count: end - start,
      indices: [],
      score: [],
      logit: [],
      members: [],
      rejected: [],
    };
  };
  const close = (r: PartRecord) => {
    const kept = new Set(r.indices);
    for (let i = r.start; i < r.start + r.count; i++) {
      if (kept.has(i)) continue;
      const source = describe(input.items[i].source);
      // An ensemble keeps only items every model's loader read: one read differently is dropped without a reason.
      r.rejected.push({ source, reason: reasons.get(source) ?? `${source}: not read alike by every model` });
    }
    opts.onPart(r);
  };
  /** Closes the parts before part `p` (those whose items were all refused included) and opens `p`. */
  const advance = (p: number): PartRecord => {
    if (rec?.part === p) return rec;
    if (rec) close(rec);
    while (next < todo.length && todo[next] !== p) close(open(todo[next++]));
    next++;
    return (rec = open(p));
  };
  for await (const b of scoreBatches(runs, input, indices, {
    ...opts,
    onSkip: (s) => {
      reasons.set(s.source, s.reason);
      opts.onSkip?.(s);
    },
  })) {
    const r = advance(Math.floor(b.indices[0] / partSize));
    r.indices.push(...b.indices);
    r.score.push(...b.score);
    r.logit.push(...b.logit);
    if (ensemble) b.probs.forEach((pr, j) => (r.members[j] ??= []).push(...pr));
    scored += b.indices.length;
    opts.onItems?.(r.indices.length);
  }
  if (rec) close(rec);
  while (next < todo.length) close(open(todo[next++]));
  return scored;
}
