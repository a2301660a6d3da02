import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { startServer, type RunningServer } from '../../src/web/server.js';
import { readCatalogTable } from '../../src/web/catalog-table.js';
import { colourComposite } from '../../src/plot/composite.js';
import { parseCsv } from '../../src/io/csv.js';
import { writeNpy } from '../../src/io/npy.js';
import { BANDS, HOSTILE, SIZE, makeWebCatalog } from '../helpers/web-catalog.js';
import { epochLine, makeRuns, writeMetrics } from '../helpers/web-runs.js';

// One catalogue folder (with a secret beside it, outside the served folders) and one runs folder.
const outer = makeWebCatalog(1, 'csv', 1).dir;
const secret = path.join(outer, 'secret.npy');
writeNpy(secret, new Float32Array(3 * 4 * 4).fill(1), [3, 4, 4]);
writeFileSync(path.join(outer, 'secret.png'), 'not for the page');
const cat = makeWebCatalog(120, 'csv', 16, path.join(outer, 'cat'));
symlinkSync(secret, path.join(cat.dir, 'images/link.npy'));
const evil = path.join(cat.dir, 'evil.csv');
writeFileSync(
  evil,
  'id,path,score\nup,../secret.npy,0.9\nabs,/etc/passwd,0.8\nlink,images/link.npy,0.7\nok,images/shard.npy#2,0.6\n',
);
const runsRoot = path.join(outer, 'runs');
const runs = await makeRuns(runsRoot);
symlinkSync(path.join(outer, 'secret.png'), path.join(runs.alpha, 'leak.png'));

const server = await startServer({ catalog: cat.file, runs: runsRoot, port: 0, pollMs: 50 });
const evilServer = await startServer({ catalog: evil, port: 0 });
after(() => Promise.all([server.close(), evilServer.close()]));

async function get(s: RunningServer, p: string) {
  const res = await fetch(s.url + p);
  const type = res.headers.get('content-type') ?? '';
  const body = type.startsWith('application/json') ? await res.json() : Buffer.from(await res.arrayBuffer());
  return { status: res.status, body: body as any, type, headers: res.headers };
}

function put(body: string, type = 'application/json', method = 'PUT') {
  return fetch(server.url + 'api/grades', { method, headers: { 'Content-Type': type }, body }).then(
    async (r) => ({
      status: r.status,
      body: (await r.json()) as any,
    }),
  );
}

test('the page, its script and style are served with a strict content security policy', async () => {
  const page = await get(server, '');
  assert.equal(page.status, 200);
  assert.match(page.body.toString(), /<script type="module" src="\/app.js">/);
  assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
  const js = await get(server, 'app.js');
  assert.equal(js.status, 200);
  assert.match(js.type, /javascript/);
  assert.doesNotMatch(js.body.toString(), /innerHTML/, 'the page never parses data as HTML');
  assert.equal((await get(server, 'app.css')).status, 200);
  assert.equal((await get(server, 'nothing-here')).status, 404);
});

test('info and rows: a page at a time, sorted by score, filtered, with clear errors for bad parameters', async () => {
  const info = await get(server, 'api/info');
  assert.equal(info.body.catalog.n, 120);
  assert.deepEqual(info.body.catalog.columns, ['id', 'path', 'score', 'theta_E', 'note']);
  const byScore = cat.scores.map((s, k) => [s, k] as const).sort((a, b) => b[0] - a[0]);
  const page2 = await get(server, 'api/rows?offset=10&limit=5');
  assert.equal(page2.body.total, 120);
  assert.deepEqual(
    page2.body.rows.map((r: any) => r.row),
    byScore.slice(10, 15).map(([, k]) => k),
  );
  assert.equal(page2.body.rows[0].cells.id, `cand-${byScore[10][1]}`);
  const filters = encodeURIComponent(JSON.stringify([{ column: 'score', op: '>=', value: 0.5 }]));
  const asc = await get(server, `api/rows?order=asc&filters=${filters}&limit=1000`);
  assert.equal(asc.body.total, cat.scores.filter((s) => s >= 0.5).length);
  assert.equal(asc.body.rows[0].cells.score, Math.min(...cat.scores.filter((s) => s >= 0.5)));
  for (const [q, text] of [
    ['order=sideways', 'expected asc or desc'],
    ['limit=0', 'limit="0": expected an integer in [1, 1000]'],
    ['filters=nope', 'expected a JSON list'],
    [`filters=${encodeURIComponent('[{"column":"score","op":"~","value":1}]')}`, 'op ('],
    ['sort=missing', "unknown column 'missing'"],
  ]) {
    const r = await get(server, `api/rows?${q}`);
    assert.equal(r.status, 400, q);
    assert.ok(r.body.error.includes(text), `${q}: ${r.body.error}`);
  }
});

