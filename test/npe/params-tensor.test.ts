import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamSpace, priorsSchema } from '../../src/npe/params.js';
import { fromZTensor } from '../../src/npe/params-tensor.js';
import { fromTypedArray } from '../../src/torch/creation.js';
import { Rng } from '../../src/sim/rng.js';

for (const bands of [['i'], ['g', 'r', 'i']])
  test(`fromZTensor equals ParamSpace.fromZRows (bands ${bands.join('')})`, () => {
    const space = new ParamSpace(priorsSchema.parse({}), bands);
    const D = space.dim;
    const n = 2000;
    const rng = new Rng(3);
    const z = new Float32Array(n * D);
    // z from -12 to 12 (the bounds saturate), plus exact zeros for the shape (phi at rho = 0)
    for (let i = 0; i < z.length; i++) z[i] = (rng.next() - 0.5) * (i % 5 === 0 ? 24 : 6);
    z.fill(0, 0, D);
    const want = space.fromZRows(z, n);
    const got = fromZTensor(space, fromTypedArray(z, [n, D])).toFloat32Array();
    // the parameter-major layout gives the same values, transposed (up to float32 rounding: vectorised and strided
    // loops of the engine may round differently)
    const byParameter = fromZTensor(space, fromTypedArray(z, [n, D]).t().contiguous(), 0).toFloat32Array();
    for (let i = 0; i < n * D; i++) {
      const v = byParameter[(i % D) * n + Math.floor(i / D)];
      let diff = Math.abs(v - got[i]);
      if (space.names[i % D] === 'phi') diff = Math.min(diff, 180 - diff);
      assert.ok(diff <= 1e-6 * Math.max(1, Math.abs(got[i])), `axis 0, value ${i}: ${v} vs ${got[i]}`);
    }
    for (let i = 0; i < want.length; i++) {
      const j = i % D;
      let diff = Math.abs(got[i] - want[i]);
      if (space.names[j] === 'phi') diff = Math.min(diff, 180 - diff);
      assert.ok(
        diff <= 1e-4 * Math.max(1, Math.abs(want[i])),
        `${space.names[j]} row ${Math.floor(i / D)}: ${got[i]} vs ${want[i]}`,
      );
    }
  });
