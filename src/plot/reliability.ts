import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, renderVegaLite, type Chart, type ChartOptions } from './render.js';

/** One bin of a reliability curve (metrics.reliabilityCurve gives these). */
export interface ReliabilityPoint {
  count: number;
  meanPredicted: number;
  fractionPositive: number;
}

/**
 * Reliability diagram: observed lens fraction against mean predicted probability per bin (empty bins left
 * out), the diagonal of perfect calibration, and point size by count. Several curves compare e.g. before
 * and after temperature scaling.
 */
export async function reliabilityPlot(
  series: ReliabilityPoint[] | { name: string; bins: ReliabilityPoint[] }[],
  opts: ChartOptions & { ece?: number } = {},
): Promise<Chart> {
  const named =
    series.length > 0 && 'bins' in series[0]
      ? (series as { name: string; bins: ReliabilityPoint[] }[])
      : [{ name: 'model', bins: series as ReliabilityPoint[] }];
  const values = named.flatMap((s) =>
    s.bins
      .filter((b) => b.count > 0)
      .map((b) => ({
        model: s.name,
        predicted: b.meanPredicted,
        observed: b.fractionPositive,
        count: b.count,
      })),
  );
  const x = {
    field: 'predicted',
    type: 'quantitative',
    title: 'Mean predicted probability',
    scale: { domain: [0, 1] },
  };
  const y = {
    field: 'observed',
    type: 'quantitative',
    title: 'Fraction of lenses',
    scale: { domain: [0, 1] },
  };
  const color = { field: 'model', type: 'nominal', title: null, legend: named.length > 1 ? {} : null };
  const title =
    opts.title ?? (opts.ece === undefined ? 'Reliability' : `Reliability (ECE ${opts.ece.toFixed(4)})`);
  const spec = {
    ...chartFrame(title, opts),
    layer: [
      {
        data: {
          values: [
            { predicted: 0, observed: 0 },
            { predicted: 1, observed: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x, y },
      },
      { data: { values }, mark: 'line', encoding: { x, y, color } },
      {
        data: { values },
        mark: { type: 'point', filled: true },
        encoding: {
          x,
          y,
          color,
          size: { field: 'count', type: 'quantitative', title: 'Count', scale: { type: 'sqrt' } },
        },
      },
    ],
  } as TopLevelSpec;
  return renderVegaLite(spec);
}
