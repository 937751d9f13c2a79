#!/usr/bin/env bash
# FPGA benchmarks: `snnc bitstream --measure` of a model on a board
# (default: the board example examples/fashion_mnist_board on the
# iCEBreaker, the network the tests build a bitstream for): the bitstream,
# then its own board top (core and host link, RTL in Verilator) driven by
# the host code of a board on the first Fashion-MNIST test images (random
# inputs for other input shapes).  Prints Markdown for docs/benchmarks.md:
# resources, Fmax, the measured report (cycles, SOP/s, link bytes,
# end-to-end inferences per second and latency at the board's clock), SOP/s
# at Fmax, and the flow's stage times.
#   Usage: bash bench/fpga.sh [MODEL] [BOARD] [IMAGES] [STATE_BITS] [CLOCK] [LANES]
# (LANES: compile --lanes, default 4: the iCEBreaker's narrow-sweep core;
# '' for an argument left at its default)
# (STATE_BITS: default the board's, docs/cli.md; CLOCK: --clock-mhz, default
# the board's oscillator, `auto` for the PLL's best.)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_BUILD_DIR:-$repo/build}
model=${1:-$repo/examples/fashion_mnist_board/fashion_mnist_board.onnx}
board=${2:-icebreaker}
images=${3:-20}
state_bits=${4:-}
clock=${5:-}
lanes=${6:-4}
clock_option=()
[ -n "$clock" ] && clock_option=(--clock-mhz "$clock")
state_option=()
[ -n "$state_bits" ] && state_option=(--state-bits "$state_bits")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SNNC_CACHE_DIR=${SNNC_CACHE_DIR:-$build/rtl-cache}
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
# The compile report (its memory figures), then the bitstream, measured.
"$build/bin/snnc" compile "$model" --target "$board" --lanes "$lanes" \
  "${state_option[@]}" -o "$work/model.snnpkg" > "$work/compile.txt"
"$build/bin/snnc" bitstream "$work/model.snnpkg" --board "$board" \
  "${clock_option[@]}" -o "$work/fpga" --measure "$work/x.npy" > "$work/bitstream.txt"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "command: bash bench/fpga.sh $(basename "$model") $board $images ${state_bits:-''} ${clock:-''} $lanes"
echo "$(grep -E 'EBR|SPRAM' "$work/compile.txt" | sed 's/^ */compile: /')"
echo
/usr/bin/python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
r = json.load(open(f"{w}/fpga/report.json"))
m = r["measured"]
u = r["utilization"]
print("| figure | value |")
print("|---|---:|")
for key, label in (("lc", "logic cells"), ("ebr", "EBR"), ("spram", "SPRAM"), ("dsp", "DSP")):
    print(f"| {label} | {u[key]['used']:,} / {u[key]['available']:,} |")
pll = " from the PLL" if "pll" in r else ""
print(f"| Fmax (nextpnr) | {r['fmax_mhz']:.1f} MHz (clock {r['clock_mhz']:g} MHz{pll}, {r['timing_slack_percent']:.1f} % slack) |")
print(f"| measured: images, bit-exact with golden | {m['images']}, {m['bit_exact_with_golden']} |")
print(f"| cycles per inference (core) | {m['cycles_per_inference']:,.0f} |")
print(f"| synaptic ops per inference | {m['sops_per_inference']:,.0f} |")
print(f"| synaptic ops per second at the board clock | {m['sop_per_second'] / 1e6:,.1f} M |")
print(f"| synaptic ops per second at the Fmax | {m['sop_per_second'] / m['clock_mhz'] * r['fmax_mhz'] / 1e6:,.1f} M |")
print(f"| link bytes per inference (both ways, {m['baud'] / 1e6:g} Mbaud) | {m['link_bytes_per_inference']:,.0f} |")
print(f"| board cycles per inference (core and link) | {m['board_cycles_per_inference']:,.0f} |")
print(f"| inferences per second, end to end | {m['inferences_per_second']:,.1f} |")
print(f"| latency of one inference, end to end | {m['latency_ms']:,.1f} ms |")
for st in r["stages"]:
    print(f"| flow stage: {st['stage']} | {st['seconds']:.1f} s |")
print(f"| bitstream | {r['bitstream_bytes']:,} bytes |")
PY
