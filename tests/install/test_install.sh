#!/usr/bin/env bash
# cmake --install, then find_package(snnc) from a project outside the tree
# (examples/host_api), built and run against snnc's own golden run.
set -euo pipefail
build=$1 src=$2 python=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$src/examples/host_api" -B "$tmp/app" -G Ninja \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/app" >/dev/null
"$build/bin/snnc" compile "$src/tests/models/conv_pool_negscale.onnx" -o "$tmp/m.snnpkg" >/dev/null
"$python" -c "
import numpy as np
np.save('$tmp/x.npy', np.random.default_rng(1).random((20, 1, 8, 8), dtype=np.float32))"
"$tmp/app/classify" "$tmp/m.snnpkg" "$tmp/x.npy" > "$tmp/app.txt"
"$build/bin/snnc" run "$tmp/m.snnpkg" --engine golden --input "$tmp/x.npy" -o "$tmp/y.npy"
"$python" -c "
import numpy as np
want = np.load('$tmp/y.npy').argmax(1).tolist()
lines = open('$tmp/app.txt').read().split()
got = [int(v) for v in lines[:len(want)]]
assert got == want, (got, want)
assert 'synaptic' in open('$tmp/app.txt').read()
print('find_package(snnc) app agrees with snnc on', len(want), 'images')"
