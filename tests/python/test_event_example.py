"""The event-camera example (examples/fashion_mnist_events) end to end, small:
20 test recordings made by its simulated camera, binned as training binned
them, run through the committed ONNX model in float, golden and RTL."""

import glob
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import ROOT

import snnc
import snnc.events

EXAMPLE = os.path.join(ROOT, "examples", "fashion_mnist_events")


def example_modules():
    """The example's modules.  Its model.py shares its name with
    ../fashion_mnist/model.py (on the path for other tests): that one is
    put back once these are imported."""
    saved = sys.modules.pop("model", None)
    sys.path.insert(0, EXAMPLE)
    try:
        import evaluate
        import events_data
        import make_events
        import model
    finally:
        sys.path.remove(EXAMPLE)
        sys.modules.pop("model", None)
        if saved is not None:
            sys.modules["model"] = saved
    return evaluate, events_data, make_events, model


evaluate, events_data, make_events_module, example_model = example_modules()
load, SENSOR, read_idx = events_data.load, make_events_module.SENSOR, make_events_module.read_idx
TIMESTEPS = example_model.TIMESTEPS

RECORDINGS = 20
# SHA-256 of the 20 files in path order: the recordings the committed model
# was trained beside.  A change to make_events.py that alters them must
# regenerate the data, retrain and re-evaluate the example, then update this.
RECORDINGS_SHA256 = "73297639dc73c06d6e55d094093118d1d082a76e11a7f0a22f942bfa4b362e0a"
LABELS = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"


def make_events(out, *extra):
    env = dict(os.environ)
    env.setdefault("SNNC_PYTHON_DIR", os.path.join(ROOT, "build", "python"))
    subprocess.run([sys.executable, os.path.join(EXAMPLE, "make_events.py"), str(out),
                    "--split", "test", "--limit", str(RECORDINGS), *extra],
                   check=True, env=env, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    out = tmp_path_factory.mktemp("events")
    make_events(out)
    return out


@pytest.fixture(scope="module")
def engines(recordings):
    frames, labels = load(str(recordings), "test", TIMESTEPS)
    floats, golden, package = evaluate.float_and_golden(frames)
    return frames, labels, floats, golden, package


def files_of(root):
    return sorted(glob.glob(os.path.join(str(root), "Test", "*", "*.bin")))


def test_recordings_are_laid_out_as_nmnist_and_deterministic(recordings, tmp_path):
    files = files_of(recordings)
    digest = hashlib.sha256()
    for path in files:
        with open(path, "rb") as f:
            digest.update(f.read())
    assert digest.hexdigest() == RECORDINGS_SHA256
    labels = read_idx(LABELS)
    assert [os.path.relpath(path, recordings) for path in files] == sorted(
        os.path.join("Test", str(labels[i]), f"{i:05d}.bin") for i in range(RECORDINGS))
    # Other batching and one worker: the same bytes.
    make_events(tmp_path, "--workers", "1", "--batch", "7")
    for path in files:
        with open(path, "rb") as mine, open(tmp_path / os.path.relpath(path, recordings),
                                            "rb") as again:
            assert mine.read() == again.read(), path


def test_recordings_are_saccades_of_events(recordings):
    for path in files_of(recordings):
        events = snnc.events.read(path)
        assert 1000 < len(events) < 50000, (path, len(events))
        t = events["t"]
        assert np.all(np.diff(t) >= 0) and t[0] >= 0 and t[-1] <= 300000, path
        assert events["x"].max() < SENSOR and events["y"].max() < SENSOR, path
        # Both polarities, in each of the three saccades.
        for saccade in range(3):
            part = events[(t >= saccade * 100000) & (t < (saccade + 1) * 100000)]
            assert set(np.unique(part["p"])) == {0, 1}, (path, saccade)


def test_frames_are_tonic_bins_clipped_to_one(recordings, engines):
    frames = engines[0]
    assert frames.shape == (RECORDINGS, TIMESTEPS, 2, SENSOR, SENSOR)
    first = files_of(recordings)
    first = next(p for p in first if p.endswith(os.sep + "00000.bin"))
    counts = snnc.events.to_frames(snnc.events.read(first), (SENSOR, SENSOR, 2),
                                   n_time_bins=TIMESTEPS)
    assert counts.max() > 1  # clipping matters
    np.testing.assert_array_equal(frames[0], np.minimum(counts, 1))


def test_float_is_accurate_and_golden_agrees(engines):
    _, labels, floats, golden, _ = engines
    # The committed model was trained on this generator's recordings: far
    # above chance (10 %) on them (88.7 % on all 10,000).
    assert (floats.argmax(1) == labels).mean() >= 0.6
    agree = (floats.argmax(1) == golden.argmax(1)).mean()
    assert agree >= evaluate.MIN_AGREEMENT, agree
    # Near, not equal: golden is integer arithmetic with 8-bit weights.
    assert 0 < np.abs(floats - golden).max() <= evaluate.MAX_SCORE_DIFFERENCE


def test_float_engine_is_the_trained_network(engines):
    """snnc's float engine on the exported ONNX equals PyTorch on model.pt."""
    import torch

    import snnc_torch
    frames, _, floats, _, _ = engines
    model = example_model.EventNet()
    model.load_state_dict(torch.load(os.path.join(EXAMPLE, "model.pt")))
    model.eval()
    with torch.no_grad():
        torch_scores = snnc_torch.run(model, torch.from_numpy(evaluate.step_major(frames)),
                                      TIMESTEPS, "events").numpy()
    np.testing.assert_allclose(floats, torch_scores, atol=1e-4)


def test_rtl_is_bit_exact_with_golden(engines):
    frames, _, _, golden, package = engines
    rtl = evaluate.rtl_scores(package, frames[:2], lanes=2)
    np.testing.assert_array_equal(rtl, golden[:2])
