#!/usr/bin/python3
"""ResNet-19 of STBP-tdBN (Zheng et al., AAAI 2021), at any width, with tdBN
statistics calibrated on data so that its layers fire at realistic rates.

    /usr/bin/python3 examples/resnet19/resnet19.py --width 1.0 -o resnet19.onnx
    /usr/bin/python3 examples/resnet19/resnet19.py --width 0.5 -o half.onnx --inputs x.npy

The paper's network on CIFAR-10 (3x32x32, T = 4): a 3x3 stem conv at 128
channels, 3 basic blocks at 128, 3 at 256 (the first with stride 2), 2 at
512 (the first with stride 2), a global average pool, FC 512->256 with LIF,
and the FC 256->10 readout (non-spiking, mean over T); 12.7 M parameters at
width 1.0.  `--width` scales every channel count (0.5: 64-128-256, 3.2 M).

Weights are random (Kaiming, seeded): snnc deploys a trained network the
same way, and a 50 MB model is generated, not committed.  tdBN running
statistics are calibrated on synthetic images (smooth random textures in
[0, 1], the scale of CIFAR pixels); the branch biases are then set so that
each spiking layer fires 10-25 % of the time, as trained networks do
(the paper reports firing rates in that range).
"""

import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

from snnc_torch import LIF, TdBatchNorm1d, TdBatchNorm2d, export, run  # noqa: E402

V_THRESHOLD = 1.0
DECAY = 0.5
TIMESTEPS = 4
BRANCH_ALPHA = 1.0 / math.sqrt(2.0)
STAGES = ((128, 3, 1), (256, 3, 2), (512, 2, 2))  # channels, blocks, stride


def lif():
    return LIF(v_threshold=V_THRESHOLD, decay=DECAY)


def tdbn(channels, alpha=1.0):
    return TdBatchNorm2d(channels, alpha=alpha, v_threshold=V_THRESHOLD)


class BasicBlock(nn.Module):
    """Two tdBN branches with alpha = 1/sqrt(2), added before one LIF."""

    def __init__(self, in_ch, out_ch, stride):
        super().__init__()
        self.conv_a = nn.Conv2d(in_ch, out_ch, 3, stride, 1, bias=False)
        self.bn_a = tdbn(out_ch)
        self.lif_a = lif()
        self.conv_b = nn.Conv2d(out_ch, out_ch, 3, 1, 1, bias=False)
        self.bn_b = tdbn(out_ch, BRANCH_ALPHA)
        if stride != 1 or in_ch != out_ch:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_ch, out_ch, 1, stride, bias=False),
                tdbn(out_ch, BRANCH_ALPHA))
        else:
            self.shortcut = tdbn(out_ch, BRANCH_ALPHA)
        self.lif_out = lif()

    def forward(self, x):
        y = self.lif_a(self.bn_a(self.conv_a(x)))
        y = self.bn_b(self.conv_b(y))
        return self.lif_out(y + self.shortcut(x))


class ResNet19(nn.Module):
    def __init__(self, width=1.0, classes=10):
        super().__init__()
        channels = [max(1, int(round(c * width))) for c, _, _ in STAGES]
        self.conv1 = nn.Conv2d(3, channels[0], 3, 1, 1, bias=False)
        self.bn1 = tdbn(channels[0])
        self.lif1 = lif()
        blocks, in_ch = [], channels[0]
        for (_, count, stride), out_ch in zip(STAGES, channels):
            for i in range(count):
                blocks.append(BasicBlock(in_ch, out_ch, stride if i == 0 else 1))
                in_ch = out_ch
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AvgPool2d(8)
        self.flatten = nn.Flatten()
        hidden = max(1, int(round(256 * width)))
        self.fc1 = nn.Linear(in_ch, hidden, bias=False)
        self.bn_fc = TdBatchNorm1d(hidden, v_threshold=V_THRESHOLD)
        self.lif_fc = lif()
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        x = self.lif1(self.bn1(self.conv1(x)))
        x = self.flatten(self.pool(self.blocks(x)))
        x = self.lif_fc(self.bn_fc(self.fc1(x)))
        return self.fc2(x)


