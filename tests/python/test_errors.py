"""snnc.Error's subclasses: what failed is in the class, the message is the
CLI's one line."""

import os

import numpy as np
import pytest

from helpers import ROOT, SNNC  # noqa: F401  (puts snnc on the path)

import snnc

MODEL = os.path.join(ROOT, "tests", "models", "conv_pool_negscale.onnx")


@pytest.fixture(scope="module")
def package():
    return snnc.compile(MODEL)


def test_every_class_is_an_snnc_error():
    for cls in (snnc.ModelError, snnc.PackageError, snnc.InputError,
                snnc.DeviceError, snnc.LimitError):
        assert issubclass(cls, snnc.Error)
        assert issubclass(cls, RuntimeError)
        assert cls.__module__ == "snnc._snnc"


def test_a_corrupt_package_is_a_package_error(tmp_path):
    path = tmp_path / "bad.snnpkg"
    path.write_bytes(b"not a package at all")
    with pytest.raises(snnc.PackageError) as caught:
        snnc.Package.load(str(path))
    assert str(caught.value).startswith(str(path) + ": ")


def test_an_unknown_model_op_is_a_model_error(tmp_path):
    path = tmp_path / "m.xyz"
    path.write_text("x")
    with pytest.raises(snnc.ModelError, match="unknown model format"):
        snnc.compile(str(path))


def test_a_wrong_input_is_an_input_error(package):
    with pytest.raises(snnc.InputError,
                       match=r"^input: shape \[2, 3\] does not match"):
        snnc.Session(package).infer(np.zeros((2, 3), np.float32))


def test_an_unknown_device_is_a_device_error(package):
    with pytest.raises(snnc.DeviceError) as caught:
        snnc.Session(package, device="tpu")
    assert str(caught.value) == ("unknown device 'tpu': use golden, rtl or "
                                 "board:/dev/ttyUSB1")
    with pytest.raises(snnc.DeviceError, match="reports spike counts only|"
                       "cannot open|No such file"):
        snnc.Session(package, device="board:/nonexistent/tty")


def test_a_bad_option_stays_a_plain_error(package):
    with pytest.raises(snnc.Error) as caught:
        snnc.Session(package, threads=0)
    assert type(caught.value) is snnc.Error
