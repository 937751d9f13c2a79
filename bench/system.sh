#!/usr/bin/env bash
# The bundled Fashion-MNIST example partitioned across iCEBreakers
# (`snnc compile --chips auto`) and run as a system of RTL cores, one per
# chip, the host relaying each step's spikes between them (`snnc run
# --engine rtl` on the partitioned package): bit-exact with golden, per
# chip its cycles and synaptic operations per inference, per link the
# spikes it carried per inference.  Prints Markdown for docs/benchmarks.md.
#   Usage: bash bench/system.sh [IMAGES]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_BUILD_DIR:-$repo/build}
images=${1:-20}
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
"$build/bin/snnc" compile "$repo/examples/fashion_mnist/fashion_mnist.onnx" \
  --target icebreaker --chips auto -o "$work/fm.snnpkg" > "$work/plan.txt"
"$build/bin/snnc" run "$work/fm.snnpkg" --engine rtl --input "$work/x.npy" \
  -o "$work/y-rtl.npy" --stats "$work/system.json"
"$build/bin/snnc" run "$work/fm.snnpkg" --engine golden --input "$work/x.npy" \
  -o "$work/y-golden.npy"
exact=$(cmp -s "$work/y-rtl.npy" "$work/y-golden.npy" && echo yes || echo NO)
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "command: bash bench/system.sh $images"
echo
sed -n 's/^\(partition on .*\)$/\1/p; s/^\(chip [0-9]*: .*\)$/- \1/p' "$work/plan.txt"
echo
/usr/bin/python3 - "$work/system.json" "$exact" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{s['samples']} images, bit-exact with golden (outputs): {sys.argv[2]}")
print()
print("| chip | cycles / inference | SOPs / inference | efficiency |")
print("|---:|---:|---:|---:|")
for c in s["per_chip"]:
    print(f"| {c['chip']} | {c['cycles_per_inference']:,.0f} | "
          f"{c['synaptic_ops'] / s['samples']:,.0f} | {c['efficiency']:.3f} |")
print()
print("| link | spikes / inference | per step |")
print("|---|---:|---:|")
for l in s["links"]:
    print(f"| {l['from']} -> {l['to']} | {l['events_per_inference']:,.1f} | "
          f"{l['events_per_inference'] / s['timesteps']:,.1f} |")
PY
