// `lensfind inject` as a user runs it (node bin/lensfind.js): a folder of FITS cutouts with labels.csv and FITS PSFs,
// into a dataset that openDataset and `lensfind train --data` read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { data, sim } from '../../src/index.js';
import { readCsv, writeCsv } from '../../src/io/csv.js';
import { writeFits } from '../../src/io/fits-write.js';
import { loadInjectConfig } from '../../src/inject/config.js';
import { runCli, tinyTrainArgs } from '../faults/cli.js';
import { parseCommandArgs } from '../../src/cli/command.js';
import { injectCommand } from '../../src/cli/commands/inject.js';
import { ConfigError, LensfindError } from '../../src/errors.js';
import { BANDS, deflectorCutouts } from './helpers.js';

const SIZE = 32;
const root = mkdtempSync(path.join(tmpdir(), 'lensfind-inject-cli-'));
const cutouts = path.join(root, 'fits');
mkdirSync(cutouts);
deflectorCutouts(8, SIZE, 13).forEach((im, i) =>
  writeFits(path.join(cutouts, `gal${i}.fits`), im, [3, SIZE, SIZE]),
);
writeCsv(
  path.join(cutouts, 'labels.csv'),
  Array.from({ length: 8 }, (_, i) => ({ file: `gal${i}.fits`, label: 0 })),
);
// the PSF of each band as a FITS image (odd side, any normalisation)
const psfs = BANDS.map((b, i) => {
  const k = sim.psfKernel({ type: 'gaussian', fwhm: [0.8, 0.75, 0.7][i] }, 0.2, 15);
  const file = path.join(root, `psf-${b}.fits`);
  writeFits(
    file,
    Float32Array.from(k.data, (v) => 3 * v),
    [k.size, k.size],
  );
  return file;
});

test(
  'lensfind inject on a FITS folder writes a dataset that openDataset and lensfind train read',
  { timeout: 120_000 },
  async () => {
    const out = path.join(root, 'injected');
    const psfArgs = psfs.flatMap((f) => ['--psf', f]);
    const r = await runCli([
      'inject',
      '--cutouts',
      cutouts,
      '--out',
      out,
      '--n',
      '3',
      '--seed',
      '1',
      ...psfArgs,
      '--quiet',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const rows = readCsv(path.join(out, 'manifest.csv'));
    assert.equal(rows.length, 8);
    assert.equal(rows.filter((x) => x.label === '1' && x.injected === '1').length, 3);
    const ds = await data.openDataset(out);
    assert.deepEqual([ds.items.length, ds.bands, ds.height, ds.width], [8, 3, SIZE, SIZE]);
    // config.yaml is the resolved configuration: it loads again as it is
    const saved = loadInjectConfig({ file: path.join(out, 'config.yaml') });
    assert.deepEqual(saved.psf.files, psfs);
    assert.equal(saved.n, 3);
    assert.match(readFileSync(path.join(out, 'config.yaml'), 'utf8'), /PSF per band: g .*psf-g\.fits/);

    const runs = mkdtempSync(path.join(tmpdir(), 'lensfind-inject-runs-'));
    const t = await runCli(tinyTrainArgs(out, runs), { timeoutMs: 110_000 });
    assert.equal(t.code, 0, t.stderr);
  },
);

test('lensfind inject usage and configuration errors name what to give', async () => {
  const run = (argv: string[]) => injectCommand.run(parseCommandArgs(injectCommand, argv));
  await assert.rejects(
    run(['--out', path.join(root, 'x')]),
    (e: unknown) =>
      e instanceof LensfindError && e.message === '--cutouts DIR is required (the cutouts to inject into)',
  );
  await assert.rejects(
    run(['--cutouts', cutouts, '--out', path.join(root, 'y'), '--n', '2', '--fraction', '0.5']),
    (e: unknown) =>
      e instanceof ConfigError && e.field === 'n' && /give n or fraction, not both/.test(e.message),
  );
  await assert.rejects(
    run(['--cutouts', cutouts, '--out', path.join(root, 'z'), '--bands', 'g,r', '--quiet']),
    (e: unknown) => e instanceof ConfigError && /bands: the cutouts have 3 bands/.test(e.message),
  );
  await assert.rejects(
    run(['--cutouts', cutouts, '--out', path.join(root, 'w'), '--psf-fwhm', '0.8,0.7']),
    (e: unknown) =>
      e instanceof ConfigError && e.field === 'psf.fwhm' && /2 values for 3 bands/.test(e.message),
  );
  await assert.rejects(
    run(['--cutouts', cutouts, '--out', path.join(root, 'v'), '--zero-points', '22.5,x,22.5']),
    (e: unknown) => e instanceof LensfindError && /--zero-points x: expected a number/.test(e.message),
  );
});
