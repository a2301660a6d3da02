// The stacked flow heads keep the state-dict layout and seeded initialisation they had before MAF and the coupling
// flow shared LayeredFlow: fixture from commit 9b26d5d (test/fixtures/npe/flow-state.ts), so old runs still load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createFlow, flowConfigSchema } from '../../src/npe/flows/index.js';
import { Generator } from '../../src/torch/random.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/npe/flow-state.json', import.meta.url), 'utf8'),
) as Record<string, [string, number[], number][]>;

for (const name of ['maf', 'nsf', 'coupling', 'nsf_coupling'] as const) {
  test(`${name}: state-dict keys, shapes and seeded initial values as before`, () => {
    const flow = createFlow(
      flowConfigSchema.parse({ name, layers: 3, hidden: 8, bins: 4 }),
      2,
      3,
      new Generator(7),
    );
    const state = [...flow.stateDict()];
    assert.deepEqual(
      state.map(([key, t]) => [key, [...t.shape]]),
      fixture[name].map(([key, shape]) => [key, shape]),
    );
    state.forEach(([key, t], i) => {
      const sum = (t.dataSync() as Float32Array).reduce((a, b) => a + Number(b), 0);
      assert.ok(
        Math.abs(sum - fixture[name][i][2]) <= 1e-6 * Math.max(1, Math.abs(sum)),
        `${name} ${key}: ${sum}`,
      );
    });
  });
}
