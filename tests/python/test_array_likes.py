"""What a new user sees from Python (issue 26): every entry point takes any
array-like; a wrong shape is one line; inputs outside the model's input
range are counted and warned about (or refused); EvalResult's accuracy is a
fraction."""

import os
import warnings

import numpy as np
import pytest
import torch

from helpers import ROOT  # noqa: F401 (puts snnc on the path)

import snnc

MODELS = os.path.join(ROOT, "tests", "models")
SMALL = os.path.join(MODELS, "conv_pool_negscale.onnx")  # [1, 8, 8] -> 5
EVENTS = os.path.join(MODELS, "mlp_soft_ge_events.onnx")


@pytest.fixture(scope="module")
def small():
    return snnc.compile(SMALL)


def pixels(samples, seed=0):
    """uint8 images as a dataset ships them: 0..255."""
    return np.random.default_rng(seed).integers(0, 256, (samples, 1, 8, 8),
                                                dtype=np.uint8)


def unit(samples, seed=0):
    """The same images on the model's scale, [0, 1]."""
    return pixels(samples, seed).astype(np.float32) / 255


# 1. Array-likes.

ARRAY_LIKES = {
    "float64": lambda x: x.astype(np.float64),
    "float16": lambda x: x.astype(np.float16),
    "fortran order": np.asfortranarray,
    "strided view": lambda x: np.repeat(x, 2, axis=0)[::2],
    "nested lists": lambda x: x.tolist(),
    "torch float32": torch.from_numpy,
    "torch float64": lambda x: torch.from_numpy(x).double(),
    "torch bfloat16": lambda x: torch.from_numpy(x).bfloat16(),
    "torch with grad": lambda x: torch.from_numpy(x).clone().requires_grad_(),
    "torch non-contiguous": lambda x: torch.from_numpy(
        np.ascontiguousarray(x.transpose(0, 1, 3, 2))).transpose(2, 3),
}


@pytest.mark.parametrize("kind", ARRAY_LIKES)
def test_session_infer_takes_any_array_like(small, kind):
    x = unit(3)
    # bfloat16 and float16 round the pixels; the reference takes the same
    # rounded values as float32.
    given = ARRAY_LIKES[kind](x)
    reference = (torch.as_tensor(given).detach().float().numpy()
                 if isinstance(given, torch.Tensor) else
                 np.asarray(given, dtype=np.float32))
    session = snnc.Session(small)
    expected = session.infer(np.ascontiguousarray(reference, np.float32))
    np.testing.assert_array_equal(session.infer(given), expected)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.int64, np.bool_])
def test_integer_dtypes_are_taken_as_their_values(dtype):
    # An input range of [0, 255] makes the integer pixels in range.
    package = snnc.compile(SMALL, input_range=(0, 255))
    x = pixels(2) if dtype is not np.bool_ else pixels(2) > 128
    x = x.astype(dtype)
    session = snnc.Session(package)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # in range: no warning
        np.testing.assert_array_equal(session.infer(x),
                                      session.infer(x.astype(np.float32)))
        np.testing.assert_array_equal(session.infer(torch.from_numpy(x)),
                                      session.infer(x.astype(np.float32)))


def test_every_entry_point_takes_a_tensor(small, tmp_path):
    x = unit(4)
    tensor = torch.from_numpy(x).requires_grad_()
    labels = torch.tensor([0, 1, 2, 3])
    result = snnc.eval(small, tensor, labels, threads=1)
    assert result.correct == snnc.eval(small, x, labels.numpy()).correct
    assert snnc.Session(small).classify(tensor).tolist() == \
        snnc.Session(small).classify(x).tolist()
    floats = snnc.FloatModel(SMALL)
    np.testing.assert_array_equal(floats.infer(tensor), floats.infer(x))
    assert snnc.compare(SMALL, tensor) == snnc.compare(SMALL, x)
    calibrated = snnc.compile(SMALL, calibrate=tensor)
    assert calibrated.report() == snnc.compile(SMALL, calibrate=x).report()
    small.report_html(tensor, tmp_path / "r.html", labels=labels)
    snnc.report_html(SMALL, x.tolist(), tmp_path / "s.html", labels=[0, 1, 2, 3])
    assert "Confusion matrix" in (tmp_path / "s.html").read_text()


