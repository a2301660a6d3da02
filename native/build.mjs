#!/usr/bin/env node
// Builds the libtorch addon with node-gyp (two jobs: each file that includes torch headers takes ~20 s).
// Skips the build when the compiled addon is newer than every source file, so set-up can call it every time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { findLibtorch } from './find-libtorch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const output = path.join(here, 'build/Release/lensfind_torch.node');
const sources = [
  'binding.gyp',
  'find-libtorch.mjs',
  ...readdirSync(path.join(here, 'src')).map((f) => `src/${f}`),
];
const force = process.argv.includes('--force');

const newest = Math.max(...sources.map((f) => statSync(path.join(here, f)).mtimeMs));
if (!force && existsSync(output) && statSync(output).mtimeMs > newest) {
  console.log(`native addon is up to date (${path.relative(process.cwd(), output)})`);
  process.exit(0);
}

const found = findLibtorch();
if (!found) {
  console.error('lensfind could not find libtorch. Install it with: sudo apt-get install libtorch-dev');
  console.error('or set LIBTORCH=/path/to/libtorch, or install PyTorch for python3.');
  process.exit(1);
}
console.log(`building the libtorch addon against ${found.source}: ${found.root}`);
// npm hands its own node-gyp to install scripts; in a checkout, the devDependency.
const gyp =
  process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)
    ? process.env.npm_config_node_gyp
    : createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const jobs = process.env.LENSFIND_BUILD_JOBS ?? 'max';
// Build against the headers of the running Node when they are installed beside it: nothing is downloaded.
const prefix = path.dirname(path.dirname(process.execPath));
const nodedir =
  process.env.npm_config_nodedir ??
  (existsSync(path.join(prefix, 'include/node/node_api.h')) ? prefix : undefined);
const nodedirArgs = nodedir ? [`--nodedir=${nodedir}`] : [];
// Incremental: re-configure only when binding.gyp or the set of .cc files changed; make recompiles what changed.
const ccList = readdirSync(path.join(here, 'src'))
  .filter((f) => f.endsWith('.cc'))
  .sort()
  .join('\n');
const listFile = path.join(here, 'build/lensfind-sources.txt');
const makefile = path.join(here, 'build/Makefile');
const configured =
  !force &&
  existsSync(makefile) &&
  existsSync(listFile) &&
  readFileSync(listFile, 'utf8') === ccList &&
  statSync(makefile).mtimeMs > statSync(path.join(here, 'binding.gyp')).mtimeMs;
const run = (args) =>
  spawnSync(process.execPath, [gyp, ...args], { cwd: here, stdio: 'inherit' }).status ?? 1;
if (!configured) {
  const status = run(['configure', ...nodedirArgs]);
  if (status !== 0) process.exit(status);
  writeFileSync(listFile, ccList);
}
const status = run(['build', '-j', jobs, ...nodedirArgs]);
// Where libtorch came from, for `lensfind info`.
if (status === 0) writeFileSync(path.join(here, 'build/libtorch.json'), JSON.stringify(found, null, 1));
process.exit(status);
