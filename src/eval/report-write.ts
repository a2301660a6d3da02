import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../io/atomic.js';
import { writeCsv, type CsvRow } from '../io/csv.js';
import {
  bandColourNote,
  colourComposite,
  confusionPlot,
  gallery,
  historyPlot,
  metricVsBin,
  parseMetricsJsonl,
  prPlot,
  reliabilityPlot,
  rocPlot,
  saveChart,
  scoreHistogram,
  type Chart,
  type GalleryItem,
} from '../plot/index.js';
import type { BinMetrics } from './by-bin.js';
import { confusion } from './confusion.js';
import { precisionRecallCurve, rocCurve } from '../metrics/curves.js';
import { reliabilityCurve } from './probability.js';
import { snakeCaseKeys } from '../io/snake-keys.js';
import { binnedMetrics, CATEGORY_COLUMNS, COLUMN_TITLES, LENS_COLUMNS } from './report-bins.js';
import { summarize, type EvaluationSummary } from './summary.js';
import { claimOutputDir } from '../io/output-dir.js';

/** One scored evaluation set: what evaluate and ensemble hand to the report writer. */
export interface EvaluationData {
  ids: string[];
  labels: number[];
  /** Lens probabilities (calibrated, combined for ensembles). */
  score: number[];
  /** Raw logit for one model (score = sigmoid(logit / T)); logit(score) for an ensemble. */
  logit: number[];
  /** Per-item metadata columns (theta_E, negative_kind, ...). */
  meta: Record<string, string | number>[];
  /** Ensembles: each model's calibrated probabilities, written as score_<name> columns. */
  models?: { name: string; probs: number[] }[];
  /** Raw pixels of item k (for the galleries), with their shape. */
  image?: (k: number) => Promise<Float32Array>;
  shape?: [number, number, number];
  /** Band names, blue to red (the galleries' colour note); band numbers when absent. */
  bands?: string[];
  /** Arcsec per pixel (the galleries' scale bar); no bar when absent. */
  pixelScale?: number;
}

export interface ReportOptions {
  /** A run's metrics.jsonl for the history plot. */
  history?: string;
  /** Written to config.yaml: what was evaluated and how. */
  config: Record<string, unknown>;
  bootstrap?: number;
  seed?: number;
  prevalence?: number;
  threshold?: number;
  /** Tiles per gallery (default 12). */
  galleryCount?: number;
  /** Skip charts and galleries (metrics and predictions only). */
  plots?: boolean;
  /** Told what is being done (the bootstrap of a large set takes a while). */
  onStage?: (message: string) => void;
}

export interface EvaluationReport {
  outDir: string;
  summary: EvaluationSummary;
  byBin: Record<string, BinMetrics[]>;
  models: { name: string; rocAuc: number | null; averagePrecision: number | null }[];
  files: string[];
}

/** JSON without NaN/Infinity: such values become null. */
export function jsonSafe(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    1,
  );
}

/**
 * Writes an evaluation folder: metrics.json (summary with bootstrap intervals, per-bin metrics, per-model
 * metrics for ensembles), predictions.csv, config.yaml, and unless `plots` is false the charts as PNG and SVG
 * (roc, roc_logfpr, pr, confusion, reliability, score_histogram, metric_vs_<column>, history) and galleries
 * (errors.png: top false positives then top false negatives; false_positives.png, false_negatives.png,
 * candidates.png).
 */
