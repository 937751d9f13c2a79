"""Graph capture (snnc_torch.capture): networks whose modules have their own
forward(), as the frameworks teach them: SpikingJelly's spiking ResNet and
SEW ResNet basic blocks and a snnTorch tutorial-style class, converted in one
call, proven layer by layer, equal in snnc float and bit-exact on the RTL;
and one line naming the module and the construct for what cannot be
captured.  The blocks follow spikingjelly/activation_based/model/
spiking_resnet.py and sew_resnet.py (dd2a4a21); with SNNC_SPIKINGJELLY_DIR
set (a checkout at that commit) they are built from the real neurons too,
and with SNNC_SNNTORCH_DIR (snnTorch v0.9.4) the tutorial class uses
snnTorch's own Leaky."""

import os
import sys
import tempfile
import unittest

import numpy as np
import torch
import torch.nn as nn

from helpers import assert_rtl_bit_exact, exported_runs  # sets sys.path, threads
import snnc_torch
import standins as sj
import standins as snt

T = 4
SHAPE = (16, 1, 8, 8)


def real_spikingjelly():
    """SpikingJelly's own neuron module when SNNC_SPIKINGJELLY_DIR is set."""
    root = os.environ.get("SNNC_SPIKINGJELLY_DIR")
    if not root:
        return None
    sys.path.insert(0, root)
    from spikingjelly.activation_based import neuron
    return neuron


def sj_neuron(real=None):
    if real is not None:
        return real.LIFNode(tau=2.0, decay_input=False, v_threshold=0.5, v_reset=0.0)
    return sj.LIFNode(2.0, False, 0.5, 0.0)


class BasicBlock(nn.Module):
    """spiking_resnet.py BasicBlock: the branch's current and the shortcut
    (the input spikes, or a 1x1 conv and BN of them) are added before sn2."""

    def __init__(self, channels, neuron, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.sn1 = neuron()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.downsample = downsample
        self.sn2 = neuron()

    def forward(self, x):
        identity = x
        out = self.sn1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        out = self.sn2(out)
        return out


class SEWBlock(BasicBlock):
    """sew_resnet.py BasicBlock with cnf='ADD' (the same layers, without a
    downsample here): the spikes of sn2 and the block's input spikes are
    added (an event of value 2 where both fire)."""

    def forward(self, x):
        identity = x
        out = self.sn1(self.bn1(self.conv1(x)))
        out = self.sn2(self.bn2(self.conv2(out)))
        return out + identity


class ResNet(nn.Module):
    def __init__(self, blocks, neuron):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(8), neuron())
        self.layer1 = nn.Sequential(*blocks)
        self.pool = nn.AvgPool2d(2)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        x = self.layer1(self.stem(x))
        return self.fc(torch.flatten(self.pool(x), 1))


def trained_looking(net, seed=0):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) * 0.2 + 0.05)
                m.weight.copy_(torch.rand(m.num_features, generator=gen) * 0.5 + 0.5)
    return net.eval()


def spiking_resnet(real=None):
    torch.manual_seed(0)
    neuron = lambda: sj_neuron(real)  # noqa: E731
    down = nn.Sequential(nn.Conv2d(8, 8, 1, bias=False), nn.BatchNorm2d(8))
    return trained_looking(ResNet([BasicBlock(8, neuron), BasicBlock(8, neuron, down)],
                                  neuron))


def sew_resnet(real=None):
    torch.manual_seed(1)
    neuron = lambda: sj_neuron(real)  # noqa: E731
    return trained_looking(ResNet([SEWBlock(8, neuron), SEWBlock(8, neuron)], neuron))


