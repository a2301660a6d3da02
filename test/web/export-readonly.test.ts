// Export from the page into a catalogue folder the server may not write: a 409 naming the folder, not a 500.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { makeWebCatalog } from '../helpers/web-catalog.js';
import { killHard, spawnServer } from '../helpers/serve-process.js';

test('export into a read-only catalogue folder: 409 with a message naming the folder; grading still works', async () => {
  const cat = makeWebCatalog(6, 'csv', 6);
  // Root writes through mode 555: the server then runs as `nobody` (it only needs to read the catalogue).
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const gradesDir = path.join(cat.dir, 'grades');
  mkdirSync(gradesDir);
  chmodSync(gradesDir, 0o777);
  chmodSync(cat.dir, 0o555);
  const server = await spawnServer(cat.file, '', { grades: path.join(gradesDir, 'g.sqlite'), ...asUser });
  try {
    const put = await fetch(server.url + 'api/grades', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'cand-1', grader: 'ann', grade: 3 }),
    });
    assert.equal(put.status, 200);
    for (const ext of ['csv', 'parquet']) {
      const res = await fetch(server.url + `api/export.${ext}`);
      const body = (await res.json()) as { error: string; code: string };
      assert.equal(res.status, 409, body.error);
      assert.equal(body.code, 'E_OUTPUT');
      assert.match(
        body.error,
        new RegExp(`catalogue's folder: ${cat.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
      assert.match(body.error, /permission denied/);
      assert.match(body.error, /--export OUT\.csv/);
    }
    assert.ok(!existsSync(path.join(cat.dir, 'cands.graded.csv')));
    assert.deepEqual(readdirSync(cat.dir).sort(), ['cands.csv', 'grades', 'images']);
  } finally {
    await killHard(server);
    chmodSync(cat.dir, 0o755);
  }
});