def synthetic_images(count, seed):
    """Smooth random textures in [0, 1]: low-frequency colour fields plus
    fine grain, so that neighbouring pixels correlate as in photographs."""
    gen = torch.Generator().manual_seed(seed)
    coarse = torch.rand(count, 3, 4, 4, generator=gen)
    mid = torch.rand(count, 3, 8, 8, generator=gen)
    fine = torch.rand(count, 3, 32, 32, generator=gen)
    x = (0.55 * F.interpolate(coarse, size=32, mode="bilinear", align_corners=False)
         + 0.3 * F.interpolate(mid, size=32, mode="bilinear", align_corners=False)
         + 0.15 * fine)
    return x.clamp(0.0, 1.0)


def initialize(model, seed):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen)
                               * math.sqrt(2.0 / fan_in))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)
            elif isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.weight.fill_(1.0)
                m.bias.zero_()


def spiking_rates(model, x):
    """Firing rate of every LIF module on x (eval mode)."""
    rates, hooks = {}, []
    for name, m in model.named_modules():
        if isinstance(m, LIF):
            hooks.append(m.register_forward_hook(
                lambda mod, inp, out, name=name: rates.__setitem__(
                    name, float(out.float().mean()))))
    with torch.no_grad():
        run(model, x, TIMESTEPS)
    for h in hooks:
        h.remove()
    return rates


def calibrate(model, images, target_rate, batch=16, rounds=12):
    """Running statistics over the calibration images (cumulative averages
    in training mode), then per-layer bias shifts that bring each LIF layer
    to `target_rate`, first layer first (later layers see the new spikes)."""
    norms = [m for m in model.modules()
             if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    for m in norms:
        m.reset_running_stats()
    model.train()
    with torch.no_grad():
        for k, start in enumerate(range(0, len(images), batch)):
            for m in norms:  # a cumulative average over the batches
                m.momentum = 1.0 / (k + 1)
            run(model, images[start:start + batch], TIMESTEPS, allow_training=True)
    for m in norms:
        m.momentum = 0.1
    model.eval()
    # The norm that drives each LIF: its bias moves the layer's rate.
    drivers = []
    for name, m in model.named_modules():
        if isinstance(m, BasicBlock):
            drivers += [(name + ".lif_a", [m.bn_a]),
                        (name + ".lif_out", [m.bn_b, m.shortcut])]
    drivers = [("lif1", [model.bn1])] + drivers + [("lif_fc", [model.bn_fc])]
    # Every layer's bias moves together, each by its own error (a damped
    # Newton step: a rate's slope in the bias is about 1/4 near 15 %); the
    # first layers settle first and the later ones follow.
    probe = images[:batch]
    shifts = {name: 0.0 for name, _ in drivers}
    for _ in range(rounds):
        rates = spiking_rates(model, probe)
        for name, modules in drivers:
            shifts[name] += 3.0 * (target_rate - rates[name])
            with torch.no_grad():
                for n in modules:
                    n = n if isinstance(n, nn.modules.batchnorm._BatchNorm) else n[-1]
                    n.bias.fill_(shifts[name] / len(modules))
    return spiking_rates(model, probe)


def build(width, seed=0, calibration=64, target_rate=0.15, rounds=12):
    torch.manual_seed(seed)
    model = ResNet19(width)
    initialize(model, seed)
    rates = calibrate(model, synthetic_images(calibration, seed + 1), target_rate,
                      batch=min(16, calibration), rounds=rounds)
    return model.eval(), rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--width", type=float, default=1.0,
                        help="channel scale: 1.0 is the paper's 128-256-512")
    parser.add_argument("-o", "--out", required=True, help="the ONNX file to write")
    parser.add_argument("--inputs", help="also write N synthetic images here (.npy)")
    parser.add_argument("--count", type=int, default=100, help="images for --inputs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--calibration", type=int, default=64,
                        help="calibration images for the tdBN statistics")
    parser.add_argument("--target-rate", type=float, default=0.15)
    args = parser.parse_args()
    torch.set_num_threads(2)
    model, rates = build(args.width, args.seed, args.calibration, args.target_rate)
    params = sum(p.numel() for p in model.parameters())
    export(model, torch.zeros(1, 3, 32, 32), args.out, TIMESTEPS, "direct")
    print(f"wrote {args.out}: ResNet-19 at width {args.width}, {params / 1e6:.2f} M "
          f"parameters; firing rates {min(rates.values()):.3f}..{max(rates.values()):.3f}")
    if args.inputs:
        images = synthetic_images(args.count, args.seed + 1000)
        np.save(args.inputs, images.numpy().astype(np.float32))
        print(f"wrote {args.inputs}: {args.count} synthetic images [N, 3, 32, 32]")


if __name__ == "__main__":
    main()
