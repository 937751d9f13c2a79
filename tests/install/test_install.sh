#!/usr/bin/env bash
# cmake --install, then find_package(snnc) from a project outside the tree
# (examples/host_api), built and run on all three devices of the host API
# (golden, rtl, a simulated board) against snnc's own golden run.
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
# The same application on the RTL (Verilator) and on a board (board-sim).
export PATH="$build/bin:$PATH" SNNC_CACHE_DIR="$tmp/cache"
"$tmp/app/classify" "$tmp/m.snnpkg" "$tmp/x.npy" --device rtl > "$tmp/rtl.txt"
snnc emit-verilog "$tmp/m.snnpkg" -o "$tmp/board" > /dev/null
"$src/tests/Inputs/with_board.sh" "$tmp/board" -- \
  "$tmp/app/classify" "$tmp/m.snnpkg" "$tmp/x.npy" --device board:@PTY@ > "$tmp/board.txt"
"$python" -c "
import numpy as np
want = np.load('$tmp/y.npy').argmax(1).tolist()
for device in ('rtl', 'board'):
    text = open('$tmp/' + device + '.txt').read()
    got = [int(v) for v in text.split()[:len(want)]]
    assert got == want, (device, got, want)
    assert 'device ' + device in text, text
    assert '\"cycles\"' in text, text
print('the app agrees with snnc on the rtl and board devices')"
