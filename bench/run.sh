#!/usr/bin/env bash
# Runs the benchmarks on the bundled Fashion-MNIST model; prints Markdown
# for docs/benchmarks.md.  Usage: bash bench/run.sh [IMAGES]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_BUILD_DIR:-$repo/build}
data=/usr/share/datasets/fashion-mnist
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "command: bash bench/run.sh ${1:-1000}"
echo
"$build/bin/snnc-bench" "$repo/examples/fashion_mnist/fashion_mnist.onnx" \
  "$data/t10k-images-idx3-ubyte.gz" "$data/t10k-labels-idx1-ubyte.gz" \
  --images "${1:-1000}"
