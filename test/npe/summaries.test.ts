import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageSummaries, summaryMatrix } from '../../src/npe/summaries.js';
import { fromTypedArray } from '../../src/torch/creation.js';
import { scope } from '../../src/torch/scope.js';
import { quickNetNll } from './train-steps.js';

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('summaries of a bright point source: its offset, second moments and curve of growth, exactly', () => {
  const size = 32;
  const { windows, radii, noise } = summaryMatrix(size);
  assert.deepEqual(windows, [1, 2, 4, 8]);
  assert.deepEqual(radii, [1, 1.5, 2, 3, 4, 6, 8, 12, 16]);
  // sigma of the largest aperture: sqrt(number of pixels within 16 px of the centre (15.5, 15.5))
  let inside = 0;
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) if (Math.hypot(c - 15.5, 15.5 - r) <= 16) inside++;
  close(noise[noise.length - 1], Math.sqrt(inside), 1e-4, 'aperture noise');

  const A = 1e5; // flux in units of the pixel noise
  const row = 13;
  const col = 18; // dx = +2.5, dy = +2.5 (y up)
  const x = new Float32Array(size * size);
  x[row * size + col] = Math.asinh(A); // the network sees asinh(x / sigma)
  const s = new ImageSummaries(1, size);
  const f = scope(() => Array.from(s.call(fromTypedArray(x, [1, 1, size, size])).toFloat32Array()));
  assert.equal(f.length, s.numFeatures);
  const K = windows.length * 6 + radii.length;
  const dx = 2.5;
  const dy = 2.5;
  // asinh(m / sigma) of the largest aperture: the whole flux
  close(f[K - 1], Math.asinh(A / noise[K - 1]), 1e-4, 'total SNR');
  windows.forEach((w, i) => {
    const got = f.slice(K + i * 5, K + i * 5 + 5);
    const weight = Math.exp((-0.5 * (dx * dx + dy * dy)) / (w * w));
    const scale = (A * weight) / (A * weight + 3 * noise[i * 6]);
    const want = [dx / w, dy / w, (dx * dx) / (w * w), (dy * dy) / (w * w), (dx * dy) / (w * w)];
    want.forEach((v, t) =>
      close(got[t], v * scale, 2e-3 * Math.max(1, Math.abs(v)), `window ${w} moment ${t}`),
    );
  });
  const r = Math.hypot(dx, dy); // 3.54 px: outside apertures up to 3, inside from 4
  const growth = f.slice(K + windows.length * 5);
  radii.forEach((R, j) => close(growth[j], R >= r ? A / (A + 3 * noise[K - 1]) : 0, 1e-4, `aperture ${R}`));
});

test('a posterior network with summaries trains on simulated galaxies (NLL falls over a few steps)', () => {
  const { net, nll } = quickNetNll([
    'model.summaries=true',
    'model.flow.name=coupling',
    'model.flow.hidden=32',
  ]);
  assert.ok(net.summaries);
  assert.ok(nll.every(Number.isFinite) && nll[11] < nll[0] - 1, `NLL ${nll[0]} -> ${nll[11]}`);
});
