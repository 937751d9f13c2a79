#!/usr/bin/env bash
# FPGA benchmarks: `snnc bitstream` of a model on a board (default: the
# test model conv_pool_negscale on the iCEBreaker, the network the
# tests build a bitstream for), then its 1-lane core in Verilator for the
# cycles per inference.  Prints Markdown for docs/benchmarks.md: resources,
# Fmax, cycles, latency at the board's clock and at Fmax, synaptic
# operations per second, and the flow's stage times.
#   Usage: bash bench/fpga.sh [MODEL] [BOARD] [IMAGES] [STATE_BITS]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_BUILD_DIR:-$repo/build}
model=${1:-$repo/tests/models/conv_pool_negscale.onnx}
board=${2:-icebreaker}
images=${3:-20}
state_bits=${4:-16}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SNNC_CACHE_DIR=${SNNC_CACHE_DIR:-$build/rtl-cache}
"$build/bin/snnc" bitstream "$model" --board "$board" --state-bits "$state_bits" \
  -o "$work/fpga" > "$work/bitstream.txt"
/usr/bin/python3 - "$work/x.npy" "$images" <<'PY'
import sys
import numpy as np
np.save(sys.argv[1], np.random.default_rng(0).random((int(sys.argv[2]), 1, 8, 8), dtype=np.float32))
PY
"$build/bin/snnc" sim "$model" --input "$work/x.npy" --lanes 1 --state-bits "$state_bits" \
  --stats "$work/sim.json" > /dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "command: bash bench/fpga.sh $(basename "$model") $board $images $state_bits"
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
