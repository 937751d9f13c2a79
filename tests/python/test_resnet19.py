"""The paper's ResNet-19 (examples/resnet19): the full width (12.7 M
parameters) compiles and runs on the golden engine; a quarter width runs on
the RTL core bit-exactly.  Both are generated here, not committed."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from helpers import ROOT, SNNC

sys.path.insert(0, os.path.join(ROOT, "examples", "resnet19"))
import resnet19  # noqa: E402
from snnc_torch import export  # noqa: E402


def generate(tmp, width, calibration=16, rounds=8):
    model, rates = resnet19.build(width, calibration=calibration, rounds=rounds)
    path = os.path.join(tmp, f"resnet19-{width}.onnx")
    export(model, torch.zeros(1, 3, 32, 32), path, resnet19.TIMESTEPS, "direct")
    x = resnet19.synthetic_images(2, 1000).numpy().astype(np.float32)
    np.save(os.path.join(tmp, "x.npy"), x)
    return model, rates, path


def snnc(*args):
    out = subprocess.run([SNNC, *args], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return str(tmp_path_factory.mktemp("resnet19"))


def test_full_width_compiles_and_runs_on_golden(tmp):
    model, rates, path = generate(tmp, 1.0)
    params = sum(p.numel() for p in model.parameters())
    assert 12.5e6 < params < 12.9e6, params  # the paper's 12.7 M
    # Calibrated as a trained network fires.
    assert all(0.10 <= r <= 0.25 for r in rates.values()), rates
    package = os.path.join(tmp, "r19.snnpkg")
    table = snnc("compile", path, "-o", package)
    assert "/blocks/blocks.7/lif_out/LIF" in table and "total" in table
    x = os.path.join(tmp, "x.npy")
    y, stats = os.path.join(tmp, "y.npy"), os.path.join(tmp, "stats.json")
    snnc("run", package, "--engine", "golden", "--input", x, "-o", y, "--stats", stats)
    assert np.load(y).shape == (2, 10)
    activity = json.load(open(stats))
    lif = [p for p in activity["populations"][1:] if p["neurons"] > 10]
    assert len(lif) == 18  # stem, 8 blocks x 2, FC
    assert all(0.03 < p["firing_rate"] < 0.4 for p in lif), \
        [(p["name"], p["firing_rate"]) for p in lif]
    assert activity["synaptic_ops"] > 1e8


def test_quarter_width_is_bit_exact_on_the_rtl_core(tmp):
    _, _, path = generate(tmp, 0.25, rounds=4)
    x = np.load(os.path.join(tmp, "x.npy"))[:1]
    one = os.path.join(tmp, "x1.npy")
    np.save(one, x)
    out = snnc("sim", path, "--input", one, "--lanes", "8")
    assert "bit-exact with golden" in out, out
