import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { train } from '../../src/train/trainer.js';
import { trainConfigSchema } from '../../src/train/schema.js';
import { loadSafetensors } from '../../src/torch/serialization.js';
import { writeToyDeepLense, toyConfig } from './toy-data.js';

test('toy lens/non-lens data: val AUC > 0.95 within 4 epochs, and a complete run folder', async () => {
  const data = writeToyDeepLense({ perClass: 96, seed: 11 });
  const t0 = performance.now();
  const result = await train(toyConfig(data, { epochs: 4, data: { workers: 1 } }), { console: false });
  const seconds = (performance.now() - t0) / 1000;
  const last = result.history.at(-1)!;
  assert.ok(last.val_auc > 0.95, `val AUC ${last.val_auc}`);
  assert.ok(last.train_loss < result.history[0].train_loss, 'training loss decreases');
  assert.equal(result.best?.metric, 'val_auc');
  console.log(
    `toy run: ${seconds.toFixed(1)} s, val AUC by epoch ${result.history.map((h) => h.val_auc.toFixed(3)).join(' ')}`,
  );

  const dir = result.runDir;
  for (const f of ['config.yaml', 'train.log', 'metrics.jsonl', 'summary.json', 'normalization.json']) {
    assert.ok(existsSync(path.join(dir, f)), f);
  }
  // config.yaml is the resolved config: it parses back to the same config.
  assert.deepEqual(
    trainConfigSchema.parse(YAML.parse(readFileSync(path.join(dir, 'config.yaml'), 'utf8'))),
    toyConfig(data, { epochs: 4, data: { workers: 1 }, run: { dir: path.dirname(dir) } }),
  );
  const lines = readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 4);
  assert.deepEqual(
    lines.map((l) => JSON.parse(l).epoch),
    [1, 2, 3, 4],
  );
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  assert.equal(summary.finished, true);
  assert.equal(summary.epochs, 4);
  assert.match(readFileSync(path.join(dir, 'train.log'), 'utf8'), /epoch 4\/4: loss/);
  for (const ck of ['best', 'last']) {
    const files = readdirSync(path.join(dir, 'checkpoints', ck)).sort();
    assert.deepEqual(
      files,
      ck === 'last'
        ? ['model.safetensors', 'optimizer.safetensors', 'state.json']
        : ['model.safetensors', 'state.json'],
    );
    const sd = loadSafetensors(path.join(dir, 'checkpoints', ck, 'model.safetensors'));
    assert.ok(sd.has('features.0.0.weight') && sd.has('features.0.1.running_mean') && sd.has('fc.weight'));
  }
  const state = JSON.parse(readFileSync(path.join(dir, 'checkpoints/last/state.json'), 'utf8'));
  assert.equal(state.epoch, 4);
  assert.equal(state.partial, null);
  assert.ok(state.optimizer && state.schedule && state.generator);

  // TensorBoard: scalars per epoch and a PNG gallery of the first training batch.
  const events = readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'));
  assert.equal(events.length, 1);
  const bytes = readFileSync(path.join(dir, events[0]));
  assert.ok(bytes.includes('val/auc') && bytes.includes('train/loss'));
  assert.ok(bytes.includes('train/first_batch'));
  assert.ok(
    bytes.includes(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    'a PNG in the event file',
  );
});
