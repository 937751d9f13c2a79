"""The host link under line faults: no wrong answer with exit 0.

    link_faults.py --snnc SNNC --out DIR [--seeds N] [--samples K]
                   [--rate P] [--link-timeout MS] MODEL.onnx...

Builds one simulated board whose core fits every model (the elementwise
largest of their emitted core.json), then, for each model and each of N
fault seeds, starts `snnc board-sim --fault-rate P --seed S` (bytes
flipped, dropped and duplicated in both directions) and runs K samples
with `snnc run --engine board`.  Every run must either exit 0 with scores
bit-identical to the golden engine's, or exit non-zero with one
"snnc: error:" line and no output file.  A short --link-timeout makes the
host retransmit while the board is still working and split long bursts,
the paths where a copy of a request can run after the reply cache has moved
on.  Prints one line per model and exits 1 on any silent difference, any
malformed failure, or a campaign too faulty to prove anything (fewer than
half the runs complete, or no retransmission at all).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnx


def input_shape(model, samples):
    proto = onnx.load(model)
    dims = [d.dim_value for d in proto.graph.input[0].type.tensor_type.shape.dim]
    meta = {p.key: p.value for p in proto.metadata_props}
    shape = [samples] + dims[1:]
    if meta.get("snn.input_encoding") == "events":
        shape = [int(meta["snn.timesteps"])] + shape
    return shape


def build_board(snnc, models, out):
    """emit-verilog of each model, then one board with room for all."""
    cores = []
    for i, model in enumerate(models):
        emitted = os.path.join(out, "core-%d" % i)
        subprocess.run([snnc, "emit-verilog", model, "-o", emitted], check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(emitted, "core.json")) as f:
            cores.append(json.load(f))
    merged = {key: max(core[key] for core in cores) for key in cores[0]}
    with open(os.path.join(out, "merged.json"), "w") as f:
        json.dump(merged, f)
    board = os.path.join(out, "board")
    subprocess.run([snnc, "emit-verilog", models[0], "--core",
                    os.path.join(out, "merged.json"), "-o", board], check=True,
                   stdout=subprocess.DEVNULL)
    return board


def start_board(snnc, board, rate, seed):
    sim = subprocess.Popen([snnc, "board-sim", board, "--fault-rate", str(rate),
                            "--seed", str(seed)], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    pty = sim.stdout.readline().strip()
    if not pty:
        sim.kill()
        raise SystemExit("link_faults: board-sim printed no terminal")
    return sim, pty


def one_run(args, board, package, x, golden, seed, work):
    sim, pty = start_board(args.snnc, board, args.rate, seed)
    y, stats = os.path.join(work, "y.npy"), os.path.join(work, "stats.json")
    for path in (y, stats):
        if os.path.exists(path):
            os.remove(path)
    try:
        proc = subprocess.run([args.snnc, "run", package, "--engine", "board",
                               "--device", pty, "--link-timeout",
                               str(args.link_timeout), "--input", x, "-o", y,
                               "--stats", stats], capture_output=True,
                              text=True, timeout=600)
    finally:
        sim.terminate()
        sim.wait()
    if proc.returncode == 0:
        link = json.load(open(stats))["link"]
        same = np.array_equal(np.load(y), golden)
        return ("exact" if same else "SILENT"), link, ""
    lines = proc.stderr.strip().splitlines()
    clean = (proc.returncode == 1 and len(lines) == 1 and
             lines[0].startswith("snnc: error: ") and not os.path.exists(y))
    return ("error" if clean else "MALFORMED"), None, proc.stderr.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--rate", type=float, default=0.01)
    parser.add_argument("--link-timeout", type=int, default=10)
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    board = build_board(args.snnc, args.models, args.out)
    rng = np.random.default_rng(7)
    totals = {"exact": 0, "error": 0, "SILENT": 0, "MALFORMED": 0}
    frames = retransmissions = 0
    for i, model in enumerate(args.models):
        work = os.path.join(args.out, "run-%d" % i)
        os.makedirs(work, exist_ok=True)
        package, x = os.path.join(work, "m.snnpkg"), os.path.join(work, "x.npy")
        gold = os.path.join(work, "golden.npy")
        subprocess.run([args.snnc, "compile", model, "-o", package], check=True,
                       stdout=subprocess.DEVNULL)
        np.save(x, rng.random(input_shape(model, args.samples), dtype=np.float32))
        subprocess.run([args.snnc, "run", package, "--engine", "golden",
                        "--input", x, "-o", gold], check=True,
                       stdout=subprocess.DEVNULL)
        golden = np.load(gold)
        counts = {key: 0 for key in totals}
        for seed in range(1, args.seeds + 1):
            verdict, link, why = one_run(args, board, package, x, golden, seed, work)
            counts[verdict] += 1
            if link:
                frames += link["frames"]
                retransmissions += link["retransmissions"]
            if verdict in ("SILENT", "MALFORMED"):
                print("%s seed %d: %s %s" % (os.path.basename(model), seed,
                                              verdict, why))
        for key in totals:
            totals[key] += counts[key]
        print("%s: %d seeds, %d bit-exact, %d clear errors, %d silent "
              "differences, %d malformed failures" % (
                  os.path.basename(model), args.seeds, counts["exact"],
                  counts["error"], counts["SILENT"], counts["MALFORMED"]))
        sys.stdout.flush()
    runs = sum(totals.values())
    print("all: %d runs, %d bit-exact, %d clear errors, %d silent differences, "
          "%d malformed failures; %d frames, %d retransmissions" % (
              runs, totals["exact"], totals["error"], totals["SILENT"],
              totals["MALFORMED"], frames, retransmissions))
    ok = (totals["SILENT"] == 0 and totals["MALFORMED"] == 0 and
          2 * totals["exact"] >= runs and retransmissions > 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
