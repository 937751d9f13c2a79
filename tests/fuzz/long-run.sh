#!/usr/bin/env bash
# One long run of a fuzz target, for docs/reliability.md: fuzzes from the
# tests' seeds until the fuzzer has used CPU_SECONDS of CPU time and prints a
# table row with libFuzzer's figures and the time used.
#   long-run.sh BUILD TARGET CPU_SECONDS      (BUILD: the sanitizer build dir)
# The budget is CPU time, not wall time, so that a run shares a loaded
# machine fairly (run it under nice): libFuzzer runs in rounds of at most ten
# minutes on one growing corpus, each round resuming where the last stopped,
# until the rounds' CPU time adds up.  Executions add up over the rounds;
# coverage is the last round's, which starts from the whole corpus.
set -euo pipefail
build=$1 target=$2 budget=$3
work=$build/fuzz/long-$target
rm -rf "$work" && mkdir -p "$work/corpus"
[[ -d $build/fuzz/seeds/$target ]] || bash "$(dirname "$0")/seeds.sh" "$build/bin/snnc" "$build/fuzz/seeds"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
start=$(date +%s) cpu=0 runs=0 round=0
while ((cpu < budget)); do
  round=$((round + 1))
  left=$((budget - cpu))
  /usr/bin/time -f "%U %S" -o "$work/cpu" "$build/bin/snnc-fuzz-$target" \
    "$work/corpus" "$build/fuzz/seeds/$target" -max_total_time=$((left < 600 ? left : 600)) \
    -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$work/" > "$work/log" 2>&1 || true
  cpu=$((cpu + $(awk '{printf "%.0f", $1 + $2}' "$work/cpu")))
  n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || echo 0)
  runs=$((runs + n))
  cp "$work/log" "$work/log.$round"
  ls "$work" | grep -qE '^(crash|leak|timeout|oom)-' && break
done
wall=$(($(date +%s) - start))
last=$(grep -E '^#[0-9]+' "$work/log" | tail -1)
cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo 0)
ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo 0)
corpus=$(ls "$work/corpus" | wc -l)
crashes=$(ls "$work" | grep -cE '^(crash|leak|timeout|oom)-' || true)
echo "| $target | $(date -u +%F) | ${wall} s | ${cpu} s | $runs | $cov | $ft | $corpus | $crashes |"
