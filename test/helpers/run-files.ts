import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TIMING_FIELDS } from '../../src/train/metrics.js';

/** A run's metrics.jsonl without the timing fields (they differ between otherwise identical runs). */
export function metricsWithoutTiming(runDir: string): Record<string, unknown>[] {
  return readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const m = JSON.parse(line) as Record<string, unknown>;
      for (const k of TIMING_FIELDS) delete m[k];
      return m;
    });
}
