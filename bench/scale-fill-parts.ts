/**
 * npx tsx bench/scale-fill-parts.ts <out>.parts: fills the parts a predict has not scored yet with made-up scores,
 * so that the same predict, run again, does the listing, sort and catalogue write of a large input without the CPU
 * of scoring every cutout (bench:scale's 1M memory figure on a loaded machine). A measurement aid, never for real
 * use: the scores it writes are not a model's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PartStore, type PartPlan } from '../src/predict/parts.js';

const dir = process.argv[2];
const plan = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as PartPlan;
const store = PartStore.open(dir, plan, { keepForeign: true });
let made = 0;
let s = 12345;
for (let p = 0; p < plan.parts; p++) {
  if (store.read(p)) continue;
  const [start, end] = store.range(p);
  const indices = Array.from({ length: end - start }, (_, k) => start + k);
  const score = indices.map(() => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648);
  const logit = score.map((q) => Math.log(q / (1 - q)));
  store.write({
    fingerprint: plan.fingerprint,
    part: p,
    start,
    count: end - start,
    indices,
    score,
    logit,
    members: [],
    rejected: [],
  });
  made++;
}
console.log(`parts: ${plan.parts - made} scored by predict, ${made} made up, of ${plan.parts}`);
