// The polar position encoding of the hybrid model's arc-aware attention.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POLAR_FEATURES, polarGrid } from '../../src/models/hybrid.js';

test('polar grid: radius and angle about the centre, x right and y up', () => {
  const g = 4;
  const { features, radius, dr2 } = polarGrid(g);
  const at = (ix: number, iy: number, j: number) => features[(iy * g + ix) * POLAR_FEATURES + j];
  // Token (3, 0) is the top-right corner: x = y = 0.375 of the width, r = 0.375*sqrt(2)/0.5, θ = 45°.
  assert.ok(Math.abs(radius[3] - (0.375 * Math.SQRT2) / 0.5) < 1e-6);
  const sinTheta = 1 + 2 * 4; // index of sin(θ) after r and 4 radial sin/cos pairs
  assert.ok(Math.abs(at(3, 0, sinTheta) - Math.SQRT1_2) < 1e-6);
  assert.ok(Math.abs(at(3, 0, sinTheta + 1) - Math.SQRT1_2) < 1e-6);
  // Bottom-left corner: θ = -135°.
  assert.ok(Math.abs(at(0, 3, sinTheta) + Math.SQRT1_2) < 1e-6);
  // A 90° rotation of the grid keeps every radius and turns θ by 90°: sin θ' = cos θ.
  for (let iy = 0; iy < g; iy++) {
    for (let ix = 0; ix < g; ix++) {
      const [rx, ry] = [iy, g - 1 - ix]; // counter-clockwise rotation of (ix, iy) in image coordinates (y down)
      assert.ok(Math.abs(radius[iy * g + ix] - radius[ry * g + rx]) < 1e-6);
      assert.ok(Math.abs(at(rx, ry, sinTheta) - at(ix, iy, sinTheta + 1)) < 1e-6);
    }
  }
  // Squared radius differences in units of 0.25: zero on the diagonal, symmetric.
  const n = g * g;
  for (let i = 0; i < n; i++) {
    assert.equal(dr2[i * n + i], 0);
    for (let k = 0; k < n; k++) assert.equal(dr2[i * n + k], dr2[k * n + i]);
  }
  assert.ok(Math.abs(dr2[0 * n + 5] - ((radius[0] - radius[5]) / 0.25) ** 2) < 1e-6);
});
