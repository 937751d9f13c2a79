#!/usr/bin/env bash
# Cycle benchmarks of the RTL core on the bundled Fashion-MNIST model at
# 1, 2, 4 and 8 lanes: cycles per inference, the lower bound
# sum(ceil(SOPs / L)) + neuron words swept, their ratio (efficiency) and
# Verilator's simulated cycles per second (best of 3 runs: the machine is
# shared; cycles are the same every run).  Prints Markdown for
# docs/benchmarks.md.  Usage: bash bench/rtl.sh [IMAGES]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_BUILD_DIR:-$repo/build}
images=${1:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SNNC_CACHE_DIR=${SNNC_CACHE_DIR:-$build/rtl-cache}
/usr/bin/python3 - "$work/x.npy" "$images" <<'PY'
import gzip, sys
import numpy as np
raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()[16:]
n = int(sys.argv[2])
x = np.frombuffer(raw, np.uint8)[: n * 784].reshape(n, 1, 28, 28) / 255.0
np.save(sys.argv[1], x.astype(np.float32))
PY
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "command: bash bench/rtl.sh $images"
echo
echo "| lanes | cycles / inference | lower bound | efficiency | SOPs / inference | Verilator cycles/s |"
echo "|---:|---:|---:|---:|---:|---:|"
for lanes in 1 2 4 8; do
  # The first call builds (and caches) the simulator; it is not timed here.
  for run in 1 2 3; do
    "$build/bin/snnc" sim "$repo/examples/fashion_mnist/fashion_mnist.onnx" \
      --input "$work/x.npy" --lanes "$lanes" --stats "$work/s$lanes-$run.json" \
      > "$work/out$lanes.txt"
    grep -q "bit-exact with golden" "$work/out$lanes.txt"
  done
  /usr/bin/python3 - "$work"/s$lanes-*.json <<'PY'
import json, sys
runs = [json.load(open(f)) for f in sys.argv[1:]]
s = runs[0]
n = s["samples"]
rate = max(r["simulated_cycles_per_second"] for r in runs)
print(f"| {s['lanes']} | {s['cycles_per_inference']:,.0f} | {s['lower_bound'] / n:,.0f} "
      f"| {s['efficiency']:.3f} | {s['synaptic_ops'] / n:,.0f} | {rate / 1e6:.2f} M |")
PY
done
