#!/usr/bin/python3
"""How cost grows with width and depth: the Fashion-MNIST example, then
ResNet-19 at stem widths 16 to 128 channels, and at stem 32 calibrated to
5 % and 25 % firing as well as 15 %.

    /usr/bin/python3 bench/scaling.py [--images 10] [--plot docs/images/scaling.png]

For each point: golden and dense time per inference (single thread, via
snnc-bench), synaptic operations, RTL cycles at 8 lanes (small points
only, via snnc sim on one image), compile time and package size.  Prints
Markdown for docs/benchmarks.md and draws the plot.
"""

import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.environ.get("SNNC_BUILD_DIR", os.path.join(ROOT, "build"))
SNNC = os.path.join(BUILD, "bin", "snnc")
BENCH = os.path.join(BUILD, "bin", "snnc-bench")
OUT = os.path.join(BUILD, "bench", "scaling")
FMNIST = os.path.join(ROOT, "examples", "fashion_mnist", "fashion_mnist.onnx")
IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def point(name, model, inputs, images, rtl):
    start = time.time()
    package = os.path.join(OUT, name + ".snnpkg")
    run(SNNC, "compile", model, "-o", package)
    compile_s = time.time() - start
    bench = run(BENCH, model, inputs, "-", "--images", str(images), "--batch1-images", "2",
                "--repeats", "2")
    dense = float(re.search(r"dense\), batch \d+ \| ([0-9.]+) ms", bench).group(1))
    golden = float(re.search(r"golden \(integer, event-driven\) \| ([0-9.]+) ms",
                             bench).group(1))
    sops = int(re.search(r"golden synaptic ops per inference: (\d+)", bench).group(1))
    rates = [float(r) for r in re.findall(r"\| [^|]*LIF[^|]* \| \d+ \| [0-9.]+ \| ([0-9.]+) \|",
                                          bench)]
    cycles = None
    if rtl:
        one = os.path.join(OUT, name + "-x1.npy")
        np.save(one, np.load(inputs)[:1] if inputs.endswith(".npy") else
                load_fmnist(1))
        out = run(SNNC, "sim", package, "--input", one, "--lanes", "8")
        cycles = float(re.search(r"cycles per inference: ([0-9.]+)", out).group(1))
    return dict(name=name, compile_s=compile_s, package_mb=os.path.getsize(package) / 1e6,
                dense_ms=dense, golden_ms=golden, sops=sops,
                rate=sum(rates) / len(rates) if rates else 0.0, cycles=cycles)


def load_fmnist(count):
    sys.path.insert(0, os.path.join(BUILD, "python"))
    import snnc
    return snnc.load_images(IMAGES)[:count]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=10)
    parser.add_argument("--plot", default=os.path.join(ROOT, "docs", "images", "scaling.png"))
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    fm_inputs = os.path.join(OUT, "fmnist.npy")
    np.save(fm_inputs, load_fmnist(args.images))
    rows = [point("Fashion-MNIST example (16-32)", FMNIST, fm_inputs, args.images, True)]
    for stem in (16, 32, 64, 128):
        width = stem / 128
        model = os.path.join(OUT, f"resnet19-{stem}.onnx")
        inputs = os.path.join(OUT, "cifar-like.npy")
        if not os.path.exists(model):
            run("/usr/bin/python3", os.path.join(ROOT, "examples", "resnet19", "resnet19.py"),
                "--width", str(width), "-o", model, "--inputs", inputs,
                "--count", str(args.images))
        rows.append(point(f"ResNet-19, stem {stem}", model, inputs, args.images, stem <= 32))
    # Activity: the same stem-32 network calibrated to fire less and more.
    for rate in (0.05, 0.25):
        model = os.path.join(OUT, f"resnet19-32-rate{rate}.onnx")
        if not os.path.exists(model):
            run("/usr/bin/python3", os.path.join(ROOT, "examples", "resnet19", "resnet19.py"),
                "--width", "0.25", "-o", model, "--target-rate", str(rate))
        rows.append(point(f"ResNet-19, stem 32, {rate:.0%} firing", model,
                          os.path.join(OUT, "cifar-like.npy"), args.images, False))
    print("| network | compile | package | dense / inference | golden / inference "
          "| golden / dense | SOPs / inference | mean firing rate | RTL cycles (8 lanes) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        cycles = f"{r['cycles'] / 1e6:.1f} M" if r["cycles"] else "-"
        print(f"| {r['name']} | {r['compile_s']:.2f} s | {r['package_mb']:.1f} MB "
              f"| {r['dense_ms']:.2f} ms | {r['golden_ms']:.2f} ms "
              f"| {r['golden_ms'] / r['dense_ms']:.2f} | {r['sops'] / 1e6:.1f} M "
              f"| {r['rate']:.3f} | {cycles} |")
    plot(rows, args.plot)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = [r["name"].replace("ResNet-19, ", "ResNet-19\n").replace(" example", "\nexample")
             .replace(", ", "\n") for r in rows]
    x = np.arange(len(rows))
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 4.8))
    left.bar(x - 0.2, [r["dense_ms"] for r in rows], 0.4, label="dense (LibTorch)",
             color="#fd8d3c")
    left.bar(x + 0.2, [r["golden_ms"] for r in rows], 0.4, label="golden (event-driven)",
             color="#2171b5")
    left.set_yscale("log")
    left.set_ylabel("ms per inference, one thread")
    left.set_xticks(x, names, fontsize=8)
    left.legend()
    left.set_title("Time per inference")
    ratio = [r["golden_ms"] / r["dense_ms"] for r in rows]
    right.plot(x, ratio, "o-", color="#2171b5", label="golden / dense time")
    right.axhline(1.0, color="#999", lw=1)
    right.set_xticks(x, names, fontsize=8)
    right.set_ylabel("golden time / dense time (below 1: event-driven wins)")
    for i, r in enumerate(rows):
        right.annotate(f"{100 * r['rate']:.0f}% firing\n{r['sops'] / 1e6:.0f} M SOPs",
                       (x[i], ratio[i]), textcoords="offset points", xytext=(0, 10),
                       ha="center", fontsize=7)
    right.set_ylim(0, max(ratio) * 1.5)
    right.set_title("Where event-driven wins and loses")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    print(f"\nplot: {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
