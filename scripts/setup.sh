#!/usr/bin/env bash
# One-time (and idempotent) set-up on Debian/Ubuntu: system packages, npm packages, the libtorch addon.
#   - libtorch-dev: the C++ core of PyTorch that lensfind computes with;
#   - g++, make, python3: node-gyp's toolchain;
#   - fonts-dejavu-core: the font the plots are rendered with.
# Elsewhere (or to use another libtorch), set LIBTORCH=/path/to/libtorch or install PyTorch, then `npm ci && npm run build:native`.
# `--tests` also installs what the tests check lensfind against (not needed to run it): Debian's python3-onnx, whose
# checker validates the exported ONNX files; where it cannot be installed, that one test is skipped and says why.
set -euo pipefail
cd "$(dirname "$0")/.."
tests=0
[ "${1:-}" = "--tests" ] && tests=1

need=()
for pkg in libtorch-dev g++ make python3 fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ -z "${LIBTORCH:-}" ] && [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "setup: installing ${need[*]} with apt-get"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
  else
    echo "setup: missing ${need[*]}; install libtorch (or set LIBTORCH=/path/to/libtorch) and a C++ toolchain" >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # onnxruntime-node ships its CPU binaries in the npm package; its postinstall would fetch the CUDA provider: skip it.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi
npm run --silent build:native

if [ "$tests" = 1 ] && command -v apt-get >/dev/null && ! /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing python3-onnx (the tests' reference checker for exported ONNX files) with apt-get"
  { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends python3-onnx; } ||
    echo "setup: python3-onnx could not be installed; the onnx checker test will be skipped" >&2
fi
