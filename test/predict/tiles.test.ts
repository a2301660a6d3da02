// predict --tiles --catalog: stamps cut from survey tiles are scored as the same stamps given as an .npy stack;
// the catalogue's columns (and tile, edge) carry through to the candidate list, sharded and merged alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { predict } from '../../src/predict/predict.js';
import { mergeShards } from '../../src/predict/merge.js';
import { openTiles, placeStamp, readStamp } from '../../src/data/tiles.js';
import { readCsv } from '../../src/io/csv.js';
import { writeNpy } from '../../src/io/npy.js';
import { main } from '../../src/cli/main.js';
import { tinyRun } from './tiny-run.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/wcs');

test('predict --tiles --catalog: scores, columns and shards', async (t) => {
  const { runDir, root } = await tinyRun('tiles');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const pattern = path.join(DIR, '*_{band}.fits');
  // The tiny model takes 3 bands of 16x16: g, r, g.
  const bands = ['g', 'r', 'g'];
  const tiles = openTiles(pattern, bands);
  // Objects on a grid over both tiles' pixels, two far outside.
  const rows: string[] = ['object_id,ra,dec,mag_r,note'];
  for (const tile of tiles) {
    for (let y = -4; y < 34; y += 9) {
      for (let x = -4; x < 44; x += 11) {
        const [ra, dec] = tile.wcs.pixelToWorld(x + 0.3, y + 0.2);
        rows.push(`${tile.name}-${x}-${y},${ra},${dec},${(20 + x / 100).toFixed(2)},n${x}`);
      }
    }
  }
  rows.push('far1,10,10,21,x', 'far2,200,-40,22,y');
  const catalog = path.join(root, 'objects.csv');
  writeFileSync(catalog, rows.join('\n') + '\n');
  const objects = readCsv(catalog);

  const common = {
    runs: [runDir],
    input: catalog,
    tiles: { pattern, bands },
    workers: 0,
    batchSize: 4,
    partSize: 4,
  };
  const out = path.join(root, 'one', 'catalog.csv');
  const res = await predict({ ...common, out });
  assert.equal(res.rejected.length, 2);
  assert.match(res.rejected[0].reason, /object far1 .* is outside every tile/);
  const cat = readCsv(out);
  assert.equal(cat.length, objects.length - 2);
  assert.deepEqual(Object.keys(cat[0]), [
    'id',
    'path',
    'score',
    'rank',
    'logit',
    'ra',
    'dec',
    'mag_r',
    'note',
    'tile',
    'edge',
  ]);

  // The same stamps as an .npy stack score the same.
  const inside = objects.filter((o) => !o.object_id.startsWith('far'));
  const stack = new Float32Array(inside.length * 3 * 16 * 16);
  const edges: number[] = [];
  inside.forEach((o, i) => {
    const placed = placeStamp(tiles, Number(o.ra), Number(o.dec), 16, 16)!;
    stack.set(readStamp(placed.region), i * 3 * 16 * 16);
    edges.push(placed.edge ? 1 : 0);
  });
  const npy = path.join(root, 'stamps.npy');
  writeNpy(npy, stack, [inside.length, 3, 16, 16]);
  const ref = readCsv(
    await predict({
      runs: [runDir],
      input: npy,
      workers: 0,
      batchSize: 4,
      out: path.join(root, 'ref', 'c.csv'),
    }).then((r) => r.catalog),
  );
  const refScore = new Map(ref.map((r) => [Number(r.id.split('#')[1]), Number(r.score)]));
  for (const row of cat) {
    const i = inside.findIndex((o) => o.object_id === row.id);
    assert.ok(i >= 0, `${row.id} is not a catalogue object`);
    assert.ok(
      Math.abs(Number(row.score) - refScore.get(i)!) < 1e-6,
      `${row.id}: tile score ${row.score} vs stack ${refScore.get(i)}`,
    );
    assert.equal(row.mag_r, String(Number(inside[i].mag_r)));
    assert.equal(row.note, inside[i].note);
    assert.equal(row.tile, row.id.split('-')[0]);
    assert.equal(Number(row.edge), edges[i]);
  }
  assert.ok(edges.some((e) => e === 1) && edges.some((e) => e === 0));

  // Sharded through the CLI, then merged: the same catalogue.
  const sharded = path.join(root, 'sharded', 'catalog.csv');
  for (const i of [1, 2]) {
    const argv = ['predict', '--run', runDir, '--tiles', pattern, '--catalog', catalog, '--bands', 'g,r,g'];
    assert.equal(
      await main([
        ...argv,
        '--out',
        sharded,
        '--shard',
        `${i}/2`,
        '--batch-size',
        '4',
        '--part-size',
        '4',
        '--workers',
        '0',
      ]),
      0,
    );
  }
  await mergeShards({ out: sharded });
  assert.equal(readFileSync(sharded, 'utf8'), readFileSync(out, 'utf8'));
  // Usage errors.
  assert.equal(await main(['predict', '--run', runDir, '--tiles', pattern, '--catalog', catalog]), 2);
  await assert.rejects(
    predict({ ...common, tiles: { pattern, bands: ['g', 'r'] }, out: path.join(root, 'x.csv') }),
    /the model takes 3 bands/,
  );
});
