// The published package as a user gets it: `npm pack` (prepack compiles src/ to dist/), installed into an empty
// project with no network, then used from plain Node (no tsx): the `lensfind` command simulates, trains one epoch
// and predicts, and an .mjs file imports the library.
//
// Offline install: the temp project gets a package-lock.json made of this repository's lock (its non-dev entries,
// with their resolved URLs and integrity hashes) plus the tarball, and `npm ci --offline` takes every tarball from
// the npm cache that this checkout's own `npm ci` filled. The addon: built at install (native/install.mjs); to stay
// within about two minutes the test lets the install reuse this checkout's addon when its sources are identical
// (LENSFIND_NATIVE_FROM); LENSFIND_PACK_TEST_BUILD=1 compiles it instead (several minutes on two cores).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hasLibtorch =
  spawnSync(process.execPath, [path.join(ROOT, 'native/find-libtorch.mjs'), 'json']).status === 0;

/** The environment of a plain `node`: no tsx loader inherited through NODE_OPTIONS. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

/** Seconds per step, reported by the test (the slowest of the suite). */
const timings: string[] = [];

function run(
  cmd: string,
  args: string[],
  cwd: string,
  extra: Record<string, string> = {},
): SpawnSyncReturns<string> {
  const start = performance.now();
  const r = spawnSync(cmd, args, { cwd, env: plainEnv(extra), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  timings.push(`${path.basename(cmd)} ${args[0]} ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return r;
}

/** A lock for a project depending only on the tarball, from this repository's lock (its runtime entries). */
function offlineLock(tarball: string): Record<string, unknown> {
  const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { lensfind: `file:${tarball}` } },
    'node_modules/lensfind': {
      version: pkg.version,
      resolved: `file:${tarball}`,
      hasInstallScript: true,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) if (key && !entry.dev) packages[key] = entry;
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

test(
  'the packed tarball installs offline and works from plain Node',
  {
    skip:
      !hasLibtorch &&
      'no libtorch on this machine (the addon cannot be built): sudo apt-get install libtorch-dev',
  },
  (t) => {
    const work = mkdtempSync(path.join(tmpdir(), 'lensfind-pack-'));
    t.after(() => rmSync(work, { recursive: true, force: true }));

    // npm pack runs prepack: dist/ compiled fresh from src/.
    const packed = JSON.parse(
      run('npm', ['pack', '--json', '--pack-destination', work], ROOT).stdout.replace(/^[^[]*/s, ''),
    ) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0].files.map((f) => f.path);
    for (const f of [
      'dist/index.js',
      'dist/index.d.ts',
      'bin/lensfind.js',
      'dist/cli/main.js',
      'dist/sim/wasm/sim-kernels.wasm',
      'configs/surveys/lsst.yaml',
      'native/install.mjs',
      'native/src/addon.cc',
    ]) {
      assert.ok(files.includes(f), `${f} is in the tarball`);
    }
    assert.deepEqual(
      files.filter((f) => /^(test|bench|src|scripts|wasm)\//.test(f) || f.endsWith('.test.js')),
      [],
      'no sources, tests or benches',
    );
    const tarball = path.join(work, packed[0].filename);

    const project = path.join(work, 'consumer');
    run('mkdir', ['-p', project], work);
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        version: '1.0.0',
        private: true,
        type: 'module',
        dependencies: { lensfind: `file:${tarball}` },
      }),
    );
    writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(offlineLock(tarball)));
    const reuse: Record<string, string> =
      process.env.LENSFIND_PACK_TEST_BUILD === '1' ? {} : { LENSFIND_NATIVE_FROM: path.join(ROOT, 'native') };
    const install = run(
      'npm',
      ['ci', '--offline', '--no-audit', '--no-fund', '--foreground-scripts'],
      project,
      {
        ONNXRUNTIME_NODE_INSTALL: 'skip', // its postinstall would download the CUDA provider
        ...reuse,
      },
    );
    assert.match(
      install.stdout + install.stderr,
      /lensfind: reused the libtorch addon|building the libtorch addon/,
    );
    const installed = path.join(project, 'node_modules/lensfind');
    assert.ok(
      existsSync(path.join(installed, 'native/build/Release/lensfind_torch.node')),
      'the addon is built at install',
    );

    // The command, as npm links it (node_modules/.bin/lensfind -> bin/lensfind.js, which runs dist/), by plain node.
    const bin = path.join(project, 'node_modules/.bin/lensfind');
    const cli = (...args: string[]) => run(bin, args, project);
    cli(
      'simulate',
      '--preset',
      'simple',
      '--n',
      '24',
      '--workers',
      '0',
      '--quiet',
      '--set',
      'image_size=16',
      '--out',
      'ds',
    );
    assert.equal(readFileSync(path.join(project, 'ds/manifest.csv'), 'utf8').trim().split('\n').length, 25);
    cli(
      'train',
      '--data',
      'ds',
      '--run-dir',
      'runs',
      '--name',
      'tiny',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--threads',
      '1',
      '--set',
      'model.channels=[8,16]',
    );
    assert.ok(readdirSync(path.join(project, 'runs/tiny')).includes('summary.json'));
    cli('predict', '--run', 'runs/tiny', '--input', 'ds', '--out', 'catalog.csv', '--workers', '0');
    const rows = readFileSync(path.join(project, 'catalog.csv'), 'utf8').trim().split('\n');
    assert.equal(rows.length, 25, 'one row per cutout and a header');
    for (const row of rows.slice(1)) {
      const score = Number(row.split(',')[2]);
      assert.ok(score >= 0 && score <= 1, row);
    }

    // The library from a plain .mjs file.
    writeFileSync(
      path.join(project, 'use.mjs'),
      [
        "const lf = await import('lensfind');",
        'const t = lf.torch.tensor([1, 2, 3.5]);',
        'const npy = lf.io.readNpy(process.argv[2]);',
        'console.log(JSON.stringify({ sum: t.sum().item(), shape: npy.shape }));',
      ].join('\n'),
    );
    const shard = readdirSync(path.join(project, 'ds/images')).find((f) => f.endsWith('.npy'))!;
    const out = JSON.parse(
      run(process.execPath, ['use.mjs', path.join('ds/images', shard)], project).stdout,
    ) as { sum: number; shape: number[] };
    assert.equal(out.sum, 6.5);
    t.diagnostic(timings.join(', '));
    assert.deepEqual(out.shape.slice(1), [3, 16, 16]);
  },
);
