// A lensfind server in its own process, for tests that kill it: serves the catalogue given as argument (then optionally a runs folder and a grades file) on a free
// loopback port and prints {"port": N, "startMs": T, "catalogMs": C} once it listens
// (T: reading the catalogue and bundling the page; C: the catalogue alone).
import { startServer } from '../../src/web/server.js';

const t0 = performance.now();
const s = await startServer({
  catalog: process.argv[2],
  runs: process.argv[3] || undefined,
  grades: process.argv[4] || undefined,
  port: 0,
});
const startMs = Math.round(performance.now() - t0);
process.stdout.write(
  `${JSON.stringify({ port: s.port, startMs, catalogMs: Math.round(s.catalogMs ?? -1) })}\n`,
);
