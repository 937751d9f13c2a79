#!/usr/bin/env bash
# Sets up, builds, and runs the main job on the bundled Fashion-MNIST model:
# import to the snn dialect, compile to a core package, then float and golden
# (bit-exact integer) inference on all 10,000 test images, and the first
# images on the cycle-accurate RTL core; then the board-sized example: its
# fit on the iCEBreaker, its accuracy, and its bitstream.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$repo/scripts/setup.sh"
bash "$repo/scripts/build.sh"
snnc="${SNNC_BUILD_DIR:-$repo/build}/bin/snnc"
model="$repo/examples/fashion_mnist/fashion_mnist.onnx"
data=/usr/share/datasets/fashion-mnist
echo "== snnc import (first lines of the snn dialect) =="
ir="${SNNC_BUILD_DIR:-$repo/build}/fashion_mnist.mlir"
"$snnc" import "$model" -o "$ir"
grep -v "arith.constant" "$ir" | sed -n 1,30p
echo "== snnc compile --state-bits 16 =="
"$snnc" compile "$model" --state-bits 16 \
  -o "${SNNC_BUILD_DIR:-$repo/build}/fashion_mnist.snnpkg"
echo "== snnc compile --target ice40-up5k: the iCEBreaker's fit check =="
# The check uses the core's real memory layout: this 12,544-neuron model
# needs far more block RAM than the UP5K has, and compile says so.
"$snnc" compile "$model" --target ice40-up5k --state-bits 16 \
  -o "${SNNC_BUILD_DIR:-$repo/build}/fashion_mnist_up5k.snnpkg" || true
echo "== snnc eval --engine golden, Fashion-MNIST test set (float and integer) =="
"$snnc" eval "$model" --engine golden \
  --images "$data/t10k-images-idx3-ubyte.gz" --labels "$data/t10k-labels-idx1-ubyte.gz"
echo "== snnc sim: the first 20 test images on the RTL core (Verilator, 8 lanes) =="
# The cycle-accurate model of the core, checked against the golden engine
# spike for spike.  The first run builds the simulator (cached).
x="${SNNC_BUILD_DIR:-$repo/build}/fashion_mnist_20.npy"
/usr/bin/python3 - "$x" <<'PY'
import gzip, sys
import numpy as np
raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()[16:]
x = np.frombuffer(raw, np.uint8)[: 20 * 784].reshape(20, 1, 28, 28) / 255.0
np.save(sys.argv[1], x.astype(np.float32))
PY
"$snnc" sim "$model" --input "$x" --lanes 8
echo "== snnc compare: where integer and float spikes part, layer by layer =="
"$snnc" compare "$model" --input "$x"
echo "== snnc report: one HTML file of the example on the same 20 images =="
"$snnc" report "$model" --input "$x" -o "${SNNC_BUILD_DIR:-$repo/build}/fashion_mnist_report.html"
echo "== import snnc: the same library from Python, on all local cores =="
/usr/bin/python3 - "$model" "$data" <<'PY'
import sys
import snnc
model, data = sys.argv[1:]
result = snnc.eval(snnc.compile(model), f"{data}/t10k-images-idx3-ubyte.gz",
                   f"{data}/t10k-labels-idx1-ubyte.gz", limit=2000)
print(f"snnc.eval (golden, {result.shards} shards): {result.accuracy:.2%} "
      f"({result.correct} / {result.total} images)")
PY
echo "== the board example: fit on the iCEBreaker (iCE40 UP5K), four delivery lanes =="
board_model="$repo/examples/fashion_mnist_board/fashion_mnist_board.onnx"
board_pkg="${SNNC_BUILD_DIR:-$repo/build}/fashion_mnist_board.snnpkg"
"$snnc" compile "$board_model" --target ice40-up5k --lanes 4 -o "$board_pkg" |
  sed -n '/^fit on/,/logic cells/p'
echo "== snnc eval --engine golden: the board example on the test set (float and integer) =="
"$snnc" eval "$board_model" --engine golden --target ice40-up5k \
  --images "$data/t10k-images-idx3-ubyte.gz" --labels "$data/t10k-labels-idx1-ubyte.gz"
echo "== snnc bitstream --board icebreaker --clock-mhz auto --measure: synthesis, place and route on the PLL's best clock, icepack, then the bitstream's board measured on 4 test images =="
x4="${SNNC_BUILD_DIR:-$repo/build}/fashion_mnist_4.npy"
/usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[2], np.load(sys.argv[1])[:4])" "$x" "$x4"
"$snnc" bitstream "$board_pkg" --board icebreaker --clock-mhz auto --measure "$x4" \
  -o "${SNNC_BUILD_DIR:-$repo/build}/fashion_mnist_board_fpga"
