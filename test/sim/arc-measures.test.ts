import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BandPlanes } from '../../src/sim/band-planes.js';
import { Rng } from '../../src/sim/rng.js';
import { arcSnr } from '../../src/sim/arc-snr.js';
import type { NoiseModel } from '../../src/sim/noise.js';

/** The three definitions of render.ts's arc cuts, written plainly: what the one-pass kernel must reproduce. */
function reference(
  a: Float64Array,
  t: Float64Array,
  n: number,
  m: NoiseModel,
  cx: number,
  cy: number,
  s: number,
) {
  let p = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[p]) p = i;
  const contrast = !(a[p] > 0) ? 0 : t[p] - a[p] > 0 ? a[p] / (t[p] - a[p]) : Infinity;
  const bins = new Set<number>();
  const h = (n - 1) / 2,
    T = m.exposureTotal;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const sigma = Math.sqrt((Math.max(t[i], 0) + m.skyPerPixel) * T + m.readVariance) / T;
    if (!(v > 0) || v < sigma || v < 0.25 * (t[i] - v)) continue;
    const x = ((i % n) - h) * s - cx,
      y = (h - Math.floor(i / n)) * s - cy;
    if (Math.hypot(x, y) < s) continue;
    bins.add(Math.floor(((Math.atan2(y, x) + Math.PI) / (2 * Math.PI)) * 72) % 72);
  }
  return { snr: arcSnr(a, t, m), contrast, span: bins.size / 72 };
}

test('arcMeasures: arc SNR, contrast and span in one pass equal their plain definitions', () => {
  const n = 33;
  const planes = new BandPlanes(n, 1);
  const model: NoiseModel = { exposureTotal: 900, skyPerPixel: 2.5, readVariance: 80 } as NoiseModel;
  const rng = new Rng(7);
  const spans: number[] = [];
  for (let trial = 0; trial < 40; trial++) {
    // an arc: a partial ring of radius r about (cx, cy), over a lens galaxy and a sky of small negative residuals
    const cx = rng.uniform(-0.5, 0.5),
      cy = rng.uniform(-0.5, 0.5),
      r = rng.uniform(0.6, 2),
      phi0 = rng.uniform(-Math.PI, Math.PI),
      width = rng.uniform(0.2, 6),
      amp = Math.pow(10, rng.uniform(-2, 1));
    const arc = planes.view(planes.arc(0)),
      total = planes.view(planes.total(0));
    const h = (n - 1) / 2;
    for (let i = 0; i < n * n; i++) {
      const x = ((i % n) - h) * 0.2 - cx,
        y = (h - Math.floor(i / n)) * 0.2 - cy;
      const d = Math.hypot(x, y) - r;
      const dphi = Math.abs(((Math.atan2(y, x) - phi0 + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
      arc[i] = dphi < width / 2 ? amp * Math.exp((-d * d) / 0.02) : trial % 5 === 0 ? 0 : -1e-6;
      total[i] = arc[i] + 3 * Math.exp(-Math.hypot(x + cx, y + cy) / 0.4) + rng.normal(0, 1e-3);
    }
    const want = reference(Float64Array.from(arc), Float64Array.from(total), n, model, cx, cy, 0.2);
    const got = planes.arcMeasures(planes.arc(0), planes.total(0), model, cx, cy, 0.2);
    assert.equal(got.snr, want.snr, `trial ${trial}: snr`);
    assert.equal(got.contrast, want.contrast, `trial ${trial}: contrast`);
    assert.equal(got.span, want.span, `trial ${trial}: span`);
    spans.push(got.span);
  }
  // the trials cover arcs that are not seen, compact images and wide arcs
  assert.ok(
    spans.some((s) => s === 0) && spans.some((s) => s > 0 && s < 0.1) && spans.some((s) => s > 0.3),
    `${spans}`,
  );
});
