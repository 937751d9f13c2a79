"""Max pooling of spikes (after the neuron): the max of binary spikes is their
OR, one event per window and step.  Exact in float, and in golden and the
RTL through the core's merge of a window's spikes into one event worth 1
(snn_merge with PopFlagMergeMax); what cannot be exact is refused.  Max
pooling of a current (before the neuron): each neuron takes the max of its
window's currents (snn.qlif current_pool, snn_pool_max in the core)."""

import os
import subprocess
import tempfile
import unittest

import numpy as np
import torch
import torch.nn as nn

from helpers import SNNC, assert_rtl_bit_exact, exported_runs, snnc_run  # sets sys.path
import snnc_torch
import standins as sj
import standins as snt

T = 4


def run_cli(*args):
    return subprocess.run([SNNC, *map(str, args)], capture_output=True, text=True)


def csnn():
    """Conv -> LIF -> MaxPool twice, read by a conv and then a dense layer."""
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), snnc_torch.LIF(0.5, 0.7), nn.MaxPool2d(2),
        nn.Conv2d(8, 8, 3, padding=1), snnc_torch.LIF(0.5, 0.7), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 2 * 2, 10)).eval()


class TwoReaders(nn.Module):
    """One LIF population read max-pooled by one projection and unpooled by
    another: the core cannot merge its spikes for the first."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.lif = snnc_torch.LIF(0.5, 0.7)
        self.pool = nn.MaxPool2d(2)
        self.a = nn.Conv2d(4, 4, 3, padding=1)
        self.b = nn.Conv2d(4, 4, 3, stride=2, padding=1)
        self.lif2 = snnc_torch.LIF(0.5, 0.7)
        self.fc = nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        s = self.lif(self.conv(x))
        out = self.lif2(self.a(self.pool(s)) + self.b(s))
        return self.fc(out.flatten(1))


class MaxPoolTest(unittest.TestCase):
    def test_float_golden_and_rtl(self):
        x = torch.rand(16, 1, 8, 8)
        with tempfile.TemporaryDirectory() as tmp:
            expected, got, path = exported_runs(csnn(), x, T, tmp)
            np.testing.assert_allclose(got, expected, atol=1e-5)
            golden = snnc_run(path, x.numpy(), "--engine", "golden")
            self.assertGreaterEqual((golden.argmax(1) == expected.argmax(1)).mean(), 0.85)
            assert_rtl_bit_exact(self, path, x.numpy()[:4], tmp)

    def test_a_population_pooled_two_ways_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            snnc_torch.export(TwoReaders().eval(), torch.rand(1, 1, 8, 8), path, T)
            proc = run_cli("compile", path, "-o", os.path.join(tmp, "m.snnpkg"))
            self.assertNotEqual(proc.returncode, 0)
            lines = proc.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, proc.stderr)
            self.assertIn("max-pools the spikes of", lines[0])
            self.assertIn("which the core cannot merge into one event per window: its "
                          "consumers pool it differently", lines[0])
            self.assertFalse(os.path.exists(os.path.join(tmp, "m.snnpkg")))

    def test_spikingjelly_csnn_converts(self):
        """SpikingJelly's classic CSNN: Conv-BN-IF-MaxPool, twice."""
        torch.manual_seed(2)
        net = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8),
            sj.IFNode(0.5, 0.0), nn.MaxPool2d(2),
            nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8),
            sj.IFNode(0.5, 0.0), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(8 * 2 * 2, 10)).eval()
        model = snnc_torch.from_spikingjelly(net, T, input_shape=(16, 1, 8, 8),
                                             input_range=(0, 2))
        rates = [r["firing_rate"] for r in model.conversion_check["layers"]
                 if "firing_rate" in r]
        self.assertGreater(min(rates), 0.005)
        with tempfile.TemporaryDirectory() as tmp:
            expected, got, _ = exported_runs(model, torch.rand(16, 1, 8, 8) * 2, T, tmp)
        self.assertLess(np.abs(got - expected).max(), 1e-4)

    def test_max_pool_of_a_current_float_golden_and_rtl(self):
        """snnTorch tutorial 6 pools the current: Conv -> MaxPool -> Leaky,
        each neuron the max of its window's currents (odd sizes: the last
        row and column of the convolution go unread)."""
        torch.manual_seed(3)
        net = nn.Sequential(
            nn.Conv2d(1, 6, 3), nn.MaxPool2d(2), snt.Leaky(0.5, 0.6, init_hidden=True),
            nn.Conv2d(6, 8, 2), nn.BatchNorm2d(8), nn.MaxPool2d(2),
            snt.Leaky(0.5, 0.6, init_hidden=True), nn.Flatten(),
            nn.Linear(8, 10), snt.Leaky(0.5, 0.6, init_hidden=True, output=True))
        with torch.no_grad():  # a positive norm after the pool folds before it
            net[4].weight.uniform_(0.5, 1.5)
            net[4].running_var.uniform_(0.5, 2.0)
            net[0].weight.mul_(3.0)
            net[8].weight.mul_(4.0)
        net.eval()
        model = snnc_torch.from_snntorch(net, T, input_shape=(16, 1, 9, 9))
        rates = [r["firing_rate"] for r in model.conversion_check["layers"]
                 if "firing_rate" in r]
        self.assertGreater(min(rates), 0.01)
        x = torch.rand(16, 1, 9, 9)
        with tempfile.TemporaryDirectory() as tmp:
            expected, got, path = exported_runs(model, x, T, tmp)
            np.testing.assert_allclose(got, expected, atol=1e-5)
            report = run_cli("compile", path, "-o", os.path.join(tmp, "m.snnpkg"))
            self.assertEqual(report.returncode, 0, report.stderr)
            golden = snnc_run(path, x.numpy(), "--engine", "golden")
            self.assertGreaterEqual((golden.argmax(1) == expected.argmax(1)).mean(), 0.8)
            assert_rtl_bit_exact(self, path, x.numpy()[:4], tmp)

    def test_max_pool_of_a_current_refusals(self):
        """Overlapping windows, and a negative norm after the pool (the max
        would become a min): one line naming the module."""
        overlap = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.MaxPool2d(3, stride=2),
                                snt.Leaky(0.8, 0.5, init_hidden=True), nn.Flatten(),
                                nn.Linear(8 * 3 * 3, 10))
        with self.assertRaisesRegex(snnc_torch.ConversionError,
                                    r"module '1' \(MaxPool2d\): kernel_size=3, stride=2, "
                                    r"padding=0: max pooling a current needs windows that "
                                    r"tile the plane"):
            snnc_torch.from_snntorch(overlap, T, input_shape=(4, 1, 8, 8))
        negative = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.MaxPool2d(2),
                                 nn.BatchNorm2d(8), snt.Leaky(0.8, 0.5, init_hidden=True),
                                 nn.Flatten(), nn.Linear(8 * 4 * 4, 10))
        with torch.no_grad():
            negative[2].weight[3] = -1.0
        with self.assertRaisesRegex(snnc_torch.ConversionError,
                                    r"module '2' \(BatchNorm2d\): a norm with a negative "
                                    r"scale after max pooling a current"):
            snnc_torch.from_snntorch(negative.eval(), T, input_shape=(4, 1, 8, 8))


if __name__ == "__main__":
    unittest.main()
