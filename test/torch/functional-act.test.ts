// Activations and softmax against PyTorch 1.13 (forward and gradients).
import { test } from 'node:test';
import * as F from '../../src/torch/functional.js';
import { checkCase, loadCases, type OpRunner } from './functional-fixtures.js';

const ops: Record<string, OpRunner> = {
  relu: (i) => F.relu(i.x),
  gelu: (i, p) => F.gelu(i.x, { approximate: p.approximate }),
  silu: (i) => F.silu(i.x),
  sigmoid: (i) => F.sigmoid(i.x),
  tanh: (i) => F.tanh(i.x),
  softplus: (i, p) => F.softplus(i.x, p.beta, p.threshold),
  leakyRelu: (i, p) => F.leakyRelu(i.x, p.negativeSlope),
  softmax: (i, p) => F.softmax(i.x, p.dim),
  logSoftmax: (i, p) => F.logSoftmax(i.x, p.dim),
};

for (const c of loadCases('act')) test(c.name, () => checkCase(c, ops[c.op]));