class TutorialNet(nn.Module):
    """snnTorch tutorial style: layers as attributes, the data flow in
    forward(), init_hidden Leaky neurons, a spiking output layer."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.pool1 = nn.AvgPool2d(2)
        self.lif1 = snt.Leaky(0.8, 0.5, init_hidden=True)
        self.fc1 = nn.Linear(8 * 4 * 4, 10)
        self.lif2 = snt.Leaky(0.8, 0.5, init_hidden=True, output=True)

    def forward(self, x):
        cur1 = self.pool1(self.conv1(x))
        spk1 = self.lif1(cur1)
        spk2, mem2 = self.lif2(self.fc1(spk1.flatten(1)))
        return spk2


class Tutorial5(nn.Module):
    """snnTorch tutorial 5 as written: init_hidden=False neurons, the time
    loop in forward() with the membranes passed explicitly, the records
    stacked; trained on the membrane record, read out by spike counts."""

    def __init__(self, make_leaky):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.lif1 = make_leaky()
        self.fc2 = nn.Linear(32, 10)
        self.lif2 = make_leaky()

    def forward(self, x):
        mem1 = self.lif1.init_leaky()
        mem2 = self.lif2.init_leaky()
        spk2_rec = []
        mem2_rec = []
        for step in range(T):
            cur1 = self.fc1(x.flatten(1))
            spk1, mem1 = self.lif1(cur1, mem1)
            cur2 = self.fc2(spk1)
            spk2, mem2 = self.lif2(cur2, mem2)
            spk2_rec.append(spk2)
            mem2_rec.append(mem2)
        return torch.stack(spk2_rec, dim=0), torch.stack(mem2_rec, dim=0)


def tutorial5(make_leaky=lambda: snt.Leaky(0.9, 0.5)):
    torch.manual_seed(5)
    net = Tutorial5(make_leaky)
    with torch.no_grad():
        net.fc1.weight.mul_(4)
        net.fc2.weight.mul_(4)
    return net.eval()


def check_end_to_end(test, model, x, counts=False):
    """snnc float equals the converted model; the RTL is bit-exact."""
    with tempfile.TemporaryDirectory() as tmp:
        expected, got, path = exported_runs(model, x, T, tmp)
        if counts:
            np.testing.assert_array_equal(got * T, expected * T)
        else:
            test.assertLess(np.abs(got - expected).max(), 1e-4)
        assert_rtl_bit_exact(test, path, x.numpy()[:3], tmp)


class CaptureTest(unittest.TestCase):
    def convert(self, net, fn=snnc_torch.from_spikingjelly):
        model = fn(net, T, input_shape=SHAPE, input_range=(0, 2))
        rates = [layer["firing_rate"] for layer in model.conversion_check["layers"]
                 if "firing_rate" in layer]
        self.assertGreater(min(rates), 0.005, rates)
        return model

    def test_spiking_resnet_adds_before_the_neuron(self):
        model = self.convert(spiking_resnet())
        check_end_to_end(self, model, torch.rand(SHAPE) * 2)

    def test_sew_resnet_adds_spikes(self):
        model = self.convert(sew_resnet())
        check_end_to_end(self, model, torch.rand(SHAPE) * 2)

    def test_snntorch_tutorial_class(self):
        model = self.convert(TutorialNet(), snnc_torch.from_snntorch)
        check_end_to_end(self, model, torch.rand(SHAPE) * 2, counts=True)

    def test_snntorch_tutorial5_time_loop(self):
        model = self.convert(tutorial5(), snnc_torch.from_snntorch)
        check_end_to_end(self, model, torch.rand(SHAPE) * 2, counts=True)

    def test_time_loops_that_are_not_one_step_repeated(self):
        class Drifting(Tutorial5):
            def forward(self, x):
                mem1, mem2 = self.lif1.init_leaky(), self.lif2.init_leaky()
                rec = []
                for step in range(T):
                    spk1, mem1 = self.lif1(self.fc1(x.flatten(1)) * (step + 1), mem1)
                    spk2, mem2 = self.lif2(self.fc2(spk1), mem2)
                    rec.append(spk2)
                return torch.stack(rec, dim=0)

        class MembraneOut(Tutorial5):
            def forward(self, x):
                mem1, mem2 = self.lif1.init_leaky(), self.lif2.init_leaky()
                rec = []
                for step in range(T):
                    spk1, mem1 = self.lif1(self.fc1(x.flatten(1)), mem1)
                    spk2, mem2 = self.lif2(self.fc2(spk1), mem2)
                    rec.append(mem2)
                return torch.stack(rec, dim=0)

        leaky = lambda: snt.Leaky(0.9, 0.5)  # noqa: E731
        cases = [
            (Drifting(leaky), r"module '<root>' \(Drifting\): forward\(\) calls "
             r"operator.mul|step 1 differs from step 0"),
            (MembraneOut(leaky), r"returns the membrane record first"),
        ]
        for net, message in cases:
            with self.subTest(net=type(net).__name__):
                with self.assertRaisesRegex(snnc_torch.ConversionError, message):
                    snnc_torch.from_snntorch(net.eval(), T, input_shape=SHAPE)
        with self.assertRaisesRegex(snnc_torch.ConversionError,
                                    r"forward\(\) loops over 4 steps; pass timesteps=4"):
            snnc_torch.from_snntorch(tutorial5(), 6, input_shape=SHAPE)

    @unittest.skipUnless(os.environ.get("SNNC_SPIKINGJELLY_DIR"),
                         "SNNC_SPIKINGJELLY_DIR: a SpikingJelly checkout at dd2a4a21")
    def test_with_spikingjellys_own_neurons(self):
        real = real_spikingjelly()
        for build in (spiking_resnet, sew_resnet):
            with self.subTest(net=build.__name__):
                self.convert(build(real))

    @unittest.skipUnless(os.environ.get("SNNC_SNNTORCH_DIR"),
                         "SNNC_SNNTORCH_DIR: a snnTorch checkout at v0.9.4")
    def test_with_snntorchs_own_leaky(self):
        sys.path.insert(0, os.environ["SNNC_SNNTORCH_DIR"])
        import snntorch
        net = TutorialNet()
        net.lif1 = snntorch.Leaky(beta=0.8, threshold=0.5, init_hidden=True)
        net.lif2 = snntorch.Leaky(beta=0.8, threshold=0.5, init_hidden=True, output=True)
        model = self.convert(net, snnc_torch.from_snntorch)
        self.assertEqual(model.conversion_check["output_max_error"], 0.0)
        model = self.convert(tutorial5(lambda: snntorch.Leaky(beta=0.9, threshold=0.5)),
                             snnc_torch.from_snntorch)
        self.assertEqual(model.conversion_check["output_max_error"], 0.0)

    def test_refusals_name_the_module_and_the_construct(self):
        neuron = lambda: sj_neuron()  # noqa: E731

        class Cat(nn.Module):
            def __init__(self):
                super().__init__()
                self.a, self.sn = nn.Linear(4, 4), neuron()

            def forward(self, x):
                return torch.cat([self.sn(self.a(x)), x], 1)

        class Branchy(nn.Module):
            def __init__(self):
                super().__init__()
                self.a, self.sn = nn.Linear(4, 4), neuron()

            def forward(self, x):
                if x.sum() > 0:
                    return self.sn(self.a(x))
                return x

        class Twice(nn.Module):
            def __init__(self):
                super().__init__()
                self.a, self.sn = nn.Linear(4, 4), neuron()

            def forward(self, x):
                return self.sn(self.a(self.sn(self.a(x))))

        class Membrane(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(4, 4)
                self.lif = snt.Leaky(0.8, 0.5, init_hidden=True, output=True)

            def forward(self, x):
                spk, mem = self.lif(self.a(x))
                return mem

        cases = [
            (nn.Sequential(nn.Linear(4, 4), Cat(), nn.Linear(8, 2)),
             r"module '1' \(Cat\): forward\(\) calls torch.cat, which snnc cannot map"),
            (nn.Sequential(Branchy(), nn.Linear(4, 2)),
             r"module '0' \(Branchy\): forward\(\) cannot be traced by torch.fx"),
            (nn.Sequential(Twice(), nn.Linear(4, 2)),
             r"module '0.a' \(Linear\): forward\(\) calls it 2 times, other layers once"),
        ]
        for net, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(snnc_torch.ConversionError, message):
                    snnc_torch.from_spikingjelly(net, 2, input_shape=(3, 4))
        with self.assertRaisesRegex(snnc_torch.ConversionError,
                                    r"module 'lif' \(Leaky\): forward\(\) uses the membrane"):
            snnc_torch.from_snntorch(Membrane(), 2, input_shape=(3, 4))


if __name__ == "__main__":
    unittest.main()
