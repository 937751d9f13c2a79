"""snnc from Python: compile, run, evaluate, compare and report spiking networks.

The same C++ library as the ``snnc`` command line (``snnc._snnc``), on numpy
arrays::

    import snnc
    package = snnc.compile("model.onnx", target="sim", weight_bits=8)
    package.save("model.snnpkg")
    session = snnc.Session(package, device="golden")   # "rtl", "board:/dev/ttyUSB1"
    scores = session.infer(images)                     # [N, K], mean over T
    result = snnc.eval(package, images, labels)        # all local cores
    result = snnc.eval(package, images, labels, client=dask_client)
    table = snnc.sweep("model.onnx", {"weight_bits": [4, 6, 8]}, images, labels)
    layers = snnc.compare("model.onnx", images[:100])  # float vs golden
    package.report_html(images[:16], "report.html", labels=labels[:16])

Inputs are any array-like: numpy arrays of any real dtype, torch tensors,
nested lists; for a model of events encoding, event arrays too
(snnc.events, binned per `frames=`).  Values outside the input range the
model was compiled for (`input_range`, default [0, 1]) are counted and
warned about once per session (`strict_input=True`: snnc.InputError, as
`snnc run --strict-input`).
Errors raise ``snnc.Error`` (a RuntimeError) with the CLI's one-line message.
Inference and compilation release the GIL; a Session shared by threads runs
one call at a time.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:  # for type checkers only: nothing more is imported
    from collections.abc import Iterable

    import numpy as np
    import numpy.typing as npt
    import onnx

    StrPath = str | os.PathLike[str]
    # A model file (.onnx, .onnxtxt, .nir, .mlir) or an in-memory ONNX model.
    ModelSource = StrPath | onnx.ModelProto
    # Event arrays: one structured array (x, y, t, p), or a list of them.
    EventInput = np.ndarray | list[np.ndarray]

# Imported from the sources (python/ ahead of build/python on sys.path, as
# scripts that want snnc_torch arrange it), the package finds its extension
# in the build: $SNNC_PYTHON_DIR, else the repository's build/python.
__path__.append(os.path.join(
    os.environ.get("SNNC_PYTHON_DIR",
                   os.path.join(os.path.dirname(__file__), "..", "..",
                                "build", "python")), "snnc"))

try:
    from . import _snnc
except ImportError as error:  # the sources without the built extension
    raise ImportError(
        "snnc's extension module (snnc._snnc) is not built: run "
        "scripts/build.sh, which puts build/python on /usr/bin/python3's "
        "path (scripts/setup.sh)") from error

from ._evaluate import (EvalResult, as_array, as_floats, eval,  # noqa: A004
                        integer_labels, merge_stats, model_input)
from ._sweep import format_table, sweep
from . import events  # noqa: E402  (snnc.events: event files and frames)

Error = _snnc.Error
# What failed, for code that acts on it; every one is an snnc.Error.
ModelError = _snnc.ModelError
PackageError = _snnc.PackageError
InputError = _snnc.InputError
DeviceError = _snnc.DeviceError
LimitError = _snnc.LimitError
Package = _snnc.Package
load_images = _snnc.load_images
load_labels = _snnc.load_labels

__all__ = [
    "DeviceError", "Error", "EvalResult", "InputError", "LimitError",
    "ModelError", "PackageError", "FloatModel", "Package", "Session", "compare", "compile", "eval", "events",
    "format_table", "load_images", "load_labels", "merge_stats", "report_html",
    "sweep"
]


def compile_args(target: str = "sim", weight_bits: int = 8,
                 state_bits: int | None = None,
                 input_range: tuple[float, float] = (0.0, 1.0),
                 timesteps: int | None = None, dt: float | None = None,
                 encoding: str | None = None) -> _snnc.CompileArgs:
    """The compiler's options, as `snnc compile` takes them on its command
    line (state_bits None: the target's default, 15 on the UP5K, else 24;
    dt, encoding ("direct", the default, or "events") and timesteps apply
    to NIR models only, and are refused for others as the CLI refuses
    them)."""
    args = _snnc.CompileArgs()
    args.target = target
    args.weight_bits = int(weight_bits)
    args.state_bits = None if state_bits is None else int(state_bits)
    args.input_range = (float(input_range[0]), float(input_range[1]))
    args.timesteps = None if timesteps is None else int(timesteps)
    args.dt = None if dt is None else float(dt)
    args.encoding = None if encoding is None else str(encoding)
    return args


def _model_source(model: ModelSource) -> tuple[str, bytes | None]:
    """(path, onnx bytes or None) of a model path or an onnx.ModelProto."""
    if hasattr(model, "SerializeToString"):
        return "<onnx.ModelProto>", model.SerializeToString()
    return os.fspath(model), None


def compile(model: ModelSource, target: str = "sim", weight_bits: int = 8,
            state_bits: int | None = None,
            input_range: tuple[float, float] = (0.0, 1.0),
            calibrate: npt.ArrayLike | None = None,
            timesteps: int | None = None, dt: float | None = None,
            encoding: str | None = None) -> Package:
    """Compiles a model (.onnx, .onnxtxt, .nir, .mlir path, or an
    onnx.ModelProto) into a Package for `target` ("sim", "ice40-up5k",
    "icebreaker", ...).  A device target refuses a network that does not
    fit.  With `calibrate` (inputs) the report's SOPs and cycles are
    measured on the golden engine.  The package keeps the model's float
    form for its report_html (not the model file, which is not read
    again)."""
    path, data = _model_source(model)
    args = compile_args(target, weight_bits, state_bits, input_range,
                        timesteps, dt, encoding)
    if calibrate is not None:
        calibrate = as_floats(calibrate, "calibrate")
    return _snnc.compile(path, data, args, calibrate)


class _NotInitialised:
    """The extension object of a wrapper made by ``cls.__new__(cls)``
    without its __init__: every use raises snnc.Error, not AttributeError."""

    def __init__(self, made_by: str) -> None:
        self._made_by = made_by

    def __getattr__(self, name: str) -> NoReturn:
        raise Error(f"this object is not initialised (made by __new__ "
                    f"without a constructor); make one with {self._made_by}")


class Session:
    """A package on a device: "golden" (the bit-exact software model),
    "rtl" (the core's RTL in Verilator) or "board:PORT" (a board on a
    serial port, or `snnc board-sim`'s pseudo-terminal).  A session shared
    by several threads runs one call at a time (same results as one
    thread); for parallel work use one session per thread, or, on golden,
    `threads`, which runs the samples of each infer() in parallel (same
    results for any count)."""

    _session = _NotInitialised("snnc.Session(package)")
    package: Package | None = None

    def __init__(self, package: Package | StrPath, device: str = "golden",
                 lanes: int = 0, baud: int = 3000000,
                 record_spikes: bool = False, threads: int = 1) -> None:
        if not isinstance(package, Package):
            package = Package.load(os.fspath(package))
        self.package = package
        self._session = _snnc.Session(package, device, int(lanes), int(baud),
                                      bool(record_spikes), int(threads))

    @property
    def device(self) -> str:
        return self._session.device

    def infer(self, x: npt.ArrayLike | EventInput,
              timesteps: int | None = None, strict_input: bool = False,
              frames: dict[str, Any] | None = None
              ) -> npt.NDArray[np.float32]:
        """[N, ...] (direct) or [T, N, ...] (events) -> [N, K] scores.
        `x`: any array-like; or, for an events model, event arrays (a
        structured array with fields x, y, t, p, or a list of them, one a
        sample), binned by snnc.events.to_frames with the options in
        `frames` (n_time_bins defaults to the model's time steps,
        sensor_size to its input shape).  Values outside the package's
        input range are counted and warned about, the first time only
        (strict_input: snnc.InputError, every time)."""
        return self._session.infer(
            model_input(x, self.package, frames, timesteps), timesteps,
            bool(strict_input))

    def classify(self, x: npt.ArrayLike | EventInput,
                 timesteps: int | None = None, strict_input: bool = False,
                 frames: dict[str, Any] | None = None
                 ) -> npt.NDArray[np.intp]:
        return self.infer(x, timesteps, strict_input, frames).argmax(axis=1)

    def stats(self) -> dict[str, Any]:
        """What every inference so far did, as a dict (golden: spikes and
        SOPs per layer; rtl and board: cycles, efficiency, link)."""
        return self._session.stats()

    def spikes(self) -> npt.NDArray[np.int32]:
        """Recorded spikes (record_spikes=True) as an [S, 6] int32 array:
        sample, step, population, channel, row, column."""
        return self._session.spikes()


class FloatModel:
    """The float reference (LibTorch) of a model file: the trained network's
    own arithmetic.  With record_spikes, spikes() gives every LIF layer's
    spikes as {name: [T, N, neurons]}."""

    _model = _NotInitialised("snnc.FloatModel(path)")

    def __init__(self, model: StrPath, record_spikes: bool = False,
                 **compile_options: Any) -> None:
        self._model = _snnc.FloatModel(os.fspath(model),
                                       compile_args(**compile_options),
                                       bool(record_spikes))

    def infer(self, x: npt.ArrayLike, timesteps: int | None = None,
              strict_input: bool = False) -> npt.NDArray[np.float32]:
        """As Session.infer, on the float reference; its input range is
        the compile option `input_range` (default [0, 1])."""
        return self._model.infer(as_floats(x), timesteps, bool(strict_input))

    def spikes(self) -> dict[str, npt.NDArray[np.float32]]:
        return self._model.spikes()


def compare(model: ModelSource, x: npt.ArrayLike, threshold: float = 0.95,
            timesteps: int | None = None,
            **compile_options: Any) -> dict[str, Any]:
    """Runs float and golden on `x` and returns, per spiking layer, the
    spike agreement and both firing rates, the first layer below
    `threshold`, and the readout's logit error and argmax agreement (the
    JSON of `snnc compare --report`)."""
    path, data = _model_source(model)
    if data is not None:
        raise Error("compare: give the model's path (an in-memory "
                    "onnx.ModelProto has no file to import twice)")
    return _snnc.compare(path, as_floats(x), compile_args(**compile_options),
                         timesteps, float(threshold))


def _report_options(simulate: bool = False, lanes: int = 0,
                    raster_sample: int = 0, raster_layers: Iterable[str] = (),
                    bitstream_report: StrPath = "",
                    labels: npt.ArrayLike | StrPath | None = None,
                    board: str = "",
                    raster_neurons: str | tuple[int, int] | None = None
                    ) -> _snnc.HtmlReportOptions:
    options = _snnc.HtmlReportOptions()
    options.simulate = bool(simulate)
    options.lanes = int(lanes)
    options.raster_sample = int(raster_sample)
    options.raster_layers = list(raster_layers)
    options.bitstream_report = os.fspath(bitstream_report)
    if labels is not None:
        options.labels = integer_labels(
            as_array(labels, _snnc.load_labels, "labels")).tolist()
    options.board = str(board)
    if raster_neurons is not None:
        text = (raster_neurons if isinstance(raster_neurons, str) else
                "{}:{}".format(*raster_neurons))
        options.raster_neurons = _snnc.parse_raster_neurons(text)
    return options


def report_html(model: Package | ModelSource, x: npt.ArrayLike,
                output: StrPath, simulate: bool = False, lanes: int = 0,
                raster_sample: int = 0, raster_layers: Iterable[str] = (),
                bitstream_report: StrPath = "",
                labels: npt.ArrayLike | StrPath | None = None,
                board: str = "",
                raster_neurons: str | tuple[int, int] | None = None,
                **compile_options: Any) -> None:
    """Writes `snnc report`'s self-contained HTML file for a model or a
    package (a path, or a Package: see Package.report_html) on inputs
    `x` (any array-like).  `labels` (one class per sample; an array-like
    or a .npy / IDX file): accuracy, a confusion matrix, per-class
    accuracy and the most confused pairs.  `board` ("icebreaker", ...):
    latency in milliseconds at its clock.  `raster_neurons` ("A:B" or
    (A, B)): the raster shows neurons A to B - 1, not the most active."""
    options = _report_options(simulate, lanes, raster_sample, raster_layers,
                              bitstream_report, labels, board, raster_neurons)
    if isinstance(model, Package):
        if compile_options:
            raise Error("report_html: a Package is compiled already; give "
                        "compile options with a model path")
        return model._report_html(as_floats(x), os.fspath(output), options)
    path, data = _model_source(model)
    if data is not None:
        raise Error("report_html: give the model's path or a Package "
                    "(snnc.compile(model_proto) makes one)")
    _snnc.report_html(path, as_floats(x), compile_args(**compile_options),
                      os.fspath(output), options)


def _package_report_html(self: Package, x: npt.ArrayLike, output: StrPath,
                         simulate: bool = False, lanes: int = 0,
                         raster_sample: int = 0,
                         raster_layers: Iterable[str] = (),
                         bitstream_report: StrPath = "",
                         labels: npt.ArrayLike | StrPath | None = None,
                         board: str = "",
                         raster_neurons: str | tuple[int, int] | None = None
                         ) -> None:
    """The HTML report of this package on inputs `x` (see report_html for
    the options), drawn from what the package holds: its network and,
    compiled from a model in this process, the model's float form
    (float-versus-golden agreement, float thresholds); a package loaded or
    unpickled has no float form.  No model file is read again."""
    self._report_html(as_floats(x), os.fspath(output),
                      _report_options(simulate, lanes, raster_sample,
                                      raster_layers, bitstream_report, labels,
                                      board, raster_neurons))


Package.report_html = _package_report_html
