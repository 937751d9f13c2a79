#!/usr/bin/env bash
# Installs everything snnc needs from Debian 12 packages.  Idempotent: it only
# calls apt-get when a package is missing, so re-running it is cheap.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache git pkg-config zlib1g-dev libzstd-dev
  llvm-16-dev llvm-16-tools libmlir-16-dev mlir-16-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libtorch-dev libgtest-dev libgmock-dev
  verilator yosys nextpnr-ice40 fpga-icestorm
  python3 python3-torch python3-onnx python3-numpy
  libhdf5-dev python3-h5py
  pybind11-dev python3-dev python3-pytest python3-distributed python3-matplotlib
  chromium
  clang-16 libclang-rt-16-dev clang-format-16
  dataset-fashion-mnist
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # With recommends: the set this project is developed and tested with.
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Make snnc_torch (python/) and snnc (laid out with its extension module in
# the build's python/ by scripts/build.sh) importable from /usr/bin/python3
# without pip.  The build comes first: python/snnc holds only the sources.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
site=$(/usr/bin/python3 -c 'import site; print(next(p for p in site.getsitepackages() if p.startswith("/usr/local")))')
mkdir -p "$site"
printf '%s\n' "${SNNC_BUILD_DIR:-$repo/build}/python" "$repo/python" > "$site/snnc.pth"
/usr/bin/python3 -c 'import snnc_torch' || { echo "setup: snnc_torch is not importable" >&2; exit 1; }
echo "setup: ok"