export async function writeEvaluation(
  outDir: string,
  data: EvaluationData,
  opts: ReportOptions,
): Promise<EvaluationReport> {
  claimOutputDir(outDir, 'evaluation');
  const { labels, score } = data;
  const threshold = opts.threshold ?? 0.5;
  const nBoot = opts.bootstrap ?? 1000;
  opts.onStage?.(`metrics of ${labels.length} images${nBoot ? ` with ${nBoot} bootstrap resamples` : ''}`);
  const summary = summarize(labels, score, {
    bootstrap: nBoot,
    seed: opts.seed ?? 0,
    prevalence: opts.prevalence ?? 1 / 1000,
  });
  const byBin = binnedMetrics(labels, score, data.meta, threshold, nBoot);
  const models = (data.models ?? []).map((m) => {
    const s = summarize(labels, m.probs, { bootstrap: 0 });
    return { name: m.name, rocAuc: s.rocAuc, averagePrecision: s.averagePrecision };
  });
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeFileAtomic(path.join(outDir, name), text);
    files.push(name);
  };
  put(
    'metrics.json',
    // snake_case keys like metrics.jsonl's; the column names under by_bin are data and stay as they are.
    jsonSafe(
      snakeCaseKeys({ ...summary, threshold, byBin, ...(models.length ? { models } : {}) }, ['byBin']),
    ) + '\n',
  );
  put('config.yaml', stringify(opts.config));

  const metaCols = [...new Set(data.meta.flatMap((m) => Object.keys(m)))].filter(
    (c) => !['id', 'label', 'score', 'logit', 'split', 'path'].includes(c),
  );
  const modelCols = (data.models ?? []).map((m) => `score_${m.name}`);
  const rows: CsvRow[] = data.ids.map((id, k) => {
    const row: CsvRow = { id, label: labels[k], score: score[k], logit: data.logit[k] };
    (data.models ?? []).forEach((m, j) => (row[modelCols[j]] = m.probs[k]));
    for (const c of metaCols) row[c] = data.meta[k][c];
    return row;
  });
  writeCsv(path.join(outDir, 'predictions.csv'), rows, [
    'id',
    'label',
    'score',
    'logit',
    ...modelCols,
    ...metaCols,
  ]);
  files.push('predictions.csv');

  if (opts.plots !== false) opts.onStage?.('plots and galleries');
  if (opts.plots !== false) files.push(...(await writeCharts(outDir, data, summary, byBin, threshold, opts)));
  return { outDir, summary, byBin, models, files };
}

async function writeCharts(
  outDir: string,
  data: EvaluationData,
  summary: EvaluationSummary,
  byBin: Record<string, BinMetrics[]>,
  threshold: number,
  opts: ReportOptions,
): Promise<string[]> {
  const { labels, score } = data;
  const files: string[] = [];
  const save = async (chart: Chart, name: string) => {
    await saveChart(chart, path.join(outDir, name));
    files.push(`${name}.png`, `${name}.svg`);
  };
  const both = summary.positives > 0 && summary.negatives > 0;
  if (both) {
    const roc = rocCurve(labels, score);
    const series = { name: 'model', fpr: roc.fpr, tpr: roc.tpr, auc: summary.rocAuc ?? undefined };
    const list = [
      series,
      ...(data.models ?? []).map((m) => ({ name: m.name, ...pick(rocCurve(labels, m.probs)) })),
    ];
    await save(await rocPlot(list, { title: 'ROC' }), 'roc');
    await save(await rocPlot(list, { title: 'ROC (log FPR)', logFpr: true }), 'roc_logfpr');
    const pr = precisionRecallCurve(labels, score);
    await save(
      await prPlot(
        { name: 'model', ...pr, ap: summary.averagePrecision ?? undefined },
        { title: 'Precision-recall' },
      ),
      'pr',
    );
  }
  await save(await confusionPlot(confusion(labels, score, threshold), { threshold }), 'confusion');
  const rel = reliabilityCurve(labels, score).filter((b) => b.count > 0);
  await save(await reliabilityPlot(rel, { ece: summary.ece }), 'reliability');
  await save(await scoreHistogram(labels, score, { logCount: true }), 'score_histogram');
  for (const [col, bins] of Object.entries(byBin)) {
    const rows = bins.map((b) => {
      const fpr = col === 'negative_kind' && b.bin !== 'none';
      const ci = fpr ? b.fprInterval : b.tprInterval;
      return { bin: b.bin, value: fpr ? b.fpr : b.tpr, count: b.count, lower: ci?.[0], upper: ci?.[1] };
    });
    const metric = col === 'negative_kind' ? 'TPR (none) / FPR (kinds)' : 'TPR (completeness)';
    const categorical = CATEGORY_COLUMNS.includes(col);
    const chart = await metricVsBin(rows, {
      metric,
      xTitle: COLUMN_TITLES[col] ?? col,
      yDomain: [0, 1],
      categorical,
      title: `${metric} vs ${col}`,
      subtitle:
        `lens if probability ≥ ${threshold}` +
        ((opts.bootstrap ?? 1000) > 0 ? '; bars: bootstrap 95% intervals' : '') +
        (LENS_COLUMNS.includes(col) ? '; lenses only' : ''),
      width: Math.max(360, 110 * rows.length), // room for the bin labels
    });
    await save(chart, `metric_vs_${col}`);
  }
  if (opts.history && existsSync(opts.history)) {
    const lines = parseMetricsJsonl(readFileSync(opts.history, 'utf8'), opts.history);
    if (lines.length > 0) await save(await historyPlot(lines, { title: 'Training history' }), 'history');
  }
  if (data.image && data.shape) files.push(...(await writeGalleries(outDir, data, opts.galleryCount ?? 12)));
  return files;
}

