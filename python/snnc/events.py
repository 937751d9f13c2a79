"""Event-camera recordings, read and binned to frames as tonic does it.

::

    import snnc.events
    events = snnc.events.read("sample.bin")         # N-MNIST, AEDAT, .npy
    frames = snnc.events.to_frames(events, (34, 34, 2), n_time_bins=10)
    frames.shape                                     # (10, 2, 34, 34), float32
    x = snnc.events.stack([frames])                  # [T, N, P, H, W]

``read`` decodes a file exactly as tonic's ``io`` readers do
(``read_mnist_file``, ``read_dvs_128``, ``read_dvs_ibm``) and ``to_frames``
bins exactly as ``tonic.transforms.ToFrame``, with the same parameter names;
docs/python.md lists the few malformed inputs snnc refuses where tonic
would go on.  Both run in the C++ runtime (snnc/Runtime/Events.h).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from . import _snnc

if TYPE_CHECKING:
    from collections.abc import Sequence

    StrPath = str | os.PathLike[str]

# The fields of tonic's event arrays (its N-MNIST and N-Caltech101 dtype:
# every field an int).
EVENT_DTYPE = np.dtype([("x", np.int64), ("y", np.int64), ("t", np.int64),
                        ("p", np.int64)])

__all__ = ["EVENT_DTYPE", "Recording", "read", "read_recording", "stack",
           "to_frames"]


class Recording(NamedTuple):
    """An event file as read: its events, the sensor size (width, height,
    polarities) where the format knows it (AEDAT: DVS128), else None, and
    the format read ("nmnist", "aedat2", "aedat3", "npy")."""

    events: np.ndarray
    sensor_size: tuple[int, int, int] | None
    format: str


def read_recording(path: StrPath, format: str = "auto") -> Recording:  # noqa: A002
    """Reads an event file with its sensor size; ``format`` is "auto" (a
    .bin is N-MNIST; otherwise by the file's first bytes, then its
    extension), "nmnist", "aedat" or "npy"."""
    x, y, t, p, sensor, kind = _snnc.read_events(os.fspath(path), format)
    events = np.empty(len(t), dtype=EVENT_DTYPE)
    events["x"], events["y"], events["t"], events["p"] = x, y, t, p
    return Recording(events, sensor, kind)


def read(path: StrPath, format: str = "auto") -> np.ndarray:  # noqa: A002
    """The events of a file as a structured array with int64 fields x, y,
    t (microseconds, as the file gives them) and p."""
    return read_recording(path, format).events


def to_frames(events: np.ndarray,
              sensor_size: Sequence[int] | None = None, *,
              time_window: float | None = None,
              event_count: int | None = None,
              n_time_bins: int | None = None,
              n_event_bins: int | None = None,
              overlap: float = 0.0, include_incomplete: bool = False,
              start_time: float | None = None,
              end_time: float | None = None) -> np.ndarray:
    """Bins ``events`` (a structured array with fields x, y, t, p of any
    integer or bool dtype, as tonic and ``read`` give them) into float32
    frames [frames, P, H, W] of event counts, as tonic's ToFrame does.
    ``sensor_size`` is tonic's (width, height, polarities); None infers it
    from the events as tonic does.  Set exactly one of ``time_window``,
    ``event_count``, ``n_time_bins`` and ``n_event_bins``."""
    names = getattr(getattr(events, "dtype", None), "names", None) or ()
    missing = [name for name in "xytp" if name not in names]
    if missing:
        raise _snnc.InputError(
            "to_frames: events must be a structured array with fields x, y, "
            f"t, p (missing {', '.join(missing)})")
    if events.ndim != 1:
        raise _snnc.InputError(
            f"to_frames: events must be 1-D, not of shape {events.shape}")
    # Float timestamps would be searched as floats by tonic: refused here,
    # so that no value is truncated on the way to the int64 columns.
    odd = [name for name in "xytp" if events.dtype[name].kind not in "iub"]
    if odd:
        raise _snnc.InputError(
            f"to_frames: fields {', '.join(odd)} must be integers or bool")
    columns = [np.ascontiguousarray(events[name], dtype=np.int64)
               for name in "xytp"]
    size = None if sensor_size is None else [int(v) for v in sensor_size]
    return _snnc.to_frames(
        *columns, sensor_size=size, time_window=time_window,
        event_count=event_count, n_time_bins=n_time_bins,
        n_event_bins=n_event_bins, overlap=float(overlap),
        include_incomplete=bool(include_incomplete), start_time=start_time,
        end_time=end_time)


def stack(samples: Sequence[np.ndarray]) -> np.ndarray:
    """Stacks per-sample frames [T, P, H, W] into the [T, N, P, H, W] input
    that ``Session.infer`` takes for a model with event encoding."""
    if not samples:
        raise _snnc.InputError("stack: no samples")
    shapes = {np.shape(s) for s in samples}
    if len(shapes) != 1 or len(next(iter(shapes))) != 4:
        raise _snnc.InputError(
            "stack: every sample must be frames [T, P, H, W] of one shape, "
            f"not {sorted(shapes)}")
    return np.ascontiguousarray(
        np.stack([np.asarray(s, dtype=np.float32) for s in samples], axis=1))
