#!/usr/bin/env bash
# Sets up, builds, and runs the main job on the bundled Fashion-MNIST model:
# import to the snn dialect, then float inference on all 10,000 test images.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$repo/scripts/setup.sh"
bash "$repo/scripts/build.sh"
snnc="${SNNC_BUILD_DIR:-$repo/build}/bin/snnc"
model="$repo/examples/fashion_mnist/fashion_mnist.onnx"
data=/usr/share/datasets/fashion-mnist
echo "== snnc import (first lines of the snn dialect) =="
"$snnc" import "$model" | grep -v "arith.constant" | head -n 30
echo "== snnc eval --engine float, Fashion-MNIST test set =="
"$snnc" eval "$model" --engine float \
  --images "$data/t10k-images-idx3-ubyte.gz" --labels "$data/t10k-labels-idx1-ubyte.gz"
