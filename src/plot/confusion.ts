import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLite, titled, type Chart, type ChartOptions } from './render.js';

export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** A 2×2 confusion matrix: true class down, predicted class across, counts and row fractions in cells. */
export async function confusionPlot(
  counts: ConfusionCounts,
  opts: ChartOptions & { classNames?: [string, string]; threshold?: number } = {},
): Promise<Chart> {
  const [neg, pos] = opts.classNames ?? ['non-lens', 'lens'];
  const cells = [
    { truth: neg, predicted: neg, count: counts.tn, row: counts.tn + counts.fp },
    { truth: neg, predicted: pos, count: counts.fp, row: counts.tn + counts.fp },
    { truth: pos, predicted: neg, count: counts.fn, row: counts.tp + counts.fn },
    { truth: pos, predicted: pos, count: counts.tp, row: counts.tp + counts.fn },
  ].map((c) => ({
    ...c,
    fraction: c.row ? c.count / c.row : 0,
    text: `${c.count} (${c.row ? ((100 * c.count) / c.row).toFixed(1) : '0.0'}%)`,
  }));
  const title =
    opts.title ??
    (opts.threshold === undefined ? 'Confusion matrix' : `Confusion matrix (threshold ${opts.threshold})`);
  const axis = (field: string, label: string) => ({
    field,
    type: 'nominal',
    title: label,
    sort: [neg, pos],
    axis: { labelAngle: 0 },
  });
  const spec = {
    ...titled(title),
    width: opts.width ?? 260,
    height: opts.height ?? 260,
    data: { values: cells },
    encoding: { x: axis('predicted', 'Predicted class'), y: axis('truth', 'True class') },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'fraction',
            type: 'quantitative',
            title: 'Row fraction',
            scale: { domain: [0, 1], scheme: 'blues' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 14 },
        encoding: {
          text: { field: 'text', type: 'nominal' },
          color: { condition: { test: 'datum.fraction > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
  } as TopLevelSpec;
  return renderVegaLite(spec);
}
