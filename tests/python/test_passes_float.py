"""The passes keep the float semantics: IR after snn-fold-tdbn and
snn-lower-pooling runs within 1e-4 of the imported IR."""

import os
import subprocess
import tempfile
import unittest

import numpy as np

from helpers import ROOT, SNNC, assert_rtl_bit_exact, model_input, snnc_run

import generate

SNN_OPT = os.path.join(os.path.dirname(SNNC), "snn-opt")
TOLERANCE = 1e-4


def folded_mlir(model, tmp):
    imported = os.path.join(tmp, "model.mlir")
    folded = os.path.join(tmp, "folded.mlir")
    subprocess.run([SNNC, "import", model, "-o", imported], check=True)
    with open(folded, "w") as out:
        subprocess.run([SNN_OPT, "--snn-fold-tdbn", "--snn-lower-pooling", imported],
                       check=True, stdout=out)
    with open(folded) as f:
        text = f.read()
    return folded, text


class FoldKeepsSemantics(unittest.TestCase):
    def check(self, model, x):
        with tempfile.TemporaryDirectory() as tmp:
            path, text = folded_mlir(model, tmp)
            for gone in ("snn.tdbn", "snn.avg_pool", "snn.flatten"):
                self.assertNotIn(gone, text)
            before = snnc_run(model, x)
            after = snnc_run(path, x)
        self.assertLess(np.abs(before - after).max(), TOLERANCE)
        self.assertGreater(before.std(), 1e-3)

    def test_small_models(self):
        rng = np.random.default_rng(5)
        for name in generate.MODELS:
            with self.subTest(model=name):
                x = model_input(name, 32, rng)
                self.check(os.path.join(ROOT, "tests", "models", name + ".onnx"), x)

    def test_fashion_example(self):
        from data import load
        images, _ = load("test")
        self.check(os.path.join(ROOT, "examples", "fashion_mnist", "fashion_mnist.onnx"),
                   images[:200])


def pooled_current_net(pool, conv_stride=1, bn=True):
    """Conv (-> BatchNorm) -> pool -> LIF -> Linear: the pool averages the
    convolution's current before the neuron (snnTorch tutorial style)."""
    import torch
    import torch.nn as nn
    import snnc_torch
    torch.manual_seed(3)
    layers = [nn.Conv2d(1, 4, 3, stride=conv_stride, padding=1)]
    if bn:
        norm = nn.BatchNorm2d(4)
        with torch.no_grad():
            norm.running_mean.uniform_(-0.2, 0.2)
            norm.running_var.uniform_(0.5, 2.0)
            norm.weight.uniform_(-1.5, 1.5)  # some channels negated
        layers.append(norm)
    layers += [pool, snnc_torch.LIF(0.5, 0.7), nn.Flatten()]
    model = nn.Sequential(*layers)
    with torch.no_grad():
        features = model(torch.zeros(1, 1, 12, 12)).shape[1]
    model.append(nn.Linear(features, 3))
    return model.eval()


class PooledCurrentFolds(unittest.TestCase):
    """A pool of a current becomes one strided, box-filtered convolution in
    snn-fold-tdbn: float within 1e-4 of the imported model, for pools that
    overlap or not, after a strided conv, global, and before or after the
    norm; the compiled model then runs bit-exact on the RTL."""

    def test_pools_of_currents(self):
        import torch
        import torch.nn as nn
        import snnc_torch
        rng = np.random.default_rng(9)
        cases = {
            "2x2/2": pooled_current_net(nn.AvgPool2d(2)),
            "3x3/1 overlapping": pooled_current_net(nn.AvgPool2d(3, stride=1)),
            "3x3/2 after a stride-2 conv": pooled_current_net(nn.AvgPool2d(3, 2), 2),
            "global": pooled_current_net(nn.AdaptiveAvgPool2d(1)),
            "no norm": pooled_current_net(nn.AvgPool2d(2), bn=False),
        }
        # The norm after the pool: pool first in program order.
        after = pooled_current_net(nn.AvgPool2d(2))
        after[1], after[2] = after[2], after[1]
        cases["norm after the pool"] = after
        x = rng.random((16, 1, 12, 12), dtype=np.float32) * 2
        for name, model in cases.items():
            with self.subTest(pool=name), tempfile.TemporaryDirectory() as tmp:
                onnx_path = os.path.join(tmp, "m.onnx")
                snnc_torch.export(model, torch.from_numpy(x[:1]), onnx_path, 4)
                self.check_pooled(onnx_path, x, tmp)
                if name == "2x2/2":
                    assert_rtl_bit_exact(self, onnx_path, x[:2], tmp)

    def check_pooled(self, onnx_path, x, tmp):
        path, text = folded_mlir(onnx_path, tmp)
        self.assertNotIn("snn.avg_pool", text)
        before = snnc_run(onnx_path, x)
        after = snnc_run(path, x)
        self.assertLess(np.abs(before - after).max(), TOLERANCE)
        self.assertGreater(before.std(), 1e-3)


if __name__ == "__main__":
    unittest.main()
