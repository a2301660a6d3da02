// F.batchNorm (training with in-place running statistics, eval), F.layerNorm and F.groupNorm against PyTorch 1.13.
import { test } from 'node:test';
import * as F from '../../src/torch/functional.js';
import { checkCase, loadCases, type OpRunner } from './functional-fixtures.js';

const ops: Record<string, OpRunner> = {
  batchNorm: (i, p) => F.batchNorm(i.x, i.runningMean, i.runningVar, i.weight, i.bias, p),
  layerNorm: (i, p) => F.layerNorm(i.x, p.normalizedShape, i.weight, i.bias, p.eps),
  groupNorm: (i, p) => F.groupNorm(i.x, p.groups, i.weight, i.bias, p.eps),
};

for (const c of loadCases('norm')) test(c.name, () => checkCase(c, ops[c.op]));
