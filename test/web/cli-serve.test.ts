import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import { readCsv } from '../../src/io/csv.js';
import { GradeStore, gradesFileFor } from '../../src/web/grade-store.js';
import { makeWebCatalog } from '../helpers/web-catalog.js';

test('lensfind serve: --export writes the graded catalogue; beyond loopback and bad flags are refused (exit 2)', async () => {
  const cat = makeWebCatalog(6, 'csv', 2);
  const store = new GradeStore(gradesFileFor(cat.file));
  store.set('cand-2', 'ann', 1);
  store.set('cand-2', 'bob', 2);
  store.close();
  const out = path.join(cat.dir, 'graded.csv');
  assert.equal(await main(['serve', '--catalog', cat.file, '--export', out]), 0);
  const rows = readCsv(out);
  assert.deepEqual(
    rows.map((r) => [r.id, r.grade_ann, r.grade_bob, r.grade_mean, r.grade_n]),
    [0, 1, 2, 3, 4, 5].map((k) =>
      k === 2 ? ['cand-2', '1', '2', '1.5', '2'] : [`cand-${k}`, '', '', '', '0'],
    ),
  );
  assert.equal(await main(['serve', '--catalog', cat.file, '--host', '0.0.0.0', '--port', '0']), 2);
  assert.equal(await main(['serve', '--catalog', cat.file, '--port', '99999']), 2);
  assert.equal(await main(['serve', '--port', '0']), 2, 'neither --runs nor --catalog');
  assert.equal(await main(['serve', '--catalog', path.join(cat.dir, 'missing.csv'), '--port', '0']), 2);
  assert.equal(await main(['serve', '--export', out]), 2, '--export without --catalog');
});
