#!/usr/bin/python3
"""Writes the bundled Fashion-MNIST example's first layer as a network.

    /usr/bin/python3 tests/Inputs/fashion_stem.py OUT.onnx

The example's trained conv 3x3 (1 -> 16) -> tdBN -> LIF at 28 x 28 (its
12,544-neuron layer, the largest one of issue 24's target), then a
global average pool and a seeded random FC readout (16 -> 10).  It is the
network of the "largest layer on one chip" figures: the layer is the
example's, the readout only makes it a whole network.
"""

import os
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "examples", "fashion_mnist"))

import snnc_torch  # noqa: E402
from model import FashionNet, Normalize, lif, tdbn, TIMESTEPS  # noqa: E402


class Stem(nn.Module):
    def __init__(self):
        super().__init__()
        self.normalize = Normalize()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.bn1 = tdbn(16)
        self.lif1 = lif()
        self.pool = nn.AvgPool2d(28)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.lif1(self.bn1(self.conv1(self.normalize(x))))
        return self.fc(self.flatten(self.pool(x)))


def main():
    torch.set_num_threads(2)
    trained = FashionNet()
    trained.load_state_dict(torch.load(
        os.path.join(ROOT, "examples", "fashion_mnist", "model.pt"),
        map_location="cpu"))
    stem = Stem()
    stem.conv1.load_state_dict(trained.conv1.state_dict())
    stem.bn1.load_state_dict(trained.bn1.state_dict())
    gen = torch.Generator().manual_seed(24)
    with torch.no_grad():
        stem.fc.weight.copy_(torch.randn(stem.fc.weight.shape, generator=gen) * 0.5)
        stem.fc.bias.zero_()
    snnc_torch.export(stem.eval(), torch.zeros(1, 1, 28, 28), sys.argv[1],
                      timesteps=TIMESTEPS)


if __name__ == "__main__":
    main()
