"""The STBP-tdBN network of the event-camera Fashion-MNIST example.

Input: T = 6 event frames [2, 34, 34] (OFF, ON), each the events of 50 ms of
the 300 ms recording, clipped to 0/1 (snnc's events encoding: one frame a
step).

conv 10x10, stride 4 (2->16) -> tdBN -> LIF     7x7x16
basic block 16->16, identity shortcut           7x7x16
flatten -> FC readout (non-spiking, mean over T) 10

The layers, thresholds and decay of ../fashion_mnist/model.py.  No
normalisation: the frames are already 0/1 and the first tdBN scales the
currents.  A 10x10 kernel at stride 4 covers the 34 pixels exactly (7
windows); no layer has more than 784 neurons, like the board example.
"""

import importlib.util
import os
import sys

import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))


def _fashion_model():
    """../fashion_mnist/model.py, loaded under its own name (this directory
    has a model.py too)."""
    path = os.path.join(HERE, "..", "fashion_mnist", "model.py")
    spec = importlib.util.spec_from_file_location("fashion_mnist_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_shared = _fashion_model()
BasicBlock, lif, tdbn = _shared.BasicBlock, _shared.lif, _shared.tdbn

TIMESTEPS = 6
SENSOR_SIZE = (34, 34, 2)  # tonic's (width, height, polarities)
CHANNELS = 16


class EventNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, CHANNELS, 10, 4, 0, bias=False)
        self.bn1 = tdbn(CHANNELS)
        self.lif1 = lif()
        self.block = BasicBlock(CHANNELS, CHANNELS, 1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(CHANNELS * 7 * 7, 10)

    def forward(self, x):
        x = self.block(self.lif1(self.bn1(self.conv1(x))))
        return self.fc(self.flatten(x))
