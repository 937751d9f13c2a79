"""Session.infer and snnc.eval on event arrays: binned by
snnc.events.to_frames (n_time_bins = the model's time steps, sensor_size =
its input shape, unless `frames` says otherwise) and stacked, with the same
scores as the frames given directly."""

import os
import warnings

import numpy as np
import pytest

from helpers import ROOT

import snnc
import snnc.events

MODELS = os.path.join(ROOT, "tests", "models")
SENSOR = (6, 6, 2)  # the events model's input [2, 6, 6] as (W, H, P)
# tonic's own dtype: int16 coordinates, a bool polarity.
TONIC_STRUCT = np.dtype([("x", np.int16), ("y", np.int16), ("t", np.int64),
                         ("p", bool)])


def recording(seed, count=25):
    rng = np.random.default_rng(seed)
    events = np.empty(count, TONIC_STRUCT)
    events["x"] = rng.integers(0, SENSOR[0], count)
    events["y"] = rng.integers(0, SENSOR[1], count)
    events["t"] = np.sort(rng.integers(0, 30_000, count))
    events["p"] = rng.integers(0, 2, count)
    return events


@pytest.fixture(scope="module")
def package():
    return snnc.compile(os.path.join(MODELS, "mlp_soft_ge_events.onnx"))


@pytest.fixture(scope="module")
def recordings():
    return [recording(seed) for seed in range(4)]


def frames_of(recordings, **options):
    options.setdefault("n_time_bins", 5)
    return snnc.events.stack([snnc.events.to_frames(r, SENSOR, **options)
                              for r in recordings])


def quiet(call, *args, **kwargs):
    """`call` without the input-range warning event counts above 1 give."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


def test_infer_bins_event_arrays_as_the_frames(package, recordings):
    session = snnc.Session(package)
    scores = quiet(session.infer, recordings)
    assert scores.shape == (4, package.num_outputs)
    np.testing.assert_array_equal(scores,
                                  quiet(session.infer, frames_of(recordings)))
    # One structured array is one sample.
    np.testing.assert_array_equal(quiet(session.infer, recordings[2]),
                                  scores[2:3])
    np.testing.assert_array_equal(quiet(session.classify, recordings),
                                  scores.argmax(axis=1))


def test_frames_options_reach_to_frames(package, recordings):
    session = snnc.Session(package)
    # Bins of 2 events each: 5 of them from 10 events.
    short = [r[:10] for r in recordings]
    frames = {"event_count": 2, "sensor_size": SENSOR}
    np.testing.assert_array_equal(
        quiet(session.infer, short, frames=frames),
        quiet(session.infer, frames_of(short, n_time_bins=None,
                                       event_count=2)))


def test_eval_takes_event_arrays(package, recordings):
    labels = [0, 1, 2, 3]
    result = quiet(snnc.eval, package, recordings, labels)
    reference = quiet(snnc.eval, package, frames_of(recordings), labels)
    np.testing.assert_array_equal(result.scores, reference.scores)
    assert (result.correct, result.total) == (reference.correct, 4)
    limited = quiet(snnc.eval, package, recordings, labels, limit=2)
    assert limited.total == 2
    np.testing.assert_array_equal(limited.scores, reference.scores[:2])


@pytest.mark.parametrize("frames, message", [
    ({"n_time_bins": 4}, "n_time_bins=4, but the model runs 5 time steps"),
    ({"time_window": 1000}, "frames, but the model runs 5 time steps"),
    ({"n_time_bins": 5, "sensor_size": (8, 8, 2)},
     "frames of [2, 8, 8], but the model takes [2, 6, 6]"),
    ({"bins": 5}, "frames: "),
])
def test_frames_that_do_not_fit_the_model_are_refused(package, recordings,
                                                       frames, message):
    with pytest.raises(snnc.InputError, match=message.replace("[", r"\[")):
        snnc.Session(package).infer(recordings, frames=frames)


def test_frames_with_an_array_is_refused(package, recordings):
    with pytest.raises(snnc.InputError, match="frames bins event arrays"):
        snnc.Session(package).infer(frames_of(recordings),
                                    frames={"n_time_bins": 5})
    with pytest.raises(snnc.InputError, match="frames bins event arrays"):
        snnc.eval(package, frames_of(recordings), [0, 1, 2, 3],
                  frames={"n_time_bins": 5})


def test_a_direct_model_refuses_event_arrays(recordings):
    package = snnc.compile(os.path.join(MODELS, "conv_pool_negscale.onnx"))
    with pytest.raises(snnc.InputError, match="input encoding is direct"):
        snnc.Session(package).infer(recordings)
