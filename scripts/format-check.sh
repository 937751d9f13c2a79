#!/usr/bin/env bash
# Checks, without changing anything, that the project's C++ is formatted by
# clang-format 16 (.clang-format: LLVM style), and names the files that are
# not.  Build directories (and the code generated into them) are skipped.
#   format-check.sh [CLANG_FORMAT]    (default: clang-format-16, from setup.sh)
# To fix a file: clang-format-16 -i FILE
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tool=${1:-${CLANG_FORMAT:-clang-format-16}}
command -v "$tool" >/dev/null || { echo "format-check: $tool not found: run scripts/setup.sh" >&2; exit 1; }
cd "$repo"
# Every C++ file outside build trees, hidden directories and caches.
mapfile -d '' files < <(find . -type d \( -name 'build*' -o -name '.?*' -o -name rtl-cache \
  -o -name __pycache__ \) -prune -o -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.cc' \
  -o -name '*.hpp' \) -print0 | sort -z)
# One run over every file; -Werror makes each difference an error that
# names its file.  Any other failure of the tool fails the check too.
status=0
out=$("$tool" --dry-run -Werror "${files[@]}" 2>&1) || status=$?
mapfile -t bad < <(sed -nE \
  's|^\./([^:]+):[0-9]+:[0-9]+: error: code should be clang-formatted.*|\1|p' <<<"$out" | sort -u)
if ((${#bad[@]})); then
  printf 'format-check: not formatted: %s\n' "${bad[@]}"
  echo "format-check: ${#bad[@]} of ${#files[@]} C++ files need $tool -i"
  exit 1
elif ((status)); then
  printf '%s\n' "$out" >&2
  echo "format-check: $tool failed (exit status $status)" >&2
  exit 1
fi
echo "format-check: ${#files[@]} C++ files formatted"
