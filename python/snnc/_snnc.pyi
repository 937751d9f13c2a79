"""Types of snnc._snnc, the pybind11 extension built from _snnc.cpp.

Written by hand; tests/python/test_typing.py holds it to the built module
(every public class, function, method and property, each parameter's name
and default, and back), so a change to the bindings fails that test until
this file follows it.  Paths typed `str` are `std::string` in the
bindings, which take no os.PathLike; `_StrPath` ones are
`std::filesystem::path`.
"""

import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

_StrPath = str | os.PathLike[str]

class Error(RuntimeError):
    """Every failure of the library, with the CLI's one-line message."""

class ModelError(Error):
    """The model file or the compiler refused the model."""

class PackageError(Error):
    """A package that cannot be read or is inconsistent."""

class InputError(Error):
    """An input (array, file, labels) the network cannot take."""

class DeviceError(Error):
    """A device or its link failed (a board, the rtl simulator)."""

class LimitError(Error):
    """The work or memory a request needs is over a limit."""

class CompileArgs:
    """The options of `snnc compile` (snnc.compile_args makes one)."""

    target: str
    weight_bits: int
    state_bits: int | None
    timesteps: int | None
    input_range: tuple[float, float]
    dt: float | None
    encoding: str | None
    def __init__(self) -> None: ...

class HtmlReportOptions:
    """The options of `snnc report` besides the compiler's."""

    lanes: int
    simulate: bool
    raster_sample: int
    raster_layers: list[str]
    bitstream_report: str
    labels: list[int]
    board: str
    raster_neurons: tuple[int, int] | None
    def __init__(self) -> None: ...

class Package:
    """A compiled network and its compilation report.  It has no
    constructor: snnc.compile, Package.load or Package.from_bytes make
    one."""

    @staticmethod
    def load(path: _StrPath) -> Package: ...
    @staticmethod
    def from_bytes(data: bytes) -> Package: ...
    def save(self, path: _StrPath) -> None: ...
    def _report_html(
        self, x: npt.ArrayLike, output: str, options: HtmlReportOptions
    ) -> None: ...
    def to_bytes(self) -> bytes: ...
    def report(self) -> dict[str, Any]: ...
    def summary(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def args(self) -> CompileArgs: ...
    def __getstate__(self) -> tuple[bytes]: ...
    def __setstate__(self, arg0: tuple[bytes]) -> None: ...
    def layers(self) -> list[dict[str, Any]]: ...
    @property
    def timesteps(self) -> int | None: ...
    @property
    def input_shape(self) -> list[int]: ...
    @property
    def events_input(self) -> bool: ...
    @property
    def num_outputs(self) -> int: ...
    @property
    def input_range(self) -> tuple[float, float] | None: ...
    def _check_input_range(self, x: npt.ArrayLike, strict: bool) -> None: ...
    # Added by python/snnc/__init__.py when the package is imported.
    def report_html(
        self,
        x: npt.ArrayLike,
        output: _StrPath,
        simulate: bool = False,
        lanes: int = 0,
        raster_sample: int = 0,
        raster_layers: Iterable[str] = (),
        bitstream_report: _StrPath = "",
        labels: npt.ArrayLike | _StrPath | None = None,
        board: str = "",
        raster_neurons: str | tuple[int, int] | None = None,
    ) -> None: ...

class Session:
    """A package on a device ("golden", "rtl" or "board:PORT")."""

    def __init__(
        self,
        package: Package,
        device: str = "golden",
        lanes: int = 0,
        baud: int = 3000000,
        record_spikes: bool = False,
        threads: int = 1,
    ) -> None: ...
    def infer(
        self,
        x: npt.ArrayLike,
        timesteps: int | None = None,
        strict_input: bool = False,
        check_range: bool = True,
    ) -> npt.NDArray[np.float32]: ...
    def stats(self) -> dict[str, Any]: ...
    def spikes(self) -> npt.NDArray[np.int32]: ...
    @property
    def device(self) -> str: ...

class FloatModel:
    """The float reference (LibTorch) of a model file."""

    def __init__(
        self, path: str, args: CompileArgs = ..., record_spikes: bool = False
    ) -> None: ...
    def infer(
        self,
        x: npt.ArrayLike,
        timesteps: int | None = None,
        strict_input: bool = False,
    ) -> npt.NDArray[np.float32]: ...
    def spikes(self) -> dict[str, npt.NDArray[np.float32]]: ...

def compare(
    path: str,
    x: npt.ArrayLike,
    args: CompileArgs = ...,
    timesteps: int | None = None,
    threshold: float = 0.95,
) -> dict[str, Any]: ...
def report_html(
    path: str,
    x: npt.ArrayLike,
    args: CompileArgs,
    output: str,
    options: HtmlReportOptions,
) -> None: ...
def parse_raster_neurons(text: str) -> tuple[int, int]: ...
def load_images(path: str) -> npt.NDArray[np.float32]: ...
def load_labels(path: str) -> npt.NDArray[np.int64]: ...
def read_events(
    path: str, format: str = "auto"
) -> tuple[
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    npt.NDArray[np.int64],
    tuple[int, int, int] | None,
    str,
]: ...
def to_frames(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    t: npt.ArrayLike,
    p: npt.ArrayLike,
    sensor_size: list[int] | None = None,
    time_window: float | None = None,
    event_count: int | None = None,
    n_time_bins: int | None = None,
    n_event_bins: int | None = None,
    overlap: float = 0.0,
    include_incomplete: bool = False,
    start_time: float | None = None,
    end_time: float | None = None,
) -> npt.NDArray[np.float32]: ...
def compile(
    path: str,
    onnx: bytes | None = None,
    args: CompileArgs = ...,
    calibrate: npt.ArrayLike | None = None,
) -> Package: ...
