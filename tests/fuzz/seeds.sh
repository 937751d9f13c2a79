#!/usr/bin/env bash
# Writes the fuzzers' seed corpora into DIR/{onnx,package,npy,idx,link,nir,json,events-*}, from the
# tests' own models and inputs.
#   seeds.sh SNNC DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
snnc=$1 dir=$2
mkdir -p "$dir"/{onnx,package,npy,idx,link,nir,json}
# The JSON fuzzer starts from the board descriptions and a core description.
cp "$repo"/backends/boards/*.json "$dir/json/"
core=$(mktemp -d)
"$snnc" emit-verilog "$repo/tests/models/conv_pool_negscale.onnx" -o "$core/v" >/dev/null
cp "$core/v/core.json" "$dir/json/core.json"
rm -rf "$core"
# The link fuzzer starts from a few delimited byte runs.
printf "\x06\x01\x02\x03\x04\x05\x00" > "$dir/link/frame"
printf "\x00\x00\x01\x01\x00" > "$dir/link/empty-frames"
for model in "$repo"/tests/models/*.onnx "$repo"/examples/*/*.onnx; do
  name=$(basename "$(dirname "$model")")-$(basename "$model" .onnx)
  cp "$model" "$dir/onnx/$name.onnx"
  "$snnc" compile "$model" -o "$dir/package/$name.snnpkg" >/dev/null
done
# Textual ONNX without the lit comments: the fuzzer reads '<' as textual.
for text in "$repo"/tests/frontend/*.onnxtxt "$repo"/tests/frontend/errors/*.onnxtxt; do
  grep -v '^#' "$text" > "$dir/onnx/$(basename "$text")"
done
inputs=$(mktemp -d)
/usr/bin/python3 "$repo/tests/Inputs/make_inputs.py" "$inputs" >/dev/null
find "$inputs" -maxdepth 1 -type f -name "*.npy" -exec cp {} "$dir/npy/" \;
find "$inputs" -maxdepth 1 -type f -name "*.gz" -exec cp {} "$dir/idx/" \;
/usr/bin/python3 - "$dir/idx" <<'PY'
import gzip, struct, sys
body = b"\x00\x00\x08\x03" + struct.pack(">3I", 2, 4, 4) + bytes(range(32))
open(sys.argv[1] + "/images.idx", "wb").write(body)
open(sys.argv[1] + "/images.idx.gz", "wb").write(gzip.compress(body))
open(sys.argv[1] + "/labels.idx", "wb").write(b"\x00\x00\x08\x01" + struct.pack(">I", 3) + b"\x01\x02\x03")
PY
rm -rf "$inputs"
# NIR graphs from the import tests' writer: an MLP and a conv net.
/usr/bin/python3 - "$dir/nir" "$repo/tests/python" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import numpy as np
import nirfile
import test_nir
rng = np.random.default_rng(0)
nirfile.write(sys.argv[1] + "/mlp.nir", *test_nir.mlp(rng))
nirfile.write(sys.argv[1] + "/conv.nir", *test_nir.convnet(rng), compression=None)
PY
# Event files: tonic's sample recordings and one file of each format from
# the event tests' writers (small, so that mutations reach the binning).
events=$repo/tests/python/data/events
mkdir -p "$dir"/events-{nmnist,aedat,npy}
cp "$events/sample_nmnist.bin" "$dir/events-nmnist/"
cp "$events/sample_aedat_header.aedat" "$dir/events-aedat/"
/usr/bin/python3 - "$dir" "$events" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import numpy as np
import eventfiles as ef
rng = np.random.default_rng(0)
ev = ef.random_events(rng, 40, 20, 14, 2**24)
out = sys.argv[1]
ef.write_nmnist(out + "/events-nmnist/small.bin", *ev, rng)
ef.write_aedat2(out + "/events-aedat/v2.aedat", *ev, rng)
ef.write_aedat3(out + "/events-aedat/v3.aedat", *ev, [10, 0, 30])
ef.write_npy(out + "/events-npy/tonic.npy", *ev, ef.TONIC_STRUCT)
ef.write_npy(out + "/events-npy/gesture.npy", *ev, ef.GESTURE_DTYPE)
PY
