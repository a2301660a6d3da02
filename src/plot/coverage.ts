import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, renderVegaLite, type Chart, type ChartOptions } from './render.js';

/** One curve of observed against nominal probability (expected coverage per parameter, TARP's ECP). */
export interface CoverageSeries {
  name: string;
  nominal: readonly number[];
  observed: readonly number[];
}

/**
 * Expected coverage: the fraction of truths inside their credible region against its credibility level, one line
 * per series, with the diagonal of exact calibration (below it: over-confident; above: under-confident).
 */
export async function coveragePlot(
  series: readonly CoverageSeries[],
  opts: ChartOptions = {},
): Promise<Chart> {
  const values = series.flatMap((s) =>
    s.nominal.map((a, i) => ({ series: s.name, nominal: a, observed: s.observed[i] })),
  );
  const x = { field: 'nominal', type: 'quantitative', title: 'Credibility level', scale: { domain: [0, 1] } };
  const y = {
    field: 'observed',
    type: 'quantitative',
    title: 'Expected coverage',
    scale: { domain: [0, 1] },
  };
  const spec = {
    ...chartFrame(opts.title ?? 'Expected coverage', opts),
    layer: [
      {
        data: {
          values: [
            { nominal: 0, observed: 0 },
            { nominal: 1, observed: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x, y },
      },
      {
        data: { values },
        mark: 'line',
        encoding: { x, y, color: { field: 'series', type: 'nominal', title: null } },
      },
    ],
  } as TopLevelSpec;
  return renderVegaLite(spec);
}

/** Posterior medians against truths for one parameter, with the identity line. */
export async function truthScatter(
  name: string,
  truth: ArrayLike<number>,
  estimate: ArrayLike<number>,
  opts: ChartOptions & { log?: boolean } = {},
): Promise<Chart> {
  const values = Array.from({ length: truth.length }, (_, i) => ({ truth: truth[i], estimate: estimate[i] }));
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v.truth, v.estimate);
    hi = Math.max(hi, v.truth, v.estimate);
  }
  const scale = { domain: [lo, hi], type: opts.log ? 'log' : 'linear' };
  const x = { field: 'truth', type: 'quantitative', title: `true ${name}`, scale };
  const y = { field: 'estimate', type: 'quantitative', title: `posterior median ${name}`, scale };
  const spec = {
    ...chartFrame(opts.title ?? name, opts),
    layer: [
      {
        data: {
          values: [
            { truth: lo, estimate: lo },
            { truth: hi, estimate: hi },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x, y },
      },
      { data: { values }, mark: { type: 'point', filled: true, size: 8, opacity: 0.4 }, encoding: { x, y } },
    ],
  } as TopLevelSpec;
  return renderVegaLite(spec);
}
