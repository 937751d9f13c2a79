"""The golden (integer) engine against the float reference."""

import os
import re
import subprocess
import tempfile
import unittest

import numpy as np

from helpers import ROOT, SNNC, model_input, snnc_run

import generate

DATA = "/usr/share/datasets/fashion-mnist"


class GoldenTracksFloat(unittest.TestCase):
    def test_small_models(self):
        rng = np.random.default_rng(11)
        for name in generate.MODELS:
            with self.subTest(model=name):
                x = model_input(name, 64, rng)
                model = os.path.join(ROOT, "tests", "models", name + ".onnx")
                ref = snnc_run(model, x)
                got = snnc_run(model, x, "--engine", "golden")
                self.assertEqual(got.shape, ref.shape)
                # 8-bit weights: the class decisions agree and the scores
                # stay close on the scale of the outputs.
                self.assertGreaterEqual((got.argmax(1) == ref.argmax(1)).mean(), 0.9)
                self.assertLess(np.abs(got - ref).max(), 0.25 * np.abs(ref).max())

    def test_every_small_model_compiles_to_a_package(self):
        rng = np.random.default_rng(12)
        for name in generate.MODELS:
            with self.subTest(model=name), tempfile.TemporaryDirectory() as tmp:
                model = os.path.join(ROOT, "tests", "models", name + ".onnx")
                package = os.path.join(tmp, name + ".snnpkg")
                subprocess.run([SNNC, "compile", model, "-o", package], check=True,
                               capture_output=True)
                x = model_input(name, 16, rng, event_rate=0.5)
                from_package = snnc_run(package, x, "--engine", "golden")
                in_memory = snnc_run(model, x, "--engine", "golden")
                np.testing.assert_array_equal(from_package, in_memory)

    def test_stats_count_events(self):
        x = np.random.default_rng(3).random((8, 1, 8, 8), dtype=np.float32)
        with tempfile.TemporaryDirectory() as tmp:
            snnc_run(os.path.join(ROOT, "tests", "models", "conv_pool_negscale.onnx"), x,
                     "--engine", "golden", "--stats", os.path.join(tmp, "s.json"))
            import json
            with open(os.path.join(tmp, "s.json")) as f:
                stats = json.load(f)
        self.assertEqual(stats["samples"], 8)
        self.assertEqual(stats["timesteps"], 4)
        self.assertGreater(stats["synaptic_ops"], 0)
        for pop in stats["populations"]:
            self.assertEqual(len(pop["events_per_step"]), 4)
            self.assertLessEqual(pop["firing_rate"], 1.0)


def eval_example(folder, onnx_name, *options):
    """`snnc eval --engine golden` of an example on the Fashion-MNIST test
    set: (float %, golden %, golden - float points)."""
    out = subprocess.run(
        [SNNC, "eval", os.path.join(ROOT, "examples", folder, onnx_name),
         "--engine", "golden", *options,
         "--images", os.path.join(DATA, "t10k-images-idx3-ubyte.gz"),
         "--labels", os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")],
        check=True, capture_output=True, text=True).stdout

    def number(pattern):
        return float(re.search(pattern, out).group(1))

    return (number(r"accuracy \(float\): ([0-9.]+)%"),
            number(r"accuracy \(golden\): ([0-9.]+)%"),
            number(r"difference \(golden - float\): (-?[0-9.]+) points"))


class FashionAccuracy(unittest.TestCase):
    def test_golden_within_one_point_on_2000_images(self):
        _, golden, diff = eval_example("fashion_mnist", "fashion_mnist.onnx", "--limit", "2000")
        # Measured on all 10,000 images: -0.28 points (docs/benchmarks.md).
        self.assertLessEqual(abs(diff), 1.0)
        self.assertGreater(golden, 89.0)


class BoardAccuracy(unittest.TestCase):
    def test_golden_within_half_a_point_on_all_test_images(self):
        # The board example with the iCEBreaker's default options (15-bit
        # state), on all 10,000 test images.
        float_acc, _, diff = eval_example("fashion_mnist_board", "fashion_mnist_board.onnx",
                                          "--target", "ice40-up5k")
        self.assertGreaterEqual(float_acc, 88.5)
        self.assertLessEqual(abs(diff), 0.5)


if __name__ == "__main__":
    unittest.main()
