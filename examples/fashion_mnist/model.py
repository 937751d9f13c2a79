"""The STBP-tdBN network of the Fashion-MNIST example.

conv 3x3 (1->16) -> tdBN -> LIF                 28x28
avg pool 2                                       14x14
basic block 16->32, stride 2, 1x1-conv shortcut   7x7
basic block 32->32, identity shortcut             7x7
flatten -> FC readout (non-spiking, mean over T)
"""

import math

import torch.nn as nn

from snnc_torch import LIF, TdBatchNorm2d

V_THRESHOLD = 0.5
DECAY = 0.25
TIMESTEPS = 4
# Pixel statistics of the Fashion-MNIST training set (pixels in [0, 1]).
PIXEL_MEAN = 0.2860
PIXEL_STD = 0.3530


def lif():
    return LIF(v_threshold=V_THRESHOLD, decay=DECAY)


def tdbn(channels, alpha=1.0):
    return TdBatchNorm2d(channels, alpha=alpha, v_threshold=V_THRESHOLD)


class Normalize(nn.Module):
    """Exported as Sub and Div by constants."""

    def forward(self, x):
        return (x - PIXEL_MEAN) / PIXEL_STD


class BasicBlock(nn.Module):
    """Two tdBN branches with alpha = 1/sqrt(2), added before one LIF.

    Where the shape changes, the shortcut is a 1x1 conv + tdBN; otherwise it
    is tdBN applied directly to the block's input spikes.
    """

    def __init__(self, in_ch, out_ch, stride):
        super().__init__()
        branch_alpha = 1.0 / math.sqrt(2.0)
        self.conv_a = nn.Conv2d(in_ch, out_ch, 3, stride, 1, bias=False)
        self.bn_a = tdbn(out_ch)
        self.lif_a = lif()
        self.conv_b = nn.Conv2d(out_ch, out_ch, 3, 1, 1, bias=False)
        self.bn_b = tdbn(out_ch, branch_alpha)
        if stride != 1 or in_ch != out_ch:
            self.shortcut = nn.Sequential(nn.Conv2d(in_ch, out_ch, 1, stride, bias=False),
                                          tdbn(out_ch, branch_alpha))
        else:
            self.shortcut = tdbn(out_ch, branch_alpha)
        self.lif_out = lif()

    def forward(self, x):
        y = self.lif_a(self.bn_a(self.conv_a(x)))
        y = self.bn_b(self.conv_b(y))
        return self.lif_out(y + self.shortcut(x))


class FashionNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.normalize = Normalize()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.bn1 = tdbn(16)
        self.lif1 = lif()
        self.pool = nn.AvgPool2d(2)
        self.block1 = BasicBlock(16, 32, 2)
        self.block2 = BasicBlock(32, 32, 1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        x = self.lif1(self.bn1(self.conv1(self.normalize(x))))
        x = self.block2(self.block1(self.pool(x)))
        return self.fc(self.flatten(x))
