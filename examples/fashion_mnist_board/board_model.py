"""The Fashion-MNIST network sized for the iCEBreaker (iCE40 UP5K).

conv 8x8, stride 4, padding 2 (1->16) -> tdBN -> LIF    7x7
basic block 16->16, identity shortcut (x BLOCKS)         7x7
flatten -> FC readout (non-spiking, mean over T)

The same layers, thresholds, decay and T as the bundled example
(../fashion_mnist/model.py), trained the same way.  What makes it fit: no
layer has more than 7 x 7 x 16 = 784 neurons, so the currents and the
input-current cache take 4 block RAMs each; the strided 8x8 stem sees the
28x28 image in overlapping patches instead of a full-resolution layer
(12,544 neurons in the bundled example).  docs/core.md ("What fits
where") gives the memory layout on the UP5K.
"""

import os
import sys

import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mnist"))

# ../fashion_mnist/model.py (this directory has no module of that name).
from model import TIMESTEPS, BasicBlock, Normalize, lif, tdbn  # noqa: E402,F401

CHANNELS = 16
BLOCKS = 2


class BoardNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.normalize = Normalize()
        self.conv1 = nn.Conv2d(1, CHANNELS, 8, 4, 2, bias=False)
        self.bn1 = tdbn(CHANNELS)
        self.lif1 = lif()
        self.blocks = nn.Sequential(
            *[BasicBlock(CHANNELS, CHANNELS, 1) for _ in range(BLOCKS)])
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(CHANNELS * 7 * 7, 10)

    def forward(self, x):
        x = self.lif1(self.bn1(self.conv1(self.normalize(x))))
        return self.fc(self.flatten(self.blocks(x)))
