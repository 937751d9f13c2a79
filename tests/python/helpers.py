"""Shared set-up of the Python tests: paths, the snnc binary, npy round trips."""

import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
# `import snnc`: the package as the build lays it out, with its extension.
sys.path.insert(0, os.environ.get("SNNC_PYTHON_DIR",
                                  os.path.join(ROOT, "build", "python")))
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


def model_input(name, samples, rng, event_rate=0.3):
    """A random input for test model `name`: [N, ...] analog values for
    direct encoding, binary [T, N, ...] frames for events."""
    import generate
    _, shape, encoding, steps = generate.MODELS[name]
    if encoding == "events":
        return (rng.random((steps, samples) + shape) < event_rate).astype(np.float32)
    return rng.random((samples,) + shape, dtype=np.float32)


def exported_runs(model, x, timesteps, tmp):
    """A snnc_torch model run by PyTorch, and its export (tmp/m.onnx) run by
    snnc's float engine: (torch's [N, K], snnc's [N, K], the ONNX path)."""
    import snnc_torch
    with torch.no_grad():
        expected = snnc_torch.run(model, x, timesteps).numpy()
    path = os.path.join(tmp, "m.onnx")
    snnc_torch.export(model, x[:1], path, timesteps)
    return expected, snnc_run(path, x.numpy()), path


def assert_rtl_bit_exact(test, model_path, x, tmp):
    """`snnc sim` on x: the RTL core's outputs and spikes equal golden's."""
    x_path = os.path.join(tmp, "x_rtl.npy")
    np.save(x_path, np.ascontiguousarray(x, dtype=np.float32))
    proc = subprocess.run([SNNC, "sim", model_path, "--input", x_path],
                          capture_output=True, text=True)
    test.assertEqual(proc.returncode, 0, proc.stderr)
    test.assertIn("bit-exact with golden", proc.stdout)
