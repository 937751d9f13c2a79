"""What the three training scripts share: the framework checkouts, the
Fashion-MNIST arrays (examples/fashion_mnist/data.py), seeded batches, and
the record of each checkpoint's test accuracy in its framework
(accuracy.json) with its prediction for every test image
(<name>.predictions.npy, which tests/python/test_trained_frameworks.py
compares the framework, or its stand-ins, against)."""

import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fashion_mnist"))

import data  # noqa: E402  (examples/fashion_mnist/data.py)

ACCURACY = os.path.join(HERE, "accuracy.json")


def frameworks():
    """Puts the snnTorch and SpikingJelly checkouts on sys.path
    (SNNC_SNNTORCH_DIR, SNNC_SPIKINGJELLY_DIR; /tmp/snt and /tmp/sj)."""
    for var, default in (("SNNC_SNNTORCH_DIR", "/tmp/snt"),
                         ("SNNC_SPIKINGJELLY_DIR", "/tmp/sj")):
        sys.path.insert(0, os.environ.get(var, default))


def setup(seed):
    torch.set_num_threads(2)
    torch.manual_seed(seed)
    np.random.seed(seed)


def fashion(split):
    """(images float32 [N, 1, 28, 28] in [0, 1], labels int64 [N]) as tensors."""
    x, y = data.load(split)
    return torch.from_numpy(x), torch.from_numpy(y)


def batches(x, y, batch_size, epochs, seed):
    """Shuffled minibatches, epoch after epoch, from a seeded generator
    (drop_last, as the tutorials' DataLoader(..., drop_last=True))."""
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        for i in range(len(x) // batch_size):
            idx = order[i * batch_size:(i + 1) * batch_size]
            yield x[idx], y[idx]


def recorded():
    if not os.path.exists(ACCURACY):
        return {}
    with open(ACCURACY) as f:
        return json.load(f)


def record(name, entry):
    """Adds `name`'s figures to accuracy.json."""
    table = recorded()
    table[name] = entry
    with open(ACCURACY, "w") as f:
        json.dump(table, f, indent=2, sort_keys=True)
        f.write("\n")


def finish(name, predictions, y, entry=None):
    """Saves the framework's prediction for every test image and, after
    training (entry: the run's figures), records its accuracy; with entry
    None (--eval-only) compares it with the recorded one instead."""
    correct = int((predictions == y).sum())
    accuracy = 100.0 * correct / len(y)
    np.save(os.path.join(HERE, f"{name}.predictions.npy"),
            predictions.numpy().astype(np.uint8))
    print(f"{name}: test accuracy in the framework {accuracy:.2f}% ({correct}/{len(y)})")
    if entry is None:
        before = recorded().get(name, {}).get("test_correct")
        print(f"{name}: accuracy.json records {before} correct"
              + (" (the same)" if before == correct else " (DIFFERENT)"))
        return correct
    record(name, dict(entry, test_correct=correct, test_accuracy=accuracy))
    return correct


def eval_only_argument(parser):
    parser.add_argument("--eval-only", action="store_true",
                        help="re-measure the saved checkpoint (--out) and write its "
                        "predictions, without training")


class Clock:
    def __init__(self):
        self.start = time.time()

    def __call__(self):
        return time.time() - self.start
