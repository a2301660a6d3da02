// Resampling (interpolate, affineGrid, gridSample), padding and scaled dot-product attention against PyTorch 1.13.
import { test } from 'node:test';
import * as F from '../../src/torch/functional.js';
import { checkCase, loadCases, type OpRunner } from './functional-fixtures.js';

const ops: Record<string, OpRunner> = {
  interpolate: (i, p) => F.interpolate(i.x, p),
  affineGrid: (i, p) => F.affineGrid(i.theta, p.size, p.alignCorners),
  gridSample: (i, p) => F.gridSample(i.x, i.grid, p),
  pad: (i, p) => F.pad(i.x, p.pads, p.mode, p.value),
  scaledDotProductAttention: (i, p) =>
    F.scaledDotProductAttention(i.q, i.k, i.v, { attnMask: i.attnMask, ...p }),
};

for (const c of loadCases('sample')) test(c.name, () => checkCase(c, ops[c.op]));