def test_events_take_a_tensor():
    package = snnc.compile(EVENTS)
    steps = package.timesteps or 4
    frames = (np.random.default_rng(1).random(
        (steps, 2, *package.input_shape)) < 0.3)
    session = snnc.Session(package)
    np.testing.assert_array_equal(
        session.infer(torch.from_numpy(frames)),
        session.infer(frames.astype(np.float32)))


def one_line(error):
    text = str(error.value)
    assert "\n" not in text, text
    return text


def test_a_wrong_shape_is_one_line_with_both_shapes(small):
    session = snnc.Session(small)
    wrong = torch.zeros(3, 1, 7, 8)
    with pytest.raises(snnc.InputError) as error:
        session.infer(wrong)
    text = one_line(error)
    assert "[3, 1, 7, 8]" in text and "[N, 1, 8, 8]" in text, text
    assert "tensor(" not in text and "TypeError" not in text
    with pytest.raises(snnc.InputError) as error:
        snnc.FloatModel(SMALL).infer(np.zeros((2, 64)))
    assert "[2, 64]" in one_line(error)


@pytest.mark.parametrize("bad, words", [
    ([[0.0, 1.0], [0.0]], "not an array of numbers (list)"),
    (np.array(["a", "b"]), "not an array of real numbers (dtype <U1)"),
    (np.zeros((1, 1, 8, 8), np.complex64), "not an array of real numbers"),
    ({"x": 1}, "not an array of real numbers (dtype object)"),
])
def test_what_is_not_an_array_of_numbers_is_one_line(small, bad, words):
    with pytest.raises(snnc.InputError) as error:
        snnc.Session(small).infer(bad)
    text = one_line(error)
    assert text.startswith("input: ") and words in text, text


# 2. Inputs outside the input range.

def test_the_package_records_its_input_range(small, tmp_path):
    assert small.input_range == (0.0, 1.0)
    wide = snnc.compile(SMALL, input_range=(-1, 255))
    assert wide.input_range == (-1.0, 255.0)
    wide.save(tmp_path / "w.snnpkg")
    assert snnc.Package.load(tmp_path / "w.snnpkg").input_range == (-1.0, 255.0)
    assert snnc.Package.from_bytes(wide.to_bytes()).input_range == (-1.0, 255.0)


def test_infer_warns_once_with_the_fraction_and_the_range(small):
    x = pixels(4).astype(np.float32)
    outside = int((x > 1).sum())
    with pytest.warns(UserWarning) as caught:
        snnc.Session(small).infer(x)
    assert len(caught) == 1
    text = str(caught[0].message)
    percent = f"{100 * outside / x.size:.1f}%"
    assert text.startswith(f"input: {percent} of the input values "
                           f"({outside} of {x.size}) are outside the model's "
                           "input range [0, 1]"), text
    assert "docs/numerics.md" in text
    # The warning points at the caller, not at snnc's wrapper.
    assert caught[0].filename == __file__


