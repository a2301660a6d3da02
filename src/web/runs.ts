import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { HttpError } from './http.js';
import type { EvalHeadline, RunInfo } from './api-types.js';

export type { EvalHeadline, RunInfo };

const IMAGE = /\.(png|svg)$/i;

function readJsonFile(file: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** metrics.jsonl as objects; a line cut short by a writer (never with atomic writes, but cheap to allow) is dropped. */
export function readMetricsLines(runDir: string): Record<string, number>[] {
  let text: string;
  try {
    text = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const out: Record<string, number>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Record<string, number>);
    } catch {
      /* a partial last line */
    }
  }
  return out;
}

function evalHeadline(dir: string, dataset: string): EvalHeadline | null {
  const m = readJsonFile(path.join(dir, 'metrics.json'));
  if (!m) return null;
  const purity = (m.thresholds as { expectedPurity?: Record<string, unknown> } | null)?.expectedPurity?.atFpr;
  return {
    dataset,
    n: numOrNull(m.n),
    rocAuc: numOrNull(m.rocAuc),
    tpr0: numOrNull(m.tpr0),
    tpr10: numOrNull(m.tpr10),
    purity: numOrNull(purity),
    prevalence: numOrNull(m.prevalence),
    images: readdirSync(dir)
      .filter((f) => IMAGE.test(f))
      .sort(),
  };
}

/** A run folder's headline: status, epochs, last metrics, evaluations. */
export function runInfo(root: string, name: string): RunInfo {
  const dir = path.join(root, name);
  const lines = readMetricsLines(dir);
  const summary = readJsonFile(path.join(dir, 'summary.json'));
  const evalRoot = path.join(dir, 'eval');
  const evals = existsSync(evalRoot)
    ? readdirSync(evalRoot, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => evalHeadline(path.join(evalRoot, d.name), d.name))
        .filter((e): e is EvalHeadline => e !== null)
        .sort((a, b) => a.dataset.localeCompare(b.dataset))
    : [];
  const status = existsSync(path.join(dir, 'train.lock'))
    ? 'training'
    : typeof summary?.status === 'string'
      ? summary.status
      : null;
  return {
    name,
    status,
    epochs: lines.length,
    last: lines.at(-1) ?? null,
    evals,
    images: readdirSync(dir)
      .filter((f) => IMAGE.test(f))
      .sort(),
  };
}

/** The run folders under `root`: folders holding a config.yaml or a metrics.jsonl, newest first. */
export function listRuns(root: string): RunInfo[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .filter((d) => ['config.yaml', 'metrics.jsonl'].some((f) => existsSync(path.join(root, d.name, f))))
    .map((d) => ({ name: d.name, mtime: statSync(path.join(root, d.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name))
    .map((d) => runInfo(root, d.name));
}

/** The folder of the run called `name` under `root`; a name that is not one of its runs is a 404. */
export function runFolder(root: string, name: string): string {
  const dir = path.join(root, name);
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    /[/\\\0]/.test(name) ||
    !['config.yaml', 'metrics.jsonl'].some((f) => existsSync(path.join(dir, f)))
  ) {
    throw new HttpError(404, `unknown run '${name}' (no such run folder in ${root})`, 'E_NOT_FOUND');
  }
  return dir;
}
