#!/usr/bin/env bash
# FPGA benchmarks: `snnc bitstream` of a model on a board (default: the
# board example examples/fashion_mnist_board on the iCEBreaker, the
# network the tests build a bitstream for), then its 1-lane core in
# Verilator for the cycles per inference on the first Fashion-MNIST test
# images (random inputs for other input shapes).  Prints Markdown for
# docs/benchmarks.md: resources, Fmax, cycles, latency at the board's clock
# and at Fmax, synaptic operations per second, and the flow's stage times.
#   Usage: bash bench/fpga.sh [MODEL] [BOARD] [IMAGES] [STATE_BITS]
# (STATE_BITS: default the board's, docs/cli.md.)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_BUILD_DIR:-$repo/build}
model=${1:-$repo/examples/fashion_mnist_board/fashion_mnist_board.onnx}
board=${2:-icebreaker}
images=${3:-20}
state_bits=${4:-}
state_option=()
[ -n "$state_bits" ] && state_option=(--state-bits "$state_bits")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SNNC_CACHE_DIR=${SNNC_CACHE_DIR:-$build/rtl-cache}
# One package for the board (its default state width), built and simulated.
"$build/bin/snnc" compile "$model" --target "$board" "${state_option[@]}" \
  -o "$work/model.snnpkg" > "$work/compile.txt"
"$build/bin/snnc" bitstream "$work/model.snnpkg" --board "$board" \
  -o "$work/fpga" > "$work/bitstream.txt"
/usr/bin/python3 - "$model" "$work/x.npy" "$images" <<'PY'
import gzip, sys
import numpy as np, onnx
model, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
dims = [d.dim_value for d in onnx.load(model).graph.input[0].type.tensor_type.shape.dim][1:]
if dims == [1, 28, 28]:
    raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()[16:]
    x = np.frombuffer(raw, np.uint8)[: n * 784].reshape(n, 1, 28, 28) / 255.0
else:
    x = np.random.default_rng(0).random((n, *dims))
np.save(out, x.astype(np.float32))
PY
"$build/bin/snnc" sim "$work/model.snnpkg" --input "$work/x.npy" --lanes 1 \
  --stats "$work/sim.json" > /dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "command: bash bench/fpga.sh $(basename "$model") $board $images${state_bits:+ $state_bits}"
echo "$(grep -E 'EBR|SPRAM' "$work/compile.txt" | sed 's/^ */compile: /')"
echo
/usr/bin/python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
r = json.load(open(f"{w}/fpga/report.json"))
s = json.load(open(f"{w}/sim.json"))
u = r["utilization"]
cycles = s["cycles_per_inference"]
sops = s["synaptic_ops"] / s["samples"]
print("| figure | value |")
print("|---|---:|")
for key, label in (("lc", "logic cells"), ("ebr", "EBR"), ("spram", "SPRAM"), ("dsp", "DSP")):
    print(f"| {label} | {u[key]['used']:,} / {u[key]['available']:,} |")
print(f"| Fmax (nextpnr) | {r['fmax_mhz']:.1f} MHz (board clock {r['clock_mhz']:.0f} MHz) |")
print(f"| cycles per inference (1 lane, T = {s['timesteps']}) | {cycles:,.0f} |")
for mhz, what in ((r["clock_mhz"], "board clock"), (r["fmax_mhz"], "Fmax")):
    print(f"| latency per inference at the {what} | {cycles / mhz:,.1f} us |")
    print(f"| synaptic ops per second at the {what} | {sops / (cycles / (mhz * 1e6)) / 1e6:,.1f} M |")
for st in r["stages"]:
    print(f"| flow stage: {st['stage']} | {st['seconds']:.1f} s |")
print(f"| bitstream | {r['bitstream_bytes']:,} bytes |")
PY