def test_a_session_warns_once_and_strict_still_refuses(small):
    x = pixels(2).astype(np.float32)
    session = snnc.Session(small)
    with pytest.warns(UserWarning):
        session.classify(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        session.infer(x)  # a loop over batches warns once
        with pytest.raises(snnc.InputError):
            session.infer(x, strict_input=True)
    with pytest.warns(UserWarning):  # a new session warns again
        snnc.Session(small).infer(x)


def test_inputs_in_range_do_not_warn(small):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        snnc.Session(small).infer(unit(4))
        snnc.eval(small, unit(4), [0, 1, 2, 3])
        snnc.FloatModel(SMALL).infer(unit(2))


def test_strict_input_refuses_values_outside_the_range(small):
    x = unit(2)
    x[0, 0, 0, 0] = 1.5
    with pytest.raises(snnc.InputError) as error:
        snnc.Session(small).infer(x, strict_input=True)
    text = one_line(error)
    assert "(1 of 128) are outside the model's input range [0, 1]" in text
    assert "less than 0.1%" not in text and "0.8%" in text
    assert text.endswith("(strict_input=True)")
    with pytest.raises(snnc.InputError):
        snnc.eval(small, x, [0, 1], strict_input=True)
    with pytest.raises(snnc.InputError):
        snnc.FloatModel(SMALL).infer(x, strict_input=True)


def test_eval_warns_once_over_all_its_shards(small):
    x = pixels(8).astype(np.float32)
    with pytest.warns(UserWarning) as caught:
        result = snnc.eval(small, x, [0] * 8, shard_size=2, threads=2)
    assert result.shards == 4
    assert len(caught) == 1 and "input range [0, 1]" in str(caught[0].message)


def test_float_model_counts_against_its_compile_range():
    x = pixels(2).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        snnc.FloatModel(SMALL, input_range=(0, 255)).infer(x)
    with pytest.warns(UserWarning, match=r"input range \[0, 1\]"):
        snnc.FloatModel(SMALL).infer(x)


# 3. EvalResult.

def test_eval_result_accuracy_is_a_fraction(small):
    x = unit(8)
    labels = snnc.Session(small).classify(x)
    labels[:2] = (labels[:2] + 1) % 5  # two wrong
    result = snnc.eval(small, x, labels)
    assert (result.correct, result.total) == (6, 8)
    assert result.accuracy == 0.75
    assert repr(result) == ("EvalResult(correct=6, total=8, accuracy=0.7500, "
                            "device='golden')")
    assert "scores" not in repr(result)  # an [N, K] array is not printed


# 4. The report's options from Python.

def test_report_html_takes_labels_board_and_raster_neurons(small, tmp_path):
    x = unit(4)
    labels = snnc.Session(small).classify(x)
    labels[0] = (labels[0] + 1) % 5  # one confused sample
    small.report_html(x, tmp_path / "r.html", labels=torch.from_numpy(labels),
                      board="icebreaker", raster_neurons=(10, 30))
    text = (tmp_path / "r.html").read_text()
    assert "<b>75.00% (3 / 4)</b>" in text  # golden accuracy
    assert "Most confused pairs (golden)" in text
    assert "est. latency at icebreaker (12 MHz)" in text
    assert "neurons 10 to 29 (--raster-neurons)" in text
    with pytest.raises(snnc.InputError, match="3 labels for the input's 4 samples"):
        small.report_html(x, tmp_path / "bad.html", labels=labels[:3])
    with pytest.raises(snnc.InputError, match="got '5:5'"):
        small.report_html(x, tmp_path / "bad.html", raster_neurons="5:5")
    with pytest.raises(snnc.Error, match="labels: dtype 'float64'"):
        small.report_html(x, tmp_path / "bad.html", labels=[0.0, 1.0, 2.0, 3.0])
    assert not (tmp_path / "bad.html").exists()


def test_the_raster_starts_with_the_most_active_neuron(small, tmp_path):
    x = unit(2)
    session = snnc.Session(small, record_spikes=True)
    session.infer(x[:1])
    spikes = session.spikes()
    layer = next(i for i, l in enumerate(small.layers()) if l["name"] == "/3/LIF")
    _, h, w = small.layers()[layer]["shape"]
    mine = spikes[spikes[:, 2] == layer]
    neurons = (mine[:, 3] * h + mine[:, 4]) * w + mine[:, 5]
    counts = np.bincount(neurons, minlength=256)
    small.report_html(x, tmp_path / "r.html")
    text = (tmp_path / "r.html").read_text()
    raster = text[text.index("<title>Spike raster: /3/LIF</title>"):]
    first = int(raster.split('class="label">neuron ', 1)[1].split("<", 1)[0])
    assert counts[first] == counts.max() and first == int(counts.argmax())
    assert f"{int((counts > 0).sum())} of 256 neurons shown" in raster
