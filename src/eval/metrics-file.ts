// Reading an evaluation's metrics.json back (to compare runs, re-plot, or from a notebook's JavaScript side).
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { camelCaseKeys } from '../io/snake-keys.js';
import type { BinMetrics } from './by-bin.js';
import type { EvaluationSummary } from './summary.js';

/** metrics.json as the library's objects spell it (camelCase), with the per-bin metrics and the threshold used. */
export type EvaluationMetricsFile = EvaluationSummary & {
  threshold: number;
  byBin: Record<string, BinMetrics[]>;
  models?: { name: string; rocAuc: number | null; averagePrecision: number | null }[];
};

/**
 * Reads `<eval>/metrics.json`: the snake_case keys written now (roc_auc, by_bin) and the camelCase ones of files
 * written before (rocAuc, byBin) give the same object.
 */
export function readEvaluationMetrics(file: string): EvaluationMetricsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DataError(`${file}: not a readable metrics.json: ${(err as Error).message}`, file);
  }
  const m = camelCaseKeys(raw, ['by_bin', 'byBin']) as Partial<EvaluationMetricsFile> | null;
  if (!m || typeof m !== 'object' || typeof m.n !== 'number' || !('rocAuc' in m)) {
    throw new DataError(
      `${file}: not an evaluation's metrics.json (expected the fields n and roc_auc)`,
      file,
    );
  }
  return { byBin: {}, ...m } as EvaluationMetricsFile;
}
