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

/** The panels of a history plot, each quantity on its own y axis (AUC and accuracy are flattened beside ~350 img/s). */
const PANELS = [
  { id: 'loss', title: 'Loss', holds: (k: string) => k.includes('loss') },
  { id: 'metrics', title: 'Metric', holds: (k: string) => !/(^lr$|per_s$|loss)/.test(k) },
  { id: 'throughput', title: 'Images per second', holds: (k: string) => k.endsWith('per_s') },
  { id: 'lr', title: 'Learning rate', holds: (k: string) => k === 'lr' },
] as const;

/** The panel a metrics.jsonl key is drawn in: loss, metrics (AUC, accuracy, ...), throughput or lr. */
export function historyPanel(key: string): (typeof PANELS)[number]['id'] {
  return PANELS.find((p) => p.holds(key))!.id;
}

/**
 * Training history against `epoch` (or the line number when lines have no epoch), one panel per quantity: losses,
 * metrics in [0, 1] (train and val AUC, accuracy, ...), images per second, learning rate. `metrics` picks keys;
 * by default every numeric key but epoch, step and times.
 */
export async function historyPlot(
  lines: HistoryLine[],
  opts: ChartOptions & { metrics?: string[] } = {},
): Promise<Chart> {
  const skip = new Set(['epoch', 'step', 'time', 'elapsed', 'seconds']);
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
        panel: historyPanel(k),
      })),
  );
  const panels = PANELS.filter((p) => values.some((v) => v.panel === p.id)).map((p) => ({
    width: opts.width ?? 300,
    height: opts.height ?? 240,
    transform: [{ filter: `datum.panel === '${p.id}'` }],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch' },
      y: { field: 'value', type: 'quantitative', title: p.title, scale: { zero: false } },
      color: { field: 'metric', type: 'nominal', title: null },
    },
  }));
  if (panels.length === 0) {
    throw new LensfindError('E_PLOT_INPUT', `historyPlot: no numeric metrics among [${keys.join(', ')}]`);
  }
  const spec = {
    ...titled(opts.title ?? 'Training history'),
    data: { values },
    concat: panels,
    columns: 2,
    resolve: { scale: { color: 'independent', y: 'independent' } },
  } as TopLevelSpec;
  return renderVegaLite(spec);
}
