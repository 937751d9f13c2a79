"""snnc's float engine against the models' own PyTorch code, within 1e-4."""

import json
import os
import unittest

import numpy as np
import torch

from helpers import ROOT, model_input, snnc_run

import generate  # tests/models/generate.py
import snnc_torch

TOLERANCE = 1e-4


class SmallModels(unittest.TestCase):
    def test_every_small_model_matches_pytorch(self):
        rng = np.random.default_rng(7)
        for name, (_, _, encoding, steps) in generate.MODELS.items():
            with self.subTest(model=name):
                model = generate.build(name)
                x = torch.from_numpy(model_input(name, 64, rng))
                with torch.no_grad():
                    expected = snnc_torch.run(model, x, steps, encoding).numpy()
                got = snnc_run(os.path.join(ROOT, "tests", "models", name + ".onnx"),
                               x.numpy())
                self.assertEqual(got.shape, expected.shape)
                self.assertLess(np.abs(got - expected).max(), TOLERANCE)
                # A test that cannot fail is no test: the models must be
                # doing something input-dependent.
                self.assertGreater(expected.std(), 1e-3)

    def test_other_timesteps_match(self):
        name = "conv_pool_negscale"
        encoding = generate.MODELS[name][2]
        model = generate.build(name)
        x = torch.from_numpy(model_input(name, 16, np.random.default_rng(3)))
        with torch.no_grad():
            expected = snnc_torch.run(model, x, 9, encoding).numpy()
        got = snnc_run(os.path.join(ROOT, "tests", "models", name + ".onnx"),
                       x.numpy(), "--timesteps", "9")
        self.assertLess(np.abs(got - expected).max(), TOLERANCE)


def check_example_matches_pytorch(test, folder, model, timesteps, onnx_name):
    """snnc's float engine against PyTorch on 200 test images."""
    from data import load

    here = os.path.join(ROOT, "examples", folder)
    model.load_state_dict(torch.load(os.path.join(here, "model.pt")))
    model.eval()
    images, _ = load("test")
    x = torch.from_numpy(images[:200])
    with torch.no_grad():
        expected = snnc_torch.run(model, x, timesteps).numpy()
    got = snnc_run(os.path.join(here, onnx_name), x.numpy())
    test.assertLess(np.abs(got - expected).max(), TOLERANCE)


def committed_accuracy(test, folder):
    """The float test accuracy an example's accuracy.json records."""
    with open(os.path.join(ROOT, "examples", folder, "accuracy.json")) as f:
        record = json.load(f)
    test.assertEqual(record["test_images"], 10000)
    return record["float_test_accuracy"]


class FashionExample(unittest.TestCase):
    def test_example_matches_pytorch(self):
        from model import TIMESTEPS, FashionNet

        check_example_matches_pytorch(self, "fashion_mnist", FashionNet(), TIMESTEPS,
                                      "fashion_mnist.onnx")

    def test_committed_accuracy_reaches_90_percent(self):
        self.assertGreaterEqual(committed_accuracy(self, "fashion_mnist"), 0.90)


class BoardExample(unittest.TestCase):
    """examples/fashion_mnist_board: the network sized for the iCEBreaker."""

    def test_example_matches_pytorch(self):
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "board_model", os.path.join(ROOT, "examples", "fashion_mnist_board", "board_model.py"))
        board = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(board)
        check_example_matches_pytorch(self, "fashion_mnist_board", board.BoardNet(),
                                      board.TIMESTEPS, "fashion_mnist_board.onnx")

    def test_committed_accuracy_reaches_88_5_percent(self):
        self.assertGreaterEqual(committed_accuracy(self, "fashion_mnist_board"), 0.885)


if __name__ == "__main__":
    unittest.main()
