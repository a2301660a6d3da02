import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, renderVegaLite, type Chart, type ChartOptions } from './render.js';

/** One bin's value, e.g. from metrics.metricsByBin: { bin: '[0.5, 1)', value: row.tpr, count: row.count }. */
export interface BinValue {
  bin: string;
  value: number;
  /** Optional interval (e.g. bootstrap 95%) drawn as an error bar. */
  lower?: number;
  upper?: number;
  count?: number;
}

/**
 * A metric against bins of a metadata column (TPR against θ_E, AUC against arc SNR, FPR per negative kind),
 * bins in the given order; NaN values (bins without the needed class) are left out.
 */
export async function metricVsBin(
  rows: BinValue[],
  opts: ChartOptions & {
    metric?: string;
    /** The x axis title, with its unit: 'Einstein radius θ_E (arcsec)'. */
    xTitle?: string;
    yDomain?: [number, number];
    /** Categories (kinds of non-lens) are drawn as points only: a line between them would suggest an order. */
    categorical?: boolean;
    /** A line under the title, e.g. the threshold the rates are counted at. */
    subtitle?: string;
  } = {},
): Promise<Chart> {
  const values = rows
    .filter((r) => Number.isFinite(r.value))
    .map((r) => ({ ...r, label: r.count === undefined ? r.bin : `${r.bin} (n=${r.count})` }));
  const order = values.map((v) => v.label);
  const x = {
    field: 'label',
    type: 'ordinal',
    title: opts.xTitle ?? 'Bin',
    sort: order,
    axis: { labelAngle: 0 },
  };
  const metric = opts.metric ?? 'Metric';
  const y = {
    field: 'value',
    type: 'quantitative',
    title: metric,
    ...(opts.yDomain ? { scale: { domain: opts.yDomain } } : {}),
  };
  const layer: object[] = [
    ...(opts.categorical ? [] : [{ mark: 'line', encoding: { x, y } }]),
    { mark: { type: 'point', filled: true, size: 50 }, encoding: { x, y } },
  ];
  const withInterval = values.filter((v) => Number.isFinite(v.lower) && Number.isFinite(v.upper));
  if (withInterval.length) {
    layer.push({
      data: { values: withInterval },
      mark: { type: 'errorbar', ticks: { size: 12 } },
      encoding: { x, y: { field: 'lower', type: 'quantitative', title: metric }, y2: { field: 'upper' } },
    });
  }
  const frame = chartFrame(opts.title ?? `${metric} by ${opts.xTitle ?? 'bin'}`, opts);
  const spec = {
    ...frame,
    ...(opts.subtitle && frame.title ? { title: { text: frame.title, subtitle: opts.subtitle } } : {}),
    data: { values },
    layer,
  } as TopLevelSpec;
  return renderVegaLite(spec);
}
