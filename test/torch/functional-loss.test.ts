// Losses against PyTorch 1.13: BCE with logits (weight, posWeight), cross entropy (label smoothing, class weights),
// MSE, L1 and smooth L1 with each reduction.
import { test } from 'node:test';
import * as F from '../../src/torch/functional.js';
import { checkCase, loadCases, type OpRunner } from './functional-fixtures.js';

const ops: Record<string, OpRunner> = {
  bceWithLogits: (i, p) =>
    F.binaryCrossEntropyWithLogits(i.logits, i.target, { weight: i.weight, posWeight: i.posWeight, ...p }),
  crossEntropy: (i, p) => F.crossEntropy(i.logits, i.target, { weight: i.weight, ...p }),
  mseLoss: (i, p) => F.mseLoss(i.a, i.b, p),
  smoothL1Loss: (i, p) => F.smoothL1Loss(i.a, i.b, p),
  l1Loss: (i, p) => F.l1Loss(i.a, i.b, p),
};

for (const c of loadCases('loss')) test(c.name, () => checkCase(c, ops[c.op]));
