// A kill between the two checkpoint writes of a best epoch must not lose that epoch's best weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelCheckpoint } from '../../src/train/callbacks/checkpoint.js';
import type { EpochEnd, LoopInfo } from '../../src/train/callbacks/types.js';
import type { TrainState } from '../../src/train/trainer.js';
import { Linear } from '../../src/torch/nn/index.js';
import { SGD } from '../../src/torch/optim/index.js';
import { Generator } from '../../src/torch/random.js';
import { loadSafetensors } from '../../src/torch/serialization.js';

/** A model whose second weight read fails, as a process killed half-way through the epoch's checkpoints. */
class DiesOnSecondSave extends Linear {
  reads = 0;
  override stateDict() {
    if (++this.reads === 2) throw new Error('killed');
    return super.stateDict();
  }
}

test('a best epoch saves checkpoints/best before checkpoints/last, so a kill between them loses nothing', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lensfind-ckpt-order-'));
  const model = new DiesOnSecondSave(3, 2, { generator: new Generator(1) });
  const callback = new ModelCheckpoint(
    model,
    new SGD(model.parameters(), { lr: 0.1 }),
    () => ({ epoch: 4 }) as unknown as TrainState,
  );
  const loop = { session: { dir }, epoch: 4 } as unknown as LoopInfo;
  const end = { isBest: true } as EpochEnd;
  assert.throws(() => callback.onEpochEnd(loop, end), /killed/);
  // the best weights are on disk; checkpoints/last (where a resume starts) still lacks this epoch, so the resumed
  // run repeats it and writes the same best again
  const best = loadSafetensors(path.join(dir, 'checkpoints/best/model.safetensors'));
  assert.deepEqual(best.get('weight')!.toArray(), model.weight.toArray());
  assert.ok(!existsSync(path.join(dir, 'checkpoints/last/state.json')));
});
