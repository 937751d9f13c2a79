#!/usr/bin/python3
"""Generates the small test models: random weights and statistics, seeded.

    /usr/bin/python3 tests/models/generate.py [--out DIR]

writes one <name>.onnx per entry of MODELS.  The tests rebuild the same
PyTorch modules from this file (same seeds) and check that snnc's engines
match them.  Together the models cover: negative and zero tdBN scales,
plain BatchNormalization, soft and subtract reset, `ge` firing, events input,
decay 0 and decay 1, an input gain (Mul) before a LIF, average and global
average pools, Gemm and MatMul+Add readouts, and residual blocks with
1x1-conv and identity shortcuts.
"""

import argparse
import math
import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

from snnc_torch import LIF, TdBatchNorm1d, TdBatchNorm2d, export  # noqa: E402
from snnc_torch import Scale as Gain  # noqa: E402

BRANCH_ALPHA = 1.0 / math.sqrt(2.0)


def randomize_norm(bn, gen, zero_channel=None):
    """Random lambda (some negative), beta and running statistics."""
    c = bn.num_features
    with torch.no_grad():
        scale = torch.empty(c).uniform_(0.5, 1.5, generator=gen)
        sign = torch.ones(c)
        sign[::3] = -1.0  # every third channel has a negative scale
        bn.weight.copy_(scale * sign)
        if zero_channel is not None:
            bn.weight[zero_channel] = 0.0
        bn.bias.copy_(torch.randn(c, generator=gen) * 0.5 + 0.3)
        bn.running_mean.copy_(torch.randn(c, generator=gen) * 0.3)
        bn.running_var.copy_(torch.empty(c).uniform_(0.3, 2.0, generator=gen))


def randomize(model, seed):
    gen = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            with torch.no_grad():
                module.weight.copy_(torch.randn(module.weight.shape, generator=gen)
                                    * 1.5 / math.sqrt(module.weight[0].numel()))
                if module.bias is not None:
                    module.bias.copy_(torch.randn(module.bias.shape, generator=gen) * 0.2)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            randomize_norm(module, gen)
    return model.eval()


class Block(nn.Module):
    """Residual basic block; 1x1-conv shortcut when the shape changes."""

    def __init__(self, cin, cout, stride, vth, decay, reset="hard", fire="gt"):
        super().__init__()
        self.conv_a = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn_a = TdBatchNorm2d(cout, v_threshold=vth)
        self.lif_a = LIF(vth, decay, reset, fire)
        self.conv_b = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn_b = TdBatchNorm2d(cout, alpha=BRANCH_ALPHA, v_threshold=vth)
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False),
                TdBatchNorm2d(cout, alpha=BRANCH_ALPHA, v_threshold=vth))
        else:
            self.shortcut = TdBatchNorm2d(cout, alpha=BRANCH_ALPHA, v_threshold=vth)
        self.lif_out = LIF(vth, decay, reset, fire)

    def forward(self, x):
        y = self.bn_b(self.conv_b(self.lif_a(self.bn_a(self.conv_a(x)))))
        return self.lif_out(y + self.shortcut(x))


class MatMulAdd(nn.Module):
    """A readout that exports as MatMul followed by Add."""

    def __init__(self, cin, cout):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cin, cout) / math.sqrt(cin))
        self.bias = nn.Parameter(torch.randn(cout) * 0.1)

    def forward(self, x):
        return torch.matmul(x, self.weight) + self.bias


class Scale(nn.Module):
    """Exports as Mul and Sub by constants."""

    def forward(self, x):
        return x * 2.0 - 0.5


def conv_pool_negscale():
    model = nn.Sequential(
        Scale(),
        nn.Conv2d(1, 4, 3, 1, 1), TdBatchNorm2d(4, v_threshold=0.6), LIF(0.6, 0.5),
        nn.AvgPool2d(2),
        nn.Conv2d(4, 6, 3, 1, 0, bias=False), nn.BatchNorm2d(6),
        LIF(1.0, 0.9, reset="soft", fire="ge"),
        nn.Flatten(), nn.Linear(6 * 2 * 2, 5))
    randomize(model, 1)
    with torch.no_grad():  # a zero scale: that channel's current is constant
        model[2].weight[1] = 0.0
    return model


def mlp_soft_ge_events():
    model = nn.Sequential(
        nn.Flatten(), nn.Linear(2 * 6 * 6, 16), TdBatchNorm1d(16, v_threshold=0.8),
        LIF(0.8, 0.7, reset="soft", fire="ge"),
        nn.Linear(16, 4))
    return randomize(model, 2)


def residual_1x1_decay0():
    model = nn.Sequential(
        nn.Conv2d(2, 4, 3, 1, 1, bias=False), TdBatchNorm2d(4, v_threshold=0.5),
        LIF(0.5, 0.0),
        Block(4, 6, 2, 0.5, 0.0),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 3))
    return randomize(model, 3)


def residual_identity_decay1():
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, 1, 1, bias=False), TdBatchNorm2d(4, v_threshold=1.0),
        LIF(1.0, 1.0, reset="soft"),
        Block(4, 4, 1, 1.0, 1.0, reset="soft"),
        nn.AvgPool2d(2), nn.Flatten(), MatMulAdd(4 * 4 * 4, 3))
    return randomize(model, 4)


def conv_subtract_gain():
    """snnTorch's subtract reset, and SpikingJelly's decay_input gain."""
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, 1, 1), TdBatchNorm2d(4, v_threshold=0.7),
        LIF(0.7, 0.8, reset="subtract"),
        nn.AvgPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 8), TdBatchNorm1d(8),
        Gain(0.5), LIF(0.4, 0.5, reset="subtract", fire="ge"),
        nn.Linear(8, 3))
    return randomize(model, 11)


# name -> (builder, one step's input shape without N, encoding, T)
MODELS = {
    "conv_pool_negscale": (conv_pool_negscale, (1, 8, 8), "direct", 4),
    "mlp_soft_ge_events": (mlp_soft_ge_events, (2, 6, 6), "events", 5),
    "residual_1x1_decay0": (residual_1x1_decay0, (2, 8, 8), "direct", 3),
    "residual_identity_decay1": (residual_identity_decay1, (1, 8, 8), "direct", 6),
    "conv_subtract_gain": (conv_subtract_gain, (1, 8, 8), "direct", 5),
}


def build(name):
    """The PyTorch module of a test model, identical on every call."""
    torch.manual_seed(0)
    return MODELS[name][0]()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=HERE)
    args = parser.parse_args()
    torch.set_num_threads(2)
    for name, (_, shape, encoding, steps) in MODELS.items():
        path = os.path.join(args.out, name + ".onnx")
        export(build(name), torch.zeros(1, *shape), path, steps, encoding)
        print("wrote", path)


if __name__ == "__main__":
    main()
