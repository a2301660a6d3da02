/**
 * npx tsx bench/sersic-profile.ts --run RUN [--galaxies 200] [--draws 1000] [--threads 1,2] [--batch 8]: where the
 * time of `samplePosterior` goes for a trained `lensfind sersic` run: the backbone + context MLP, the flow's
 * sampling, and the map from z to the physical parameters (plain TypeScript), per galaxy, for each thread count.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { npe, torch } from '../src/index.js';

const { values } = parseArgs({
  options: {
    run: { type: 'string' },
    galaxies: { type: 'string', default: '200' },
    draws: { type: 'string', default: '1000' },
    threads: { type: 'string', default: `1,${availableParallelism()}` },
    batch: { type: 'string' },
  },
});
if (!values.run) throw new Error('--run RUN is required');
const { config, space, net } = npe.loadSersicRun(values.run);
const N = Number(values.galaxies),
  S = Number(values.draws);
const D = space.dim;
const renderer = npe.makeRenderer(config, space);
const P = config.image_size ** 2;
const batch = npe.simulateBatch(renderer, config.seed, 3, 0, N);
const H = config.image_size;
const C = config.bands.length;
// galaxies per flow pass (samplePosterior's default unless --batch)
const G = values.batch ? Number(values.batch) : Math.max(1, Math.floor(65536 / S));

const time = (f: () => void) => {
  const t = performance.now();
  f();
  return (performance.now() - t) / N;
};
for (const threads of values.threads!.split(',').map(Number)) {
  torch.setNumThreads(threads);
  const ctxMs = time(() => {
    for (let s = 0; s < N; s += 256)
      torch.scope(() =>
        torch.noGrad(() => {
          const m = Math.min(256, N - s);
          net.context(torch.fromTypedArray(batch.x.subarray(s * C * P, (s + m) * C * P), [m, C, H, H]));
        }),
      );
  });
  const ctx = torch.noGrad(() => net.context(torch.fromTypedArray(batch.x, [N, C, H, H])));
  let z: Float32Array = new Float32Array(0);
  const g = new torch.Generator(1);
  const flowMs = time(() => {
    for (let s = 0; s < N; s += G)
      torch.scope(() =>
        torch.noGrad(() => {
          const m = Math.min(G, N - s);
          z = net.flow.sample(ctx.narrow(0, s, m), S, g).toFloat32Array();
        }),
      );
  });
  const zAll = new Float32Array(N * S * D);
  for (let i = 0; i < N; i++) zAll.set(z.subarray(0, S * D), i * S * D);
  const mapJsMs = time(() => space.fromZRows(zAll, N * S));
  const mapMs = time(() =>
    torch.scope(() => {
      for (let s = 0; s < N; s += G) {
        const m = Math.min(G, N - s);
        npe
          .fromZTensor(space, torch.fromTypedArray(zAll.subarray(s * S * D, (s + m) * S * D), [m * S, D]))
          .toFloat32Array();
      }
    }),
  );
  const totalMs = time(() =>
    npe.samplePosterior(net, space, batch.x, N, S, { generator: g, batch: values.batch ? G : undefined }),
  );
  console.log(
    `${threads} thread(s), ${G} galaxies per pass: context ${ctxMs.toFixed(3)} ms, flow ${flowMs.toFixed(3)} ms, ` +
      `z -> physical ${mapMs.toFixed(3)} ms (in JS: ${mapJsMs.toFixed(3)} ms); samplePosterior ${totalMs.toFixed(3)} ms per galaxy (${S} draws)`,
  );
  ctx.dispose();
}
