/**
 * Resuming `lensfind inject` into its own folder: only the same configuration over the same listing of cutouts may
 * finish a dataset there. The configuration is compared as `simulate` compares its own; the listing through
 * `.shards/inject-plan.json`, the fingerprint of which input file each item is, with its split and label.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { SIDECAR_DIR } from '../sim/dataset/layout.js';
import { checkExistingConfig } from '../sim/dataset/writer.js';
import type { InjectConfig } from './config.js';

const PLAN_FILE = `${SIDECAR_DIR}/inject-plan.json`;

/** The plan's identity from its rows (id, input file, split, label per item). */
export function planFingerprint(rows: readonly (readonly unknown[])[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/** The configuration's keys that change written bytes (the previews and the worker count aside). */
function bytesDefining(c: InjectConfig): unknown {
  const { output, workers: _w, ...rest } = c;
  const { previews: _p, ...o } = output;
  return JSON.parse(JSON.stringify({ ...rest, output: o })) as unknown;
}

/** Refuses to finish another configuration's, or another listing's, dataset in `out`. */
export function checkResumable(out: string, resolved: InjectConfig, plan: string): void {
  checkExistingConfig(out, resolved, bytesDefining, 'injected');
  let recorded: string | undefined;
  try {
    recorded = (JSON.parse(readFileSync(path.join(out, PLAN_FILE), 'utf8')) as { plan?: string }).plan;
  } catch {
    recorded = undefined;
  }
  if (recorded !== undefined && recorded !== plan)
    throw new ConfigError(
      `${out} was made from other input cutouts (the listing, the usable files or their splits changed since); ` +
        'use another --out, or delete the folder to start again',
      'cutouts',
    );
}

/** Records the plan before any shard is written. */
export function recordPlan(out: string, plan: string): void {
  writeFileAtomic(path.join(out, PLAN_FILE), JSON.stringify({ plan }) + '\n');
}
