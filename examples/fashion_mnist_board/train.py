#!/usr/bin/python3
"""Trains the iCEBreaker-sized Fashion-MNIST network and exports it for snnc.

Seeded and reproducible on the same machine and torch build:
    /usr/bin/python3 examples/fashion_mnist_board/train.py --epochs 24
writes model.pt (state dict), fashion_mnist_board.onnx and accuracy.json
beside this file, with the training loop of ../fashion_mnist/train.py.
The committed files came from exactly that command.
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from board_model import BoardNet  # noqa: E402


def load_shared_training():
    """../fashion_mnist/train.py (a module of the same name as this one)."""
    path = os.path.join(HERE, "..", "fashion_mnist", "train.py")
    spec = importlib.util.spec_from_file_location("fashion_mnist_train", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    shared = load_shared_training()
    args = shared.parse_args(__doc__, epochs=24, lr=3e-3, out=HERE)
    shared.train(BoardNet, args, "fashion_mnist_board.onnx",
                 "/usr/bin/python3 examples/fashion_mnist_board/train.py")


if __name__ == "__main__":
    main()
