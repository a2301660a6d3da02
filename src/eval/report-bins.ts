import { metricsByBin, type BinMetrics, type ColumnValue } from './by-bin.js';

/**
 * Lens properties: non-lenses carry 0 or NaN there (simulator convention), so these columns are binned over the
 * lenses only and give completeness (TPR) per bin.
 */
export const LENS_COLUMNS = [
  'theta_E',
  'arc_snr',
  'arc_contrast',
  'magnification',
  'source_mag',
  'source_offset',
  'q',
];
/**
 * Properties of every cutout (observing conditions, the field): binned over all rows, so each bin has a TPR, an
 * FPR and an AUC: how the model fares in shallower data or crowded fields.
 */
export const ALL_COLUMNS = ['exposure_scale', 'n_neighbours', 'deflector_mag'];
/** Columns binned by value over all rows: TPR for 'none' (lenses), FPR for each kind of non-lens. */
export const CATEGORY_COLUMNS = ['negative_kind'];

/** Axis titles with units (the simulator's manifest columns: angles in arcsec, magnitudes in AB mag). */
export const COLUMN_TITLES: Record<string, string> = {
  theta_E: 'Einstein radius θ_E (arcsec)',
  arc_snr: 'arc S/N (dimensionless)',
  arc_contrast: 'arc contrast (dimensionless)',
  magnification: 'magnification μ (dimensionless)',
  source_mag: 'source magnitude (AB mag)',
  source_offset: 'source offset (units of θ_E)',
  q: 'deflector axis ratio q (dimensionless)',
  exposure_scale: 'exposure (× nominal)',
  n_neighbours: 'neighbours in the cutout (count)',
  deflector_mag: 'deflector magnitude (AB mag)',
  negative_kind: 'kind of non-lens (category)',
};

/** Up to `n` bins with edges at quantiles of the values (distinct, rounded to 3 significant digits). */
export function quantileEdges(values: readonly number[], n = 5): number[] {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length < 2 || s[0] === s[s.length - 1]) return [];
  const round = (x: number) => Number(x.toPrecision(3));
  // Outer edges rounded outwards to 3 significant digits, so the extreme values stay inside the bins.
  const step = (x: number) => 10 ** (Math.floor(Math.log10(Math.abs(x) || 1)) - 2);
  let bottom = round(s[0]);
  while (bottom > s[0]) bottom = round(bottom - step(s[0]));
  const edges = [bottom];
  for (let k = 1; k < n; k++) {
    const e = round(s[Math.floor((k * (s.length - 1)) / n)]);
    if (e > edges[edges.length - 1]) edges.push(e);
  }
  const last = s[s.length - 1];
  let top = round(last);
  while (top < last) top = round(top + step(last));
  if (top > edges[edges.length - 1]) edges.push(top);
  return edges.length >= 2 ? edges : [];
}

/**
 * Metrics per bin of every known metadata column present (theta_E, arc_snr, magnification, negative_kind, ...),
 * at `threshold`. Columns with a single value are skipped.
 */
export function binnedMetrics(
  labels: readonly number[],
  scores: readonly number[],
  meta: readonly Record<string, string | number>[],
  threshold = 0.5,
  /** Bootstrap resamples for each bin's TPR/FPR interval (0: none). */
  resamples = 0,
): Record<string, BinMetrics[]> {
  const opts = { threshold, bootstrap: resamples };
  const out: Record<string, BinMetrics[]> = {};
  const present = (col: string) => meta.some((m) => m[col] !== undefined && m[col] !== '');
  for (const col of LENS_COLUMNS) {
    if (!present(col)) continue;
    const values: ColumnValue[] = meta.map((m, i) => (labels[i] === 1 ? toNumber(m[col]) : null));
    const edges = quantileEdges(values.filter((v): v is number => typeof v === 'number'));
    if (edges.length < 2) continue;
    out[col] = metricsByBin(labels, scores, values, edges, opts);
  }
  for (const col of ALL_COLUMNS) {
    if (!present(col)) continue;
    const values: ColumnValue[] = meta.map((m) => toNumber(m[col]));
    const edges = quantileEdges(values.filter((v): v is number => typeof v === 'number'));
    if (edges.length < 2) continue;
    out[col] = metricsByBin(labels, scores, values, edges, opts);
  }
  for (const col of CATEGORY_COLUMNS) {
    if (!present(col)) continue;
    const values = meta.map((m) => m[col] ?? null);
    if (new Set(values).size < 2) continue;
    out[col] = metricsByBin(labels, scores, values, 'categorical', opts);
  }
  return out;
}

function toNumber(v: string | number | undefined): number | null {
  if (v === undefined || v === '') return null;
  const x = Number(v);
  return Number.isFinite(x) ? x : null;
}