test('composites: the PNG holds exactly the Lupton composite of the cutout, for any stretch and band choice', async () => {
  const row = 37; // images/shard.npy#5
  const pixels = cat.pixels.subarray(5 * BANDS * SIZE * SIZE, 6 * BANDS * SIZE * SIZE);
  for (const [q, opts] of [
    ['q=8&stretch=auto', {}],
    ['q=3&stretch=0.7&r=0&g=1&b=2', { Q: 3, stretch: 0.7, rgbBands: [0, 1, 2] }],
    ['band=1&q=5', { Q: 5, rgbBands: [1, 1, 1] }],
  ] as const) {
    const r = await get(server, `api/cutouts/${row}.png?${q}`);
    assert.equal(r.status, 200, q);
    assert.equal(r.type, 'image/png');
    const raw = await sharp(r.body).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([raw.info.width, raw.info.height, raw.info.channels], [SIZE, SIZE, 3]);
    const want = colourComposite(pixels, [BANDS, SIZE, SIZE], opts as any);
    assert.deepEqual(new Uint8Array(raw.data), want.rgb, q);
  }
  assert.deepEqual((await get(server, `api/cutouts/${row}/shape`)).body, { row, shape: [3, 16, 16] });
  const bad = await get(server, `api/cutouts/${row}.png?band=3`);
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /band 3; it has bands 0\.\.2/);
  assert.match((await get(server, `api/cutouts/${row}.png?stretch=-1`)).body.error, /stretch="-1"/);
  assert.match((await get(server, `api/cutouts/${row}.png?r=1`)).body.error, /all three/);
  assert.equal((await get(server, 'api/cutouts/120.png')).status, 404);
});

test('cutout paths out of the served folders are refused: parent folders, absolute paths, symbolic links', async () => {
  const expect = { 0: 'outside', 1: 'outside', 2: 'a symbolic link to' } as const;
  for (const [row, text] of Object.entries(expect)) {
    const r = await get(evilServer, `api/cutouts/${row}.png`);
    assert.equal(r.status, 403, `row ${row}`);
    assert.ok(r.body.error.includes(text), r.body.error);
  }
  assert.equal((await get(evilServer, 'api/cutouts/3.png')).status, 200, 'a path inside is served');
});

