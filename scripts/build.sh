#!/usr/bin/env bash
# Configures and builds snnc into build/ (Release, Ninja, ccache when present).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_BUILD_DIR:-$repo/build}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" \
  -DMLIR_DIR=/usr/lib/llvm-16/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-16/build/utils/lit/lit.py >/dev/null
cmake --build "$build" -j "$(nproc)"
