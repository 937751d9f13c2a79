"""The passes keep the float semantics: IR after snn-fold-tdbn and
snn-lower-pooling runs within 1e-4 of the imported IR."""

import os
import subprocess
import tempfile
import unittest

import numpy as np

from helpers import ROOT, SNNC, model_input, snnc_run

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


if __name__ == "__main__":
    unittest.main()