test('grades: saved at once, validated, summarised with disagreements and the mean, exported joined with the catalogue', async () => {
  for (const [id, grader, grade] of [
    ['cand-1', 'ann', 3],
    ['cand-1', 'bob', 1],
    ['cand-2', 'ann', 2],
    ['cand-2', 'bob', 2],
    ['cand-3', 'ann', 0],
  ] as const) {
    const r = await put(JSON.stringify({ id, grader, grade }));
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { id, grader, grade });
  }
  assert.equal(server.catalog!.store.get('cand-1', 'bob'), 1, 'in the database when the answer arrives');
  for (const [body, status, text, type] of [
    ['{"id":', 400, 'malformed JSON'],
    ['{"id":"cand-1","grader":"ann","grade":5}', 400, 'expected 0, 1, 2 or 3'],
    ['{"id":"cand-1","grader":"ann","grade":"A"}', 400, 'expected 0, 1, 2 or 3'],
    ['{"id":"nobody","grader":"ann","grade":1}', 400, 'unknown candidate id "nobody"'],
    ['{"id":"cand-1","grader":"<b>x</b>","grade":1}', 400, 'letters, digits'],
    ['{"id":"cand-1","grader":"ann","grade":1}', 415, 'expected a JSON body', 'text/plain'],
  ] as const) {
    const r = await put(body, type);
    assert.equal(r.status, status, body);
    assert.ok(r.body.error.includes(text), r.body.error);
  }
  assert.equal((await put('{}', 'application/json', 'POST')).status, 405);
  const s = (await get(server, 'api/grades/summary')).body;
  assert.equal(s.graded, 3);
  assert.deepEqual(s.byGrader, { ann: 3, bob: 2 });
  assert.equal(s.meanGrade, (2 + 2 + 0) / 3);
  assert.deepEqual(s.disagreements, [{ id: 'cand-1', grades: { ann: 3, bob: 1 }, spread: 2, mean: 2 }]);
  const row1 = (await get(server, 'api/rows?limit=1000')).body.rows.find((r: any) => r.id === 'cand-1');
  assert.deepEqual(row1.grades, { ann: 3, bob: 1 });

  const csv = await get(server, 'api/export.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-disposition')!, /cands\.graded\.csv/);
  const rows = parseCsv(csv.body.toString());
  assert.equal(rows.length, 120);
  assert.deepEqual(Object.keys(rows[0]), [
    'id',
    'path',
    'score',
    'theta_E',
    'note',
    'grade_ann',
    'grade_bob',
    'grade_mean',
    'grade_n',
  ]);
  assert.deepEqual(
    [rows[1].grade_ann, rows[1].grade_bob, rows[1].grade_mean, rows[1].grade_n],
    ['3', '1', '2', '2'],
  );
  assert.deepEqual([rows[4].grade_ann, rows[4].grade_mean, rows[4].grade_n], ['', '', '0']);
  assert.equal(rows[0].note, HOSTILE, 'catalogue text is exported as it is');
  const pq = await get(server, 'api/export.parquet');
  assert.equal(pq.status, 200);
  const table = await readCatalogTable(path.join(cat.dir, 'cands.graded.parquet'));
  assert.equal(table.cell(3, 'grade_ann'), 0);
  assert.equal(table.cell(2, 'grade_mean'), 2);
});

test('runs: headline metrics, unknown runs, plots, and files outside refused', async () => {
  const list = (await get(server, 'api/runs')).body;
  const alpha = list.find((r: any) => r.name === 'alpha');
  assert.equal(alpha.status, 'completed');
  assert.equal(alpha.epochs, 3);
  assert.deepEqual(alpha.last, epochLine(3));
  assert.deepEqual(alpha.evals, [
    {
      dataset: 'test',
      n: 400,
      rocAuc: 0.975,
      tpr0: 0.25,
      tpr10: 0.5,
      purity: 0.125,
      prevalence: 0.001,
      images: ['roc.png'],
    },
  ]);
  assert.equal(list.find((r: any) => r.name === 'beta').status, 'training');
  assert.deepEqual((await get(server, 'api/runs/alpha/metrics')).body, [1, 2, 3].map(epochLine));
  const plot = await get(server, 'api/runs/alpha/files/eval/test/roc.png');
  assert.equal(plot.status, 200);
  assert.equal(plot.type, 'image/png');
  const unknown = await get(server, 'api/runs/gamma');
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.error, /unknown run 'gamma'/);
  for (const [p, status, text] of [
    ['api/runs/alpha/files/..%2F..%2Fsecret.png', 403, 'outside'],
    ['api/runs/..%2Fcat/metrics', 404, 'unknown run'],
    ['api/runs/alpha/files/leak.png', 403, 'a symbolic link to'],
    ['api/runs/alpha/files/train.lock', 403, 'only .png'],
    ['api/runs/alpha/files/eval/test/missing.png', 404, 'no such file'],
    ['api/runs/alpha/files/%E0%A4%A', 400, 'malformed'],
  ] as const) {
    const r = await get(server, p);
    assert.equal(r.status, status, p);
    assert.ok(r.body.error.includes(text), `${p}: ${r.body.error}`);
  }
});

