"""Shared set-up of the Python tests: paths, the snnc binary, npy round trips."""

import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "tests", "models"))
sys.path.insert(0, os.path.join(ROOT, "examples", "fashion_mnist"))
SNNC = os.environ.get("SNNC", os.path.join(ROOT, "build", "bin", "snnc"))

torch.set_num_threads(2)


def snnc_run(model_path, x, *extra):
    """Runs `snnc run` on x and returns the [N, K] output."""
    with tempfile.TemporaryDirectory() as tmp:
        x_path = os.path.join(tmp, "x.npy")
        y_path = os.path.join(tmp, "y.npy")
        np.save(x_path, np.ascontiguousarray(x, dtype=np.float32))
        subprocess.run([SNNC, "run", model_path, "--input", x_path, "-o", y_path,
                        *extra], check=True)
        return np.load(y_path)
