/**
 * tsx scripts/scene-hashes.ts [N]: a SHA-256 of N cutouts (pixels and metadata) of lenses and of each non-lens kind
 * alone, rendered with the LSST preset's scene; the same hashes before and after a change to src/sim/scene mean
 * the change kept every draw (a refactor's byte-identity check).
 */
import { createHash } from 'node:crypto';
import { loadSimulateConfig } from '../src/sim/dataset/index.js';
import { loadSurvey, renderCutout } from '../src/sim/render.js';
import { NEGATIVE_KINDS } from '../src/sim/index.js';

const n = Number(process.argv[2] ?? 50);
const cfg = loadSimulateConfig({ preset: 'lsst', flags: { image_size: 48, seed: 7 } });
const survey = loadSurvey(cfg.survey);

function hash(label: 0 | 1, negatives: Record<string, number>): string {
  const scene = { ...cfg.scene, negatives: { ...cfg.scene.negatives, ...negatives } };
  const h = createHash('sha256');
  for (let index = 0; index < n; index++) {
    const cut = renderCutout(scene, survey, { seed: cfg.seed, index, label, size: cfg.image_size });
    h.update(new Uint8Array(cut.image.buffer, cut.image.byteOffset, cut.image.byteLength));
    h.update(
      JSON.stringify(cut.meta, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)),
    );
  }
  return h.digest('hex').slice(0, 16);
}

console.log(`lens ${hash(1, {})}`);
console.log(`non-lens (every kind) ${hash(0, {})}`);
for (const kind of NEGATIVE_KINDS) {
  const only = Object.fromEntries(NEGATIVE_KINDS.map((k) => [k, k === kind ? 1 : 0]));
  console.log(`${kind} ${hash(0, only)}`);
}