test('live curves: the events stream sends every epoch, then each new one as training writes it', async () => {
  const res = await fetch(server.url + 'api/runs/beta/events');
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = res.body!.getReader();
  const seen: Record<string, number>[] = [];
  let text = '';
  const until = async (n: number) => {
    while (seen.length < n) {
      const { value } = await reader.read();
      text += Buffer.from(value!).toString();
      for (;;) {
        const end = text.indexOf('\n\n');
        if (end < 0) break;
        const m = /^event: epoch\ndata: (.*)$/m.exec(text.slice(0, end));
        if (m) seen.push(JSON.parse(m[1]));
        text = text.slice(end + 2);
      }
    }
  };
  await until(1);
  // As the trainer does: the whole file replaced by a rename.
  const tmp = path.join(runs.beta, 'metrics.tmp');
  mkdirSync(path.join(runs.beta, 'x'), { recursive: true });
  writeMetrics(path.join(runs.beta, 'x'), 3);
  renameSync(path.join(runs.beta, 'x/metrics.jsonl'), tmp);
  renameSync(tmp, path.join(runs.beta, 'metrics.jsonl'));
  await until(3);
  assert.deepEqual(seen, [1, 2, 3].map(epochLine));
  await reader.cancel();
});

test('a request naming another host is refused (DNS rebinding)', async () => {
  const status = await new Promise<number>((resolve, reject) => {
    http
      .get(
        { host: '127.0.0.1', port: server.port, path: '/api/info', headers: { Host: 'evil.example:80' } },
        (r) => {
          r.resume();
          resolve(r.statusCode!);
        },
      )
      .on('error', reject);
  });
  assert.equal(status, 403);
});

test('beyond loopback: refused without --allow-remote and graders; then each request needs its grader token', async () => {
  await assert.rejects(startServer({ catalog: cat.file, host: '0.0.0.0', port: 0 }), /add --allow-remote/);
  await assert.rejects(
    startServer({ catalog: cat.file, host: '0.0.0.0', port: 0, allowRemote: true }),
    /needs --graders/,
  );
  const s = await startServer({
    catalog: cat.file,
    host: '0.0.0.0',
    port: 0,
    allowRemote: true,
    graders: ['ann', 'bob'],
  });
  try {
    const base = `http://127.0.0.1:${s.port}/`;
    const token = (g: string) => new URL(s.links.find((l) => l.grader === g)!.url).searchParams.get('token')!;
    assert.equal((await fetch(base + 'api/info')).status, 401);
    assert.equal(
      (await fetch(base + 'api/info', { headers: { Authorization: 'Bearer wrong' } })).status,
      401,
    );
    const info = await fetch(base + 'api/info', { headers: { Authorization: `Bearer ${token('ann')}` } });
    assert.equal(((await info.json()) as any).grader, 'ann');
    const page = await fetch(`${base}?token=${token('bob')}`);
    assert.match(page.headers.get('set-cookie')!, /HttpOnly; SameSite=Strict/);
    const as = (who: string, grader: string) =>
      fetch(base + 'api/grades', {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Cookie: `lensfind_token=${token(who)}` },
        body: JSON.stringify({ id: 'cand-9', grader, grade: 2 }),
      });
    assert.equal((await as('bob', 'bob')).status, 200);
    const forged = await as('bob', 'ann');
    assert.equal(forged.status, 403);
    assert.match(((await forged.json()) as any).error, /your token is bob's/);
  } finally {
    await s.close();
  }
});
