#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: unit tests, lit/FileCheck and
# Python tests, all through ctest.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$repo/scripts/setup.sh"
bash "$repo/scripts/build.sh"
cd "${SNNC_BUILD_DIR:-$repo/build}"
ctest --output-on-failure -j "$(nproc)"
# ASan + UBSan over the unit, lit and malformed-corpus tests, and a short
# run of each libFuzzer target (docs/reliability.md).
bash "$repo/scripts/sanitize.sh"
