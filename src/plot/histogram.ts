import type { TopLevelSpec } from 'vega-lite';
import { LensfindError } from '../errors.js';
import { chartFrame, renderVegaLite, type Chart, type ChartOptions } from './render.js';

/**
 * Score histograms of lenses and non-lenses, overlaid. Binning happens here (only counts go into the chart,
 * so a million scores make a small SVG). `range` defaults to [0, 1] (probabilities); `logCount` helps when
 * non-lenses outnumber lenses a thousand to one.
 */
export async function scoreHistogram(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  opts: ChartOptions & {
    bins?: number;
    range?: [number, number];
    logCount?: boolean;
    classNames?: [string, string];
    xTitle?: string;
  } = {},
): Promise<Chart> {
  if (labels.length !== scores.length) {
    throw new LensfindError(
      'E_PLOT_INPUT',
      `scoreHistogram: ${labels.length} labels but ${scores.length} scores; expected equal lengths`,
    );
  }
  const nBins = opts.bins ?? 30;
  const [lo, hi] = opts.range ?? [0, 1];
  const [neg, pos] = opts.classNames ?? ['non-lens', 'lens'];
  const counts = [new Array<number>(nBins).fill(0), new Array<number>(nBins).fill(0)];
  const width = (hi - lo) / nBins;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!(s >= lo && s <= hi)) continue;
    counts[labels[i] === 1 ? 1 : 0][Math.min(nBins - 1, Math.floor((s - lo) / width))]++;
  }
  const values = counts.flatMap((row, c) =>
    row
      .map((count, b) => ({
        class: c ? pos : neg,
        start: lo + b * width,
        end: lo + (b + 1) * width,
        count,
        base: opts.logCount ? 0.5 : 0, // a log axis has no zero: bars start at half a count
      }))
      .filter((v) => !opts.logCount || v.count > 0),
  );
  const spec = {
    ...chartFrame(opts.title ?? 'Score distribution', opts),
    data: { values },
    mark: { type: 'bar', opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: { field: 'start', type: 'quantitative', title: opts.xTitle ?? 'Score', scale: { domain: [lo, hi] } },
      x2: { field: 'end' },
      y: {
        field: 'count',
        type: 'quantitative',
        title: 'Count',
        stack: null,
        ...(opts.logCount ? { scale: { type: 'log', domainMin: 0.5 } } : {}),
      },
      y2: { field: 'base' },
      color: {
        field: 'class',
        type: 'nominal',
        title: null,
        scale: { domain: [neg, pos], range: ['#4c78a8', '#e45756'] },
      },
    },
  } as TopLevelSpec;
  return renderVegaLite(spec);
}
