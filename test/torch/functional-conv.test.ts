// F.conv2d, F.linear and pooling against PyTorch 1.13 (forward and gradients), fixtures from
// scripts/fixtures/torch_functional.py.
import { test } from 'node:test';
import * as F from '../../src/torch/functional.js';
import { checkCase, loadCases, type OpRunner } from './functional-fixtures.js';

const ops: Record<string, OpRunner> = {
  conv2d: (i, p) => F.conv2d(i.x, i.w, i.b, p),
  linear: (i) => F.linear(i.x, i.w, i.b),
  maxPool2d: (i, p) => F.maxPool2d(i.x, p.kernel, p),
  avgPool2d: (i, p) => F.avgPool2d(i.x, p.kernel, p),
  adaptiveAvgPool2d: (i, p) => F.adaptiveAvgPool2d(i.x, p.size),
  adaptiveMaxPool2d: (i, p) => F.adaptiveMaxPool2d(i.x, p.size),
};

for (const c of loadCases('conv')) test(c.name, () => checkCase(c, ops[c.op]));