const pick = (c: { fpr: number[]; tpr: number[] }) => ({ fpr: c.fpr, tpr: c.tpr });

/** Positions of the top `n` by key, descending. */
function topBy(positions: number[], key: (k: number) => number, n: number): number[] {
  return positions.sort((a, b) => key(b) - key(a)).slice(0, n);
}

/** The last path segment of an id, at most 8 characters, so a caption fits under a 128-pixel tile. */
const shortId = (id: string) => (id.split('/').pop() ?? id).slice(-8);

async function writeGalleries(outDir: string, data: EvaluationData, n: number): Promise<string[]> {
  const all = data.ids.map((_, k) => k);
  const fps = topBy(
    all.filter((k) => data.labels[k] === 0),
    (k) => data.score[k],
    n,
  );
  const fns = topBy(
    all.filter((k) => data.labels[k] === 1),
    (k) => -data.score[k],
    n,
  );
  const top = topBy(all.slice(), (k) => data.score[k], n);
  const tile = async (k: number, tag: string): Promise<GalleryItem> => ({
    image: colourComposite(await data.image!(k), data.shape!),
    caption: `${tag}${data.score[k].toFixed(3)} ${shortId(data.ids[k])}`,
  });
  const tiles = (ks: number[], tag: string) => Promise.all(ks.map((k) => tile(k, tag)));
  const files: string[] = [];
  const write = async (name: string, items: GalleryItem[], title: string) => {
    if (items.length === 0) return;
    const note = `${bandColourNote(data.shape![0], data.bands)} (asinh stretch, Lupton et al. 2004)`;
    const style = { title, note, pixelScale: data.pixelScale, cols: 6, tile: 128 };
    writeFileAtomic(path.join(outDir, name), await gallery(items, style));
    files.push(name);
  };
  const fpTiles = await tiles(fps, 'FP ');
  const fnTiles = await tiles(fns, 'FN ');
  await write('errors.png', [...fpTiles, ...fnTiles], 'Top false positives (FP) and false negatives (FN)');
  await write('false_positives.png', fpTiles, 'Highest-scored non-lenses');
  await write('false_negatives.png', fnTiles, 'Lowest-scored lenses');
  await write('candidates.png', await tiles(top, ''), 'Top candidates');
  return files;
}

/** A compact table of the headline metrics for the console. */
export function formatSummaryTable(s: EvaluationSummary, extra: [string, string][] = []): string {
  const f = (x: number | null | undefined, d = 4) => (x === null || x === undefined ? '-' : x.toFixed(d));
  const ci = (name: string) => {
    const i = s.intervals[name];
    return i ? ` [${f(i.lower, 3)}, ${f(i.upper, 3)}]` : '';
  };
  const rows: [string, string][] = [
    ['images', `${s.n} (${s.positives} lenses, ${s.negatives} non-lenses)`],
    ['ROC AUC', f(s.rocAuc) + ci('rocAuc')],
    ['average precision', f(s.averagePrecision) + ci('averagePrecision')],
    ...Object.entries(s.tprAtFpr).map(([k, v]): [string, string] => [
      `TPR @ FPR ${k}`,
      f(v) + ci(`tprAtFpr@${k}`),
    ]),
    ['TPR0 / TPR10', `${f(s.tpr0)} / ${f(s.tpr10)}`],
    ['Brier / log loss / ECE', `${f(s.brier)} / ${f(s.logLoss)} / ${f(s.ece)}`],
    [
      `purity @ prevalence ${s.prevalence}`,
      s.thresholds ? `${f(s.thresholds.expectedPurity.half)} (threshold 0.5)` : '-',
    ],
    ...extra,
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
