#!/usr/bin/env bash
# Builds snnc with clang-16, AddressSanitizer and UndefinedBehaviorSanitizer
# into build-asan/ (and the libFuzzer targets), then runs the unit tests,
# the lit tests that need no RTL simulation, the malformed corpus and a
# short run of each fuzz target.  Any sanitizer report fails the run.
#   sanitize.sh [--build-only]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SNNC_ASAN_BUILD_DIR:-$repo/build-asan}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" \
  -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16 \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DSNNC_SANITIZE=ON -DSNNC_FUZZ=ON \
  -DMLIR_DIR=/usr/lib/llvm-16/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-16/build/utils/lit/lit.py >/dev/null
cmake --build "$build" -j "$(nproc)" --target snnc snn-opt snnc-unit-tests snnc-fuzzers
[[ ${1:-} == --build-only ]] && exit 0

# Every sanitizer report aborts the process: a test that triggers one fails.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
failed=0
step() {
  echo "sanitize: $1"
  shift
  "$@" || { echo "sanitize: FAILED: $*"; failed=1; }
}
step "unit tests" "$build/bin/snnc-unit-tests" --gtest_brief=1
# The FPGA flow (yosys, nextpnr) and the board over a pseudo-terminal are
# external tools and minutes of simulation; their host code is covered by
# the unit tests, the other lit tests and the link-frame fuzzer.
step "lit tests" /usr/bin/python3 /usr/lib/llvm-16/build/utils/lit/lit.py -sv \
  "$build/tests" --filter-out 'bitstream|board'
step "malformed corpus" bash "$repo/tests/malformed/run.sh" "$build/bin/snnc" \
  "$build/malformed-corpus" --jobs "$(nproc)" --sanitized --timeout 180

# Each fuzzer: first the crashes it once found (tests/fuzz/regressions),
# then SNNC_FUZZ_SECONDS (default 30: CI runs all eleven within its 90 minutes;
# longer runs go through the variable) of fuzzing from the tests' seeds.
seeds=$build/fuzz/seeds
rm -rf "$seeds" && bash "$repo/tests/fuzz/seeds.sh" "$build/bin/snnc" "$seeds"
for target in onnx package npy idx link nir json events-nmnist events-aedat events-npy; do
  corpus=$build/fuzz/corpus-$target
  mkdir -p "$corpus" "$seeds/$target"
  regressions=$repo/tests/fuzz/regressions/$target
  if [[ -d $regressions ]]; then
    step "fuzz $target: regressions" "$build/bin/snnc-fuzz-$target" "$regressions"/*
  fi
  step "fuzz $target: ${SNNC_FUZZ_SECONDS:-30} s" "$build/bin/snnc-fuzz-$target" \
    "$corpus" "$seeds/$target" -max_total_time="${SNNC_FUZZ_SECONDS:-30}" \
    -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz/$target-"
done
if ((failed)); then
  echo "sanitize: some steps failed"
  exit 1
fi
echo "sanitize: all steps passed"
