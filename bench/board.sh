#!/usr/bin/env bash
# Host-link benchmarks on the simulated board (snnc board-sim): the bundled
# Fashion-MNIST model on an 8-lane board at the link's 3 Mbaud.  Runs 1 and
# 1 + IMAGES images through `--engine board`; the difference is the cost
# per inference, the rest is loading the network.  Link time is the line
# time of the bytes both ways (10 bits a byte at 3 Mbaud); core time is the
# core's cycles at the board's 12 MHz.  Prints Markdown for
# docs/benchmarks.md.  Usage: bash bench/board.sh [IMAGES]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_BUILD_DIR:-$repo/build}
images=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PATH="$build/bin:$PATH"
model="$repo/examples/fashion_mnist/fashion_mnist.onnx"
/usr/bin/python3 - "$work" "$images" <<'PY'
import gzip, sys
import numpy as np
raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()[16:]
n = int(sys.argv[2]) + 1
x = (np.frombuffer(raw, np.uint8)[: n * 784].reshape(n, 1, 28, 28) / 255.0).astype(np.float32)
np.save(sys.argv[1] + "/one.npy", x[:1])
np.save(sys.argv[1] + "/many.npy", x)
PY
snnc emit-verilog "$model" -o "$work/board" --lanes 8 > /dev/null
for run in one many; do
  "$repo/tests/Inputs/with_board.sh" "$work/board" -- snnc run "$model" --engine board \
    --device @PTY@ --input "$work/$run.npy" -o "$work/y.npy" --compare-golden \
    --stats "$work/$run.json" > "$work/$run.txt"
  grep -q "bit-exact with golden" "$work/$run.txt"
done
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "command: bash bench/board.sh $images"
echo
/usr/bin/python3 - "$work" "$images" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
one, many = (json.load(open(f"{work}/{r}.json")) for r in ("one", "many"))
baud, clock = 3e6, 12e6
def link(s):
    return s["link"]
per = {k: (link(many)[k] - link(one)[k]) / n for k in ("frames", "requests", "bytes_sent", "bytes_received")}
cycles = (many["cycles"] - one["cycles"]) / n
load = {k: link(one)[k] - per[k] for k in ("frames", "bytes_sent", "bytes_received")}
load_bytes = load["bytes_sent"] + load["bytes_received"]
wire = per["bytes_sent"] + per["bytes_received"]
link_ms = wire * 10 / baud * 1e3
core_ms = cycles / clock * 1e3
print("| figure | value |")
print("|---|---:|")
print(f"| load: frames | {load['frames']:,.0f} |")
print(f"| load: bytes host -> board / board -> host | {load['bytes_sent']:,.0f} / {load['bytes_received']:,.0f} |")
print(f"| load: line time at 3 Mbaud | {load_bytes * 10 / baud * 1e3:,.1f} ms |")
print(f"| per inference: frames (requests) | {per['frames']:,.1f} ({per['requests']:,.1f}) |")
print(f"| per inference: bytes host -> board / board -> host | {per['bytes_sent']:,.0f} / {per['bytes_received']:,.0f} |")
print(f"| per inference: link (line) time | {link_ms:,.2f} ms |")
print(f"| per inference: core time, {cycles:,.0f} cycles at 12 MHz | {core_ms:,.2f} ms |")
print(f"| per inference: total (link + core, no overlap) | {link_ms + core_ms:,.2f} ms |")
share = link_ms / (link_ms + core_ms)
print(f"| link share of the inference | {share:.0%} |")
print(f"| simulated wall time per inference (Verilator, this machine) | {(link(many)['seconds'] - link(one)['seconds']) / n * 1e3:,.1f} ms |")
PY
