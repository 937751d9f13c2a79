#!/usr/bin/env bash
# ResNet-19 (examples/resnet19) at quarter, half and full width: compile
# time and peak memory of `snnc compile`, then the golden engine against
# LibTorch dense (single thread each, and golden on 2 threads) with
# snnc-bench.  Prints Markdown for docs/benchmarks.md.
#   bash bench/resnet19.sh [IMAGES]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_BUILD_DIR:-$repo/build}
out=$build/bench/resnet19
mkdir -p "$out"
images=${1:-20}
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "command: bash bench/resnet19.sh $images"
for width in 0.25 0.5 1.0; do
  model=$out/resnet19-$width.onnx
  x=$out/x.npy
  [[ -f $model ]] || /usr/bin/python3 "$repo/examples/resnet19/resnet19.py" \
    --width "$width" -o "$model" --inputs "$x" --count "$images" >/dev/null
  echo
  echo "### width $width ($(stat -c %s "$model" | awk '{printf "%.1f MB", $1 / 1e6}') ONNX)"
  echo
  /usr/bin/time -f "compile: %e s wall, %M KB peak resident" \
    "$build/bin/snnc" compile "$model" -o "$out/resnet19-$width.snnpkg" 2>&1 >/dev/null
  "$build/bin/snnc-bench" "$model" "$x" - --images "$images" --batch1-images 5 \
    --repeats 1 | sed -n '/^| engine/,/^golden synaptic/p'
done
