#!/usr/bin/env node
// Locates libtorch for the addon build, in the documented order:
//   1. $LIBTORCH: a folder with include/ and lib/ (the libtorch zip, or a PyTorch package folder);
//   2. an installed PyTorch (python3 -c "import torch"), whose package folder holds include/ and lib/;
//   3. Debian/Ubuntu's libtorch-dev (headers in /usr/include, libraries in the multiarch lib folder).
// Usage from binding.gyp: `node find-libtorch.mjs include|libs|defines|json`.
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const INSTALL_HINT = [
  'lensfind could not find libtorch (the C++ core of PyTorch). Do one of:',
  '  - Debian 12 / Ubuntu 22.04+: sudo apt-get install libtorch-dev',
  '  - set LIBTORCH=/path/to/libtorch (a folder with include/ and lib/, e.g. the unpacked libtorch zip)',
  '  - install PyTorch for python3 (pip install torch); its package folder is used',
].join('\n');

function hasApiHeaders(includeDir) {
  return existsSync(path.join(includeDir, 'torch/csrc/api/include/torch/torch.h'));
}

function fromFolder(root, source) {
  const include = path.join(root, 'include');
  const lib = path.join(root, 'lib');
  if (!hasApiHeaders(include) || !existsSync(lib)) return undefined;
  return { source, root, include, lib };
}

function fromEnv() {
  const root = process.env.LIBTORCH;
  if (!root) return undefined;
  const found = fromFolder(root, 'LIBTORCH');
  if (!found) {
    console.error(
      `LIBTORCH=${root} does not contain include/torch/csrc/api/include/torch/torch.h and lib/.\n${INSTALL_HINT}`,
    );
    process.exit(1);
  }
  return found;
}

function fromPython() {
  if (process.env.LENSFIND_SKIP_PYTHON_TORCH) return undefined;
  for (const py of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    try {
      const out = execFileSync(
        py,
        [
          '-c',
          'import torch,os;print(os.path.dirname(torch.__file__));print(int(torch._C._GLIBCXX_USE_CXX11_ABI))',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60000 },
      )
        .trim()
        .split('\n');
      const found = fromFolder(out[0], `PyTorch (${py})`);
      if (found) return { ...found, cxx11abi: out[1] };
    } catch {
      // no torch for this interpreter: try the next one
    }
  }
  return undefined;
}

function fromSystem() {
  if (!hasApiHeaders('/usr/include')) return undefined;
  const candidates = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];
  const lib = candidates.find(
    (d) => existsSync(d) && readdirSync(d).some((f) => f.startsWith('libtorch_cpu.so')),
  );
  return lib ? { source: 'system (libtorch-dev)', root: '/usr', include: '/usr/include', lib } : undefined;
}

export function findLibtorch() {
  return fromEnv() ?? fromPython() ?? fromSystem();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const found = findLibtorch();
  if (!found) {
    console.error(INSTALL_HINT);
    process.exit(1);
  }
  const what = process.argv[2] ?? 'json';
  const libNames = ['torch', 'torch_cpu', 'c10'];
  if (existsSync(path.join(found.lib, 'libtorch_cuda.so'))) libNames.push('torch_cuda', 'c10_cuda');
  if (what === 'include') {
    console.log([found.include, path.join(found.include, 'torch/csrc/api/include')].join(' '));
  } else if (what === 'libs') {
    // -Wl,--no-as-needed keeps libtorch_cuda linked so CUDA kernels register even though nothing names them.
    console.log(
      [
        `-L${found.lib}`,
        `-Wl,-rpath,${found.lib}`,
        '-Wl,--no-as-needed',
        ...libNames.map((n) => `-l${n}`),
        '-Wl,--as-needed',
      ].join(' '),
    );
  } else if (what === 'defines') {
    console.log(found.cxx11abi !== undefined ? `_GLIBCXX_USE_CXX11_ABI=${found.cxx11abi}` : '');
  } else {
    console.log(JSON.stringify(found, null, 2));
  }
}
