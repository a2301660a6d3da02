// A posterior network built from the quick preset (with overrides) and trained for a few steps on one batch of
// simulated galaxies: the NLL at every step, for tests that a network variant learns.
import { loadSersicConfig } from '../../src/npe/config.js';
import { makeRenderer, makeSpace, simulateBatch } from '../../src/npe/data.js';
import { buildNet } from '../../src/npe/run.js';
import type { PosteriorNet } from '../../src/npe/model.js';
import { fromTypedArray } from '../../src/torch/creation.js';
import { Generator } from '../../src/torch/random.js';
import { scope } from '../../src/torch/scope.js';
import { AdamW } from '../../src/torch/optim/index.js';

export function quickNetNll(overrides: string[], steps = 12): { net: PosteriorNet; nll: number[] } {
  const { config } = loadSersicConfig({ preset: 'quick', overrides });
  const space = makeSpace(config);
  const net = buildNet(config, space, new Generator(1));
  const batch = simulateBatch(makeRenderer(config, space), 0, 0, 0, 32);
  const x = fromTypedArray(batch.x, [32, 1, 32, 32]);
  const z = fromTypedArray(space.toZRows(batch.theta, 32).z, [32, space.dim]);
  const opt = new AdamW(
    net.parameters().filter((p) => p.requiresGrad),
    { lr: 1e-3 },
  );
  const nll: number[] = [];
  net.train();
  for (let s = 0; s < steps; s++)
    nll.push(
      scope(() => {
        opt.zeroGrad();
        const loss = net.logProb(x, z).mean().neg();
        loss.backward();
        opt.step();
        return loss.item();
      }),
    );
  return { net, nll };
}
