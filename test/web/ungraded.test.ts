// The "ungraded only" view (stable while its grader grades) and a candidate's position in a view (jumping to it).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../src/web/server.js';
import { makeWebCatalog } from '../helpers/web-catalog.js';

const cat = makeWebCatalog(30, 'csv', 8);
const server = await startServer({ catalog: cat.file, port: 0 });
after(() => server.close());
const byScore = cat.scores
  .map((s, k) => [s, k] as const)
  .sort((a, b) => b[0] - a[0])
  .map(([, k]) => `cand-${k}`);

async function get(p: string) {
  const res = await fetch(server.url + p);
  return { status: res.status, body: (await res.json()) as any };
}
const grade = (id: string, grader: string, value: number | null) =>
  fetch(server.url + 'api/grades', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id, grader, grade: value }),
  }).then((r) => assert.equal(r.status, 200));
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

test('ungraded only: what the grader had graded at asof is left out; later grades keep their place', async () => {
  for (const k of [0, 2, 5]) await grade(byScore[k], 'ann', 3);
  await grade(byScore[1], 'bob', 1); // another grader's grade does not hide it from ann
  const first = await get('api/rows?ungraded=ann&limit=4');
  assert.equal(first.status, 200);
  assert.equal(first.body.total, 27);
  assert.deepEqual(ids(first.body.rows), [byScore[1], byScore[3], byScore[4], byScore[6]]);
  const asof = first.body.asof as number;
  assert.ok(Number.isInteger(asof) && asof >= Date.now() - 60_000);
  await new Promise((r) => setTimeout(r, 5)); // a grade's time is in ms: the next one comes after asof
  await grade(byScore[1], 'ann', 2);
  const same = await get(`api/rows?ungraded=ann&asof=${asof}&limit=4`);
  assert.equal(same.body.total, 27);
  assert.deepEqual(ids(same.body.rows), ids(first.body.rows));
  assert.equal(same.body.rows[0].grades.ann, 2);
  const fresh = await get('api/rows?ungraded=ann&limit=1');
  assert.equal(fresh.body.total, 26);
  assert.deepEqual(ids(fresh.body.rows), [byScore[3]]);
  const plain = await get('api/rows?limit=1');
  assert.equal(plain.body.total, 30);
  assert.equal(plain.body.asof, null);
  assert.equal((await get('api/rows?ungraded=%3Cb%3E')).status, 400);
});

test('position: a candidate index in a view, -1 when the view leaves it out, 404 for an unknown id', async () => {
  assert.deepEqual((await get(`api/position?id=${byScore[7]}`)).body, { id: byScore[7], index: 7 });
  assert.equal((await get(`api/position?id=${byScore[7]}&order=asc`)).body.index, 22);
  assert.equal((await get(`api/position?id=${byScore[0]}&ungraded=ann`)).body.index, -1);
  const missing = await get('api/position?id=nope');
  assert.equal(missing.status, 404);
  assert.match(missing.body.error, /no candidate "nope"/);
});
