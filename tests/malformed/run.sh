#!/usr/bin/env bash
# Generates the malformed corpus into DIR and runs every case through SNNC.
#   run.sh SNNC DIR [check.py options]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
snnc=$1 dir=$2
shift 2
rm -rf "$dir"
/usr/bin/python3 "$here/generate.py" "$dir" --snnc "$snnc"
exec /usr/bin/python3 "$here/check.py" "$dir" --snnc "$snnc" "$@"
