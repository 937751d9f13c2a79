#!/usr/bin/env bash
# Sets up, builds and runs the tests through ctest (labels: tests/CMakeLists.txt).
#   test.sh           everything: all of ctest (unit, lit/FileCheck, Python,
#                     RTL, place and route, the board, the malformed corpus),
#                     then scripts/sanitize.sh (ASan + UBSan build, its tests
#                     and the fuzzers).  The README's test command, and CI's.
#   test.sh --quick   the `quick` label only: at most 5 minutes on 2 cores
#                     once the build is up to date (README).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
case ${1:-} in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: test.sh [--quick]" >&2; exit 2 ;;
esac
bash "$repo/scripts/setup.sh"
bash "$repo/scripts/build.sh"
cd "${SNNC_BUILD_DIR:-$repo/build}"
if ((quick)); then
  exec ctest --output-on-failure -j "$(nproc)" -L quick
fi
ctest --output-on-failure -j "$(nproc)"
# ASan + UBSan over the unit, lit and malformed-corpus tests, and a short
# run of each libFuzzer target (docs/reliability.md).
bash "$repo/scripts/sanitize.sh"
