"""The three networks of examples/frameworks, written as the frameworks'
tutorials and model zoo write them, built from whichever framework module is
passed in: the real snnTorch / SpikingJelly for training, or the line-cited
stand-ins of tests/python/standins.py in CI (which have the same forward
equations; the checkpoints load into both).

- tutorial6_csnn: snnTorch tutorial 6's convolutional SNN, an nn.Sequential
  with MaxPool2d before each Leaky (max pooling of currents).
- Tutorial5Net: snnTorch tutorial 5's class, its forward() looping over the
  time steps and passing each Leaky its membrane.
- SEWNet: a small SEW ResNet (Fang et al., NeurIPS 2021) whose BasicBlock
  has its own forward(), laid out as SpikingJelly's model zoo lays out
  spikingjelly/activation_based/model/sew_resnet.py (dd2a4a21): a stem of
  conv, BN, neuron and max pool; basic blocks conv-BN-neuron twice whose
  output spikes are added to the shortcut's (cnf='ADD'), the shortcut of a
  strided block being a 1x1 conv, BN and neuron; global average pooling and
  a linear readout.  (Smaller than the zoo's, and its strided block comes
  first: see SEWNet.)
"""

import torch
import torch.nn as nn


# ---------------------------------------------------------------------------
# snnTorch (v0.9.4 tutorials).
# ---------------------------------------------------------------------------

def tutorial6_csnn(snn, spike_grad=None, beta=0.5):
    """Tutorial 6's `net`.  snn: the snntorch module (or the stand-ins);
    spike_grad: the surrogate (surrogate.fast_sigmoid(slope=25) in the
    tutorial; training only, so the stand-ins, which have none, omit it)."""
    grad = {} if spike_grad is None else {"spike_grad": spike_grad}
    return nn.Sequential(nn.Conv2d(1, 12, 5),
                         nn.MaxPool2d(2),
                         snn.Leaky(beta=beta, init_hidden=True, **grad),
                         nn.Conv2d(12, 64, 5),
                         nn.MaxPool2d(2),
                         snn.Leaky(beta=beta, init_hidden=True, **grad),
                         nn.Flatten(),
                         nn.Linear(64 * 4 * 4, 10),
                         snn.Leaky(beta=beta, init_hidden=True, output=True, **grad))


class Tutorial5Net(nn.Module):
    """Tutorial 5's `Net`: init_hidden=False Leaky neurons, the time loop in
    forward() with the membranes passed explicitly, the spike and membrane
    records stacked (trained on the membranes, read out by spike counts)."""

    def __init__(self, snn, num_hidden, num_steps, beta=0.95, num_inputs=28 * 28,
                 num_outputs=10):
        super().__init__()
        self.num_steps = num_steps
        self.fc1 = nn.Linear(num_inputs, num_hidden)
        self.lif1 = snn.Leaky(beta=beta)
        self.fc2 = nn.Linear(num_hidden, num_outputs)
        self.lif2 = snn.Leaky(beta=beta)

    def forward(self, x):
        mem1 = self.lif1.init_leaky()
        mem2 = self.lif2.init_leaky()
        spk2_rec = []
        mem2_rec = []
        for step in range(self.num_steps):
            cur1 = self.fc1(x.flatten(1))
            spk1, mem1 = self.lif1(cur1, mem1)
            cur2 = self.fc2(spk1)
            spk2, mem2 = self.lif2(cur2, mem2)
            spk2_rec.append(spk2)
            mem2_rec.append(mem2)
        return torch.stack(spk2_rec, dim=0), torch.stack(mem2_rec, dim=0)


# ---------------------------------------------------------------------------
# SpikingJelly (activation_based, dd2a4a21).
# ---------------------------------------------------------------------------

class SEWBlock(nn.Module):
    """A SEW basic block with cnf='ADD'.  layer: spikingjelly's
    activation_based.layer (or torch.nn); neuron: a factory of neurons."""

    def __init__(self, layer, neuron, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = layer.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = layer.BatchNorm2d(planes)
        self.sn1 = neuron()
        self.conv2 = layer.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = layer.BatchNorm2d(planes)
        self.sn2 = neuron()
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(layer.Conv2d(inplanes, planes, 1, stride, bias=False),
                                            layer.BatchNorm2d(planes))
            self.downsample_sn = neuron()

    def forward(self, x):
        identity = x
        out = self.sn1(self.bn1(self.conv1(x)))
        out = self.sn2(self.bn2(self.conv2(out)))
        if self.downsample is not None:
            identity = self.downsample_sn(self.downsample(x))
        return identity + out  # spikes plus spikes: events of 0, 1 or 2


class SEWNet(nn.Module):
    """Stem 1->16 at 28x28, max pool to 14x14, a SEW block 16->32 with
    stride 2 (7x7, a 1x1-conv shortcut) and one 32->32 (identity shortcut),
    global average pooling, Linear(32, 10).

    The first block has the conv shortcut: the model zoo's order (an
    identity block right after the stem's max pool) adds the max-pooled
    spikes themselves, which snnc compile refuses ("'snn.add' op reads
    pooled events; only a projection can")."""

    def __init__(self, layer, neuron, width=16):
        super().__init__()
        self.conv1 = layer.Conv2d(1, width, 3, 1, 1, bias=False)
        self.bn1 = layer.BatchNorm2d(width)
        self.sn1 = neuron()
        self.maxpool = layer.MaxPool2d(2)
        self.layer1 = nn.Sequential(SEWBlock(layer, neuron, width, 2 * width, stride=2))
        self.layer2 = nn.Sequential(SEWBlock(layer, neuron, 2 * width, 2 * width))
        self.avgpool = layer.AdaptiveAvgPool2d(1)
        self.fc = layer.Linear(2 * width, 10)

    def forward(self, x):
        x = self.maxpool(self.sn1(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        x = self.avgpool(x)
        # Multi-step mode (SpikingJelly's layers with step_mode='m', [T, N,
        # ...]) keeps T in front when flattening, as the model zoo does.
        if getattr(self.avgpool, "step_mode", "s") == "m":
            x = torch.flatten(x, 2)
        else:
            x = torch.flatten(x, 1)
        return self.fc(x)
