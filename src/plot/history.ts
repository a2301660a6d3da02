import type { TopLevelSpec } from 'vega-lite';
import { LensfindError } from '../errors.js';
import { renderVegaLite, titled, type Chart, type ChartOptions } from './render.js';

export type HistoryLine = Record<string, unknown>;

/** Parses a run's metrics.jsonl (one JSON object per epoch; blank lines ignored). */
export function parseMetricsJsonl(text: string, source = 'metrics.jsonl'): HistoryLine[] {
  return text
    .split('\n')
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line.length > 0)
    .map(([line, n]) => {
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw new Error('not an object');
        return value as HistoryLine;
      } catch (err) {
        throw new LensfindError(
          'E_PLOT_INPUT',
          `${source}:${n}: expected one JSON object per line (${(err as Error).message})`,
        );
      }
    });
}

/**
 * Training history: losses (keys containing "loss") in the left panel, other metrics (val_auc, lr, ...)
 * in the right one, against `epoch` (or the line number when lines have no epoch). `metrics` picks keys;
 * by default every numeric key but epoch, step, time and lr.
 */
export async function historyPlot(
  lines: HistoryLine[],
  opts: ChartOptions & { metrics?: string[] } = {},
): Promise<Chart> {
  const skip = new Set(['epoch', 'step', 'time', 'elapsed', 'seconds', 'lr']); // lr would flatten the metric axis
  const keys =
    opts.metrics ??
    [...new Set(lines.flatMap((l) => Object.keys(l)))].filter(
      (k) => !skip.has(k) && lines.some((l) => typeof l[k] === 'number'),
    );
  const values = lines.flatMap((l, i) =>
    keys
      .filter((k) => typeof l[k] === 'number' && Number.isFinite(l[k]))
      .map((k) => ({
        epoch: typeof l.epoch === 'number' ? l.epoch : i + 1,
        metric: k,
        value: l[k] as number,
        panel: k.includes('loss') ? 'loss' : 'metrics',
      })),
  );
  const panel = (name: string, yTitle: string) => ({
    width: opts.width ?? 300,
    height: opts.height ?? 240,
    transform: [{ filter: `datum.panel === '${name}'` }],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch' },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false } },
      color: { field: 'metric', type: 'nominal', title: null },
    },
  });
  const panels = [];
  if (values.some((v) => v.panel === 'loss')) panels.push(panel('loss', 'Loss'));
  if (values.some((v) => v.panel === 'metrics')) panels.push(panel('metrics', 'Metric'));
  if (panels.length === 0) {
    throw new LensfindError('E_PLOT_INPUT', `historyPlot: no numeric metrics among [${keys.join(', ')}]`);
  }
  const spec = {
    ...titled(opts.title ?? 'Training history'),
    data: { values },
    hconcat: panels,
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
  return renderVegaLite(spec);
}
