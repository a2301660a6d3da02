// --init-weights with a PyTorch .pt state dict (torch.save of a torchvision-named ResNet, by Debian's python3-torch):
// the same values and the same outputs as the safetensors copy; a short summary line for partial loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createModel, loadInitWeights, summarizeInitWeights } from '../../src/models/index.js';
import { loadSafetensors } from '../../src/torch/serialization.js';
import { noGrad } from '../../src/torch/autograd.js';
import { DataError } from '../../src/errors.js';
import { assertClose, fixtures } from './helpers.js';

const ptFile = path.join(fixtures, '../torch/resnet_w4_small.pt');
const options = { inChannels: 5, imageSize: 16, width: 4, stem: 'small' };

test('a torch.save state dict loads into a lensfind ResNet with every value and PyTorch output', () => {
  const model = createModel('resnet18', options);
  const report = loadInitWeights(model, ptFile);
  const reference = loadSafetensors(path.join(fixtures, 'resnet_w4_small.safetensors'));
  assert.equal(report.loaded.length, reference.size);
  assert.deepEqual([report.adapted, report.skipped, report.unused], [[], [], []]);
  const sd = model.stateDict();
  for (const [key, want] of reference) assertClose(sd.get(key)!, want, { atol: 0, rtol: 0 });
  const io = loadSafetensors(path.join(fixtures, 'resnet_w4_small.io.safetensors'));
  model.eval();
  noGrad(() => assertClose(model.call(io.get('input')!), io.get('output')!));
});

test('into another number of bands: conv1 adapted, and the log line is a short summary', () => {
  const model = createModel('resnet18', { ...options, inChannels: 3 });
  const report = loadInitWeights(model, ptFile);
  assert.deepEqual(report.adapted, ['conv1.weight']);
  const line = summarizeInitWeights(report);
  assert.equal(line, `${report.loaded.length} loaded, 1 adapted (conv1.weight)`);
  const long = summarizeInitWeights({
    loaded: ['a'],
    adapted: [],
    skipped: ['fc.weight', 'fc.bias'],
    unused: Array.from({ length: 122 }, (_, i) => `k${i}`),
  });
  assert.equal(long, '1 loaded, 2 re-initialised (fc.weight, fc.bias), 122 unused (k0, k1, k2 and 119 more)');
});

test('a .pt that holds code is refused in one line naming the file and how to convert', () => {
  const model = createModel('resnet18', options);
  const evil = path.join(fixtures, '../torch/pt_evil.pt');
  assert.throws(
    () => loadInitWeights(model, evil),
    (err: Error) =>
      err instanceof DataError &&
      err.message.startsWith(`--init-weights ${evil}: not a readable PyTorch .pt/.pth state dict:`) &&
      err.message.includes('save_file(') &&
      !err.message.includes('\n'),
  );
});
