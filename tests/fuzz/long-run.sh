#!/usr/bin/env bash
# One long run of a fuzz target, for docs/reliability.md: fuzzes from the
# tests' seeds for SECONDS and prints a table row with libFuzzer's final
# figures and the CPU time it used.
#   long-run.sh BUILD TARGET SECONDS      (BUILD: the sanitizer build dir)
set -euo pipefail
build=$1 target=$2 seconds=$3
work=$build/fuzz/long-$target
rm -rf "$work" && mkdir -p "$work/corpus"
[[ -d $build/fuzz/seeds/$target ]] || bash "$(dirname "$0")/seeds.sh" "$build/bin/snnc" "$build/fuzz/seeds"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
start=$(date +%s)
/usr/bin/time -f "%U %S" -o "$work/cpu" "$build/bin/snnc-fuzz-$target" \
  "$work/corpus" "$build/fuzz/seeds/$target" -max_total_time="$seconds" \
  -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
  -artifact_prefix="$work/" > "$work/log" 2>&1 || true
wall=$(($(date +%s) - start))
cpu=$(awk '{printf "%.0f", $1 + $2}' "$work/cpu")
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || echo 0)
last=$(grep -E '^#[0-9]+' "$work/log" | tail -1)
cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo 0)
ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo 0)
corpus=$(ls "$work/corpus" | wc -l)
crashes=$(ls "$work" | grep -cE '^(crash|leak|timeout|oom)-' || true)
echo "| $target | $(date -u +%F) | ${wall} s | ${cpu} s | $runs | $cov | $ft | $corpus | $crashes |"
