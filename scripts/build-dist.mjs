#!/usr/bin/env node
// Compiles src/ to dist/ (JavaScript + .d.ts, same folder layout, so paths like ../../configs resolve the same from
// both) and copies the non-TypeScript files the code reads beside its modules (the simulator's .wasm kernels).
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const status = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
}).status;
if (status !== 0) process.exit(status ?? 1);

let copied = 0;
function copyAssets(dir) {
  for (const entry of readdirSync(path.join(root, 'src', dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(rel);
    else if (!entry.name.endsWith('.ts')) {
      cpSync(path.join(root, 'src', rel), path.join(dist, rel));
      copied++;
    }
  }
}
copyAssets('');
console.log(`built dist/ (${copied} asset file(s) copied)`);
