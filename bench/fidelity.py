#!/usr/bin/python3
"""Where ResNet-19's integer spikes leave the float ones, and why.

    /usr/bin/python3 bench/fidelity.py [--width 0.5] [--images 100]

Prints Markdown for docs/benchmarks.md:
1. `snnc.compare` (float against golden) at 4 to 8 weight bits: spike
   agreement of the first, middle and last spiking layers, and argmax
   agreement of the readout;
2. the float network against *itself* under perturbations far smaller than
   any quantizer's: weights rounded per channel to 8..16 bits, every
   threshold raised by 0.1 %, the input rounded to 8 bits.  If these alone
   decorrelate the deep layers, the network amplifies any perturbation and
   no choice of rounding can keep its spikes.
"""

import argparse
import copy
import os
import sys
import tempfile

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "examples", "resnet19"))
sys.path.insert(0, os.path.join(ROOT, "build", "python"))
sys.path.insert(0, os.path.join(ROOT, "python"))

import resnet19  # noqa: E402
import snnc  # noqa: E402
from snnc_torch import LIF, export, run  # noqa: E402


def lif_spikes(model, x):
    out = {}
    hooks = [m.register_forward_hook(lambda m, i, o, n=n: out.__setitem__(n, o.clone()))
             for n, m in model.named_modules() if isinstance(m, LIF)]
    with torch.no_grad():
        y = run(model, x, resnet19.TIMESTEPS)
    for h in hooks:
        h.remove()
    return out, y


def per_channel_rounding(model, bits):
    m = copy.deepcopy(model)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
                w = mod.weight.reshape(mod.weight.shape[0], -1)
                unit = w.abs().max(1)[0][:, None] / (2 ** (bits - 1) - 1)
                mod.weight.copy_((torch.round(w / unit) * unit).reshape(mod.weight.shape))
    return m


def raised_thresholds(model, factor):
    m = copy.deepcopy(model)
    for mod in m.modules():
        if isinstance(mod, LIF):
            mod.v_threshold = mod.v_threshold * factor
    return m


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--width", type=float, default=0.5)
    parser.add_argument("--images", type=int, default=100)
    args = parser.parse_args()
    torch.set_num_threads(2)
    model, rates = resnet19.build(args.width)
    x = resnet19.synthetic_images(args.images, 1000)
    print(f"ResNet-19 at width {args.width}, {args.images} synthetic images, "
          f"calibrated firing rates {min(rates.values()):.3f}..{max(rates.values()):.3f}\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "resnet19.onnx")
        export(model, torch.zeros(1, 3, 32, 32), path, resnet19.TIMESTEPS, "direct")
        print("| weight bits | first layer | middle layer | last spiking layer "
              "| argmax agreement |\n|---|---|---|---|---|")
        for bits in (4, 5, 6, 7, 8):
            result = snnc.compare(path, x.numpy(), weight_bits=bits)
            layers = result["layers"]
            print(f"| {bits} | {layers[0]['spike_agreement']:.4f} "
                  f"| {layers[len(layers) // 2]['spike_agreement']:.4f} "
                  f"| {layers[-1]['spike_agreement']:.4f} "
                  f"| {100 * result['readout']['argmax_agreement']:.0f}% |")
    base, y0 = lif_spikes(model, x)
    names = list(base)
    print("\n| float network, perturbed | first layer | middle layer | last spiking "
          "layer | argmax agreement |\n|---|---|---|---|---|")

    def row(label, m, inputs=x):
        spikes, y = lif_spikes(m, inputs)
        agree = [float((spikes[n] == base[n]).float().mean()) for n in names]
        argmax = float((y.argmax(1) == y0.argmax(1)).float().mean())
        print(f"| {label} | {agree[0]:.4f} | {agree[len(agree) // 2]:.4f} "
              f"| {agree[-1]:.4f} | {100 * argmax:.0f}% |", flush=True)

    for bits in (8, 12, 16):
        row(f"weights rounded per channel to {bits} bits", per_channel_rounding(model, bits))
    row("every threshold +0.1 %", raised_thresholds(model, 1.001))
    row("input rounded to 8 bits", model, torch.round(x * 127) / 127)


if __name__ == "__main__":
    main()
