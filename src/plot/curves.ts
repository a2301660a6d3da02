import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, renderVegaLite, type Chart, type ChartOptions } from './render.js';

/** One ROC curve (e.g. from metrics.rocCurve) with a legend name and optional AUC for the legend. */
export interface RocSeries {
  name?: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auc?: number;
}

export interface PrSeries {
  name?: string;
  precision: ArrayLike<number>;
  recall: ArrayLike<number>;
  ap?: number;
}

const legendName = (name: string | undefined, i: number, key: string, value?: number): string =>
  `${name ?? `model ${i + 1}`}${value === undefined ? '' : ` (${key} ${value.toFixed(4)})`}`;

/**
 * ROC curves, one colour per series. With `logFpr` the FPR axis is logarithmic (where lens searches
 * operate: FPR 1e-4 to 1e-2); points with FPR = 0 are drawn on the axis' left edge.
 */
export async function rocPlot(
  series: RocSeries | RocSeries[],
  opts: ChartOptions & { logFpr?: boolean } = {},
): Promise<Chart> {
  const list = Array.isArray(series) ? series : [series];
  const positive = list.flatMap((s) => Array.from(s.fpr).filter((f) => f > 0));
  // On a log axis FPR = 0 cannot be drawn: those points sit on the axis' left edge (TPR0 stays visible).
  const minFpr = opts.logFpr ? Math.min(1e-4, ...positive) : 0;
  const values: { model: string; fpr: number; tpr: number; order: number }[] = [];
  list.forEach((s, i) => {
    const model = legendName(s.name, i, 'AUC', s.auc);
    for (let k = 0; k < s.fpr.length; k++) {
      values.push({
        model,
        fpr: opts.logFpr ? Math.max(s.fpr[k], minFpr) : s.fpr[k],
        tpr: s.tpr[k],
        order: k,
      });
    }
  });
  const x = {
    field: 'fpr',
    type: 'quantitative',
    title: opts.logFpr ? 'False positive rate (log)' : 'False positive rate',
    scale: opts.logFpr ? { type: 'log', domain: [minFpr, 1] } : { domain: [0, 1] },
  };
  const y = { field: 'tpr', type: 'quantitative', title: 'True positive rate', scale: { domain: [0, 1] } };
  // TPR = FPR, sampled densely so it is drawn as the curve it is on a log axis.
  const chancePoints = opts.logFpr ? Array.from({ length: 61 }, (_, k) => minFpr ** (1 - k / 60)) : [0, 1];
  const chance = { values: chancePoints.map((f) => ({ fpr: f, tpr: f })) };
  const spec = {
    ...chartFrame(opts.title ?? 'ROC', opts),
    layer: [
      {
        data: chance,
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x, y },
      },
      {
        data: { values },
        mark: { type: 'line', clip: true },
        encoding: {
          x,
          y,
          order: { field: 'order' },
          color: { field: 'model', type: 'nominal', title: null },
        },
      },
    ],
  } as TopLevelSpec;
  return renderVegaLite(spec);
}

/** Precision-recall curves (precision = purity, recall = completeness) as step lines. */
export async function prPlot(series: PrSeries | PrSeries[], opts: ChartOptions = {}): Promise<Chart> {
  const list = Array.isArray(series) ? series : [series];
  const values: { model: string; precision: number; recall: number; order: number }[] = [];
  list.forEach((s, i) => {
    const model = legendName(s.name, i, 'AP', s.ap);
    for (let k = 0; k < s.recall.length; k++) {
      values.push({ model, precision: s.precision[k], recall: s.recall[k], order: k });
    }
  });
  const spec = {
    ...chartFrame(opts.title ?? 'Precision-recall', opts),
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' }, // as sklearn's PrecisionRecallDisplay
    encoding: {
      x: { field: 'recall', type: 'quantitative', title: 'Recall (completeness)', scale: { domain: [0, 1] } },
      y: { field: 'precision', type: 'quantitative', title: 'Precision (purity)', scale: { domain: [0, 1] } },
      order: { field: 'order' },
      color: { field: 'model', type: 'nominal', title: null },
    },
  } as TopLevelSpec;
  return renderVegaLite(spec);
}
