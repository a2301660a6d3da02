// Fault injection, paths that leave the dataset: manifest rows naming ../../outside.npy, an absolute path,
// ../../../etc/passwd, links out of the folder, a loop, a FIFO, /dev/zero; in every reader that takes paths from
// a file or a listing. A FIFO outside the dataset is the tripwire: opening it would hang the test (timeout).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { openDataset, type SkippedItem } from '../../src/data/index.js';
import { readNpy, writeNpy } from '../../src/io/npy.js';
import { tempDir, tinyRun } from '../predict/tiny-run.js';
import { assertExit, cli } from './io-cli.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/data');

/** The refused rows by the path as the row wrote it (the quoted part of the reason) → the reason. */
function refused(skipped: SkippedItem[]): Map<string, string> {
  return new Map(
    skipped.filter((s) => /' is /.test(s.reason)).map((s) => [/'([^']+)' is /.exec(s.reason)![1], s.reason]),
  );
}

/** A temp folder holding `dataset/` (a copy of a fixture) beside `outside/` (files a manifest must not reach). */
function layout(fixture: string): { root: string; ds: string; outside: string } {
  const root = tempDir('faults-manifest');
  const ds = path.join(root, 'dataset');
  cpSync(path.join(FIXTURES, fixture), ds, { recursive: true });
  const outside = path.join(root, 'outside');
  mkdirSync(outside);
  const img = readNpy(path.join(FIXTURES, 'lensfind/images/single.npy'));
  writeNpy(path.join(outside, 'outside.npy'), img.data, img.shape);
  execFileSync('mkfifo', [path.join(outside, 'trap.npy')]);
  return { root, ds, outside };
}

test('a lensfind manifest may name only files inside the dataset (or data.root); the rest is reported and skipped', async (t) => {
  const { root, ds, outside } = layout('lensfind');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const images = path.join(ds, 'images');
  symlinkSync(path.join(outside, 'outside.npy'), path.join(images, 'link-out.npy'));
  symlinkSync('single.npy', path.join(images, 'link-in.npy'));
  symlinkSync('loop.npy', path.join(images, 'loop.npy'));
  symlinkSync('/dev/zero', path.join(images, 'zero.npy'));
  execFileSync('mkfifo', [path.join(images, 'fifo.npy')]);
  const rows: [string, string][] = [
    ['up', '../outside/outside.npy'],
    ['up2', '../../outside.npy'],
    ['abs', path.join(outside, 'outside.npy')],
    ['passwd', '../../../../../../../../etc/passwd'],
    ['trap', '../outside/trap.npy'],
    ['link-out', 'images/link-out.npy'],
    ['loop', 'images/loop.npy'],
    ['zero', 'images/zero.npy'],
    ['fifo', 'images/fifo.npy'],
    ['link-in', 'images/link-in.npy'],
    ['abs-in', path.join(images, 'single.npy')],
  ];
  appendFileSync(
    path.join(ds, 'manifest.csv'),
    rows.map(([id, p]) => `${id},train,1,${p},1.0,3000\n`).join(''),
  );

  const ds1 = await openDataset(ds, { validate: false });
  const ids = new Set(ds1.items.map((it) => it.id));
  for (const id of ['link-in', 'abs-in', 'sim-000', 'sim-missing']) assert.ok(ids.has(id), id);
  for (const [id] of rows.slice(0, 9)) assert.ok(!ids.has(id), `${id} must not be listed`);
  const why = refused(ds1.skipped);
  assert.equal(why.size, 9);
  for (const p of ['../outside/outside.npy', '../../outside.npy', path.join(outside, 'outside.npy')])
    assert.match(why.get(p)!, /is outside the dataset folder .*dataset \(set data\.root/);
  assert.match(why.get('../../../../../../../../etc/passwd')!, /manifest\.csv: line 16: .* is outside/);
  assert.match(why.get('../outside/trap.npy')!, /is outside/);
  assert.match(why.get('images/link-out.npy')!, /a symbolic link to .*outside\/outside\.npy, outside/);
  assert.match(why.get('images/loop.npy')!, /symbolic link loop/);
  assert.match(why.get('images/zero.npy')!, /symbolic link to \/dev\/zero, outside/);
  assert.match(why.get('images/fifo.npy')!, /FIFO \(named pipe\), not a regular file/);

  // data.root lets the manifest reach `outside/`, links resolved; the FIFO there is still never opened.
  const ds2 = await openDataset(ds, { dataRoot: outside });
  const ids2 = new Set(ds2.items.map((it) => it.id));
  for (const id of ['up', 'abs', 'link-out']) assert.ok(ids2.has(id), `${id} allowed by data.root`);
  assert.ok(!ids2.has('passwd') && !ids2.has('trap'));
  assert.match(refused(ds2.skipped).get('../outside/trap.npy')!, /FIFO/);
  assert.match(refused(ds2.skipped).get('../../outside.npy')!, /or data\.root .*outside/);
});

test('png-csv, FITS labels and DeepLense listings go through the same check', async (t) => {
  const png = layout('pngcsv');
  const fits = layout('fits');
  const dl = layout('deeplense');
  t.after(() => [png, fits, dl].forEach((l) => rmSync(l.root, { recursive: true, force: true })));

  copyFileSync(path.join(png.ds, 'img/t0.png'), path.join(png.outside, 'out.png'));
  appendFileSync(path.join(png.ds, 'train.csv'), '../outside/out.png,1\n/etc/passwd,0\n');
  const p = refused((await openDataset(png.ds)).skipped);
  assert.match(p.get('../outside/out.png')!, /train\.csv: line 10: .* is outside the dataset folder/);
  assert.match(p.get('/etc/passwd')!, /is outside/);

  appendFileSync(path.join(fits.ds, 'labels.csv'), '../outside/trap.npy,1,30\n');
  assert.match(
    refused((await openDataset(fits.ds)).skipped).get('../outside/trap.npy')!,
    /labels\.csv: line 9/,
  );

  symlinkSync(path.join(dl.outside, 'outside.npy'), path.join(dl.ds, 'train_lenses/lenses_out.npy'));
  symlinkSync(path.join(dl.outside, 'trap.npy'), path.join(dl.ds, 'train_lenses/lenses_trap.npy'));
  const d = (await openDataset(dl.ds)).skipped.map((s) => s.reason);
  assert.equal(d.filter((r) => /lenses_(out|trap)\.npy: a symbolic link to .*, outside/.test(r)).length, 2);
});

test('evaluate through the CLI reports the outside rows and scores only the dataset', async (t) => {
  const { runDir, root } = await tinyRun('faults-manifest');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const ds = path.join(root, 'ds');
  mkdirSync(path.join(ds, 'images'), { recursive: true });
  const lines = ['id,split,label,path'];
  for (const [i, dir] of ['test_lenses', 'test_nonlenses'].entries()) {
    for (const k of ['0000', '0001', '0002']) {
      copyFileSync(path.join(root, 'data', dir, `${k}.npy`), path.join(ds, 'images', `${dir}-${k}.npy`));
      lines.push(`${dir}-${k},test,${1 - i},images/${dir}-${k}.npy`);
    }
  }
  copyFileSync(path.join(root, 'data/test_lenses/0003.npy'), path.join(root, 'outside.npy'));
  execFileSync('mkfifo', [path.join(root, 'trap.npy')]);
  lines.push(
    'out,test,1,../outside.npy',
    'trap,test,0,../trap.npy',
    'passwd,test,0,../../../../../etc/passwd',
  );
  appendFileSync(path.join(ds, 'manifest.csv'), lines.join('\n') + '\n');
  const out = path.join(root, 'eval-out');
  const r = await cli(
    ['evaluate', '--run', runDir, '--data', ds, '--out', out, '--bootstrap', '0', '--workers', '0'],
    {
      // A hang check, not a speed test: on two cores shared with training jobs, evaluate's plots alone took 40 s.
      timeoutMs: 120_000,
    },
  );
  assertExit(r, 0, 'evaluate with outside manifest rows');
  for (const p of ['../outside.npy', '../trap.npy', '../../../../../etc/passwd'])
    assert.match(r.stderr, new RegExp(`skipped \\S+: .*'${p.replace(/[./]/g, '\\$&')}' is outside`));
  const { readCsv } = await import('../../src/io/csv.js');
  assert.deepEqual(
    readCsv(path.join(out, 'predictions.csv'))
      .map((row) => row.id)
      .sort(),
    lines
      .slice(1, 7)
      .map((l) => l.split(',')[0])
      .sort(),
  );
});
