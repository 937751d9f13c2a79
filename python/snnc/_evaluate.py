"""Evaluation over shards: on local cores, or on a dask.distributed cluster.

The dataset is cut into contiguous shards of samples; each shard runs on a
Session of its own and returns its scores and its engine's stats.  The
engines are deterministic integer models, so the gathered result equals a
single-process run exactly, whichever worker ran (or re-ran) a shard.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import numbers
import os
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _snnc

if TYPE_CHECKING:  # for type checkers only: nothing more is imported
    from collections.abc import Callable, Iterable, Iterator, Sequence

    import numpy.typing as npt
    from distributed import Client

    StrPath = str | os.PathLike[str]
    # Images or labels: an array, or a .npy / IDX file.
    Data = npt.ArrayLike | StrPath
    # What a shard returns: its [n, K] scores and its engine's stats.
    ShardResult = tuple[npt.NDArray[np.float32], dict[str, Any]]


@dataclasses.dataclass(repr=False)
class EvalResult:
    """`correct` of `total` samples classified right; `accuracy` is the
    fraction correct / total, in [0, 1] (0.8425, not 84.25)."""

    correct: int
    total: int
    scores: np.ndarray  # [N, K], the readout's mean over T
    stats: dict[str, Any] | None  # the engine's activity, summed over shards
    device: str
    shards: int

    @property
    def accuracy(self) -> float:
        """The fraction of samples whose argmax is the label, in [0, 1]
        (0.0 for no samples)."""
        return self.correct / self.total if self.total else 0.0

    def __repr__(self) -> str:
        # The figures a person reads; the [N, K] scores and the stats are
        # attributes, not printed.
        return (f"EvalResult(correct={self.correct}, total={self.total}, "
                f"accuracy={self.accuracy:.4f}, device={self.device!r})")

    @property
    def predictions(self) -> npt.NDArray[np.intp]:
        return self.scores.argmax(axis=1)


def _as_package(package: _snnc.Package | StrPath) -> _snnc.Package:
    if isinstance(package, _snnc.Package):
        return package
    return _snnc.Package.load(os.fspath(package))


def _numpy(x: Any, name: str) -> npt.NDArray[Any]:
    """Any array-like as a numpy array of its own dtype: numpy, a torch
    tensor (any device, with or without grad; torch is not imported for
    anything else), nested lists.  What is not an array of real numbers
    is one line of snnc.InputError."""
    torch = sys.modules.get("torch")  # a tensor means torch is imported
    if torch is not None and isinstance(x, torch.Tensor):
        x = x.detach().cpu()
        if x.dtype == torch.bfloat16:  # numpy has no bfloat16
            x = x.float()
        x = x.numpy()
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:  # ragged lists, ...
        first = str(error).splitlines()[0] if str(error) else ""
        raise _snnc.InputError(f"{name}: not an array of numbers "
                               f"({type(x).__name__}): {first}") from None
    if array.dtype.kind not in "biuf":
        raise _snnc.InputError(f"{name}: not an array of real numbers "
                               f"(dtype {array.dtype})")
    return array


def as_floats(x: Any, name: str = "input") -> npt.NDArray[np.float32]:
    """What every entry point that takes inputs passes to the extension:
    any array-like (numpy of any real dtype, a torch tensor, lists) as a
    C-contiguous float32 array."""
    return np.ascontiguousarray(_numpy(x, name), dtype=np.float32)


def _is_event_array(x: Any) -> bool:
    names = getattr(getattr(x, "dtype", None), "names", None) or ()
    return isinstance(x, np.ndarray) and all(n in names for n in "xytp")


def is_events(x: Any) -> bool:
    """Whether `x` is event data: a structured array with fields x, y, t, p
    (one recording), or a non-empty list or tuple of them (one a sample)."""
    if isinstance(x, (list, tuple)):
        return bool(x) and all(_is_event_array(e) for e in x)
    return _is_event_array(x)


def _frame_count_error(frames: int, steps: int) -> _snnc.InputError:
    return _snnc.InputError(f"sample binned to {frames} frames, but the model "
                            f"runs {steps} time steps (set frames so that it "
                            f"gives {steps})")


def event_frames(x: Any, package: _snnc.Package,
                 frames: dict[str, Any] | None = None,
                 timesteps: int | None = None) -> npt.NDArray[np.float32]:
    """Event arrays (one, or a list: one a sample) binned as `snnc run
    --frames` bins event files, for `package`: [T, N, P, H, W].  `frames`
    holds snnc.events.to_frames's options; n_time_bins defaults to the
    model's time steps, sensor_size to its input shape (P, H, W)."""
    if not package.events_input:
        raise _snnc.InputError(
            "the model's input encoding is direct (one frame for every "
            "step); event arrays need a model of events encoding")
    options = dict(frames or {})
    steps = timesteps if timesteps is not None else package.timesteps
    slicings = ("time_window", "event_count", "n_time_bins", "n_event_bins")
    if not any(options.get(k) is not None for k in slicings):
        if steps is None:
            raise _snnc.InputError("event arrays: the model has no default "
                                   "time steps; give frames={'n_time_bins': "
                                   "T} (or timesteps=T)")
        options["n_time_bins"] = steps
    bins = options.get("n_time_bins")
    if steps is not None and bins is not None and bins != steps:
        raise _snnc.InputError(f"frames n_time_bins={bins}, but the model "
                               f"runs {steps} time steps")
    shape = list(package.input_shape)
    if options.get("sensor_size") is None and len(shape) == 3:
        options["sensor_size"] = (shape[2], shape[1], shape[0])
    from . import events  # noqa: PLC0415 (events imports this module's peers)
    try:
        samples = [events.to_frames(e, **options)
                   for e in (x if isinstance(x, (list, tuple)) else [x])]
    except TypeError as error:  # a name to_frames does not take
        raise _snnc.InputError(f"frames: {error}") from None
    for sample in samples:
        if steps is not None and sample.shape[0] != steps:
            raise _frame_count_error(sample.shape[0], steps)
        if len(shape) == 3 and list(sample.shape[1:]) != shape:
            raise _snnc.InputError(
                f"frames of {list(sample.shape[1:])}, but the model takes "
                f"{shape} (frames' sensor_size)")
    return events.stack(samples)


def model_input(x: Any, package: _snnc.Package,
                frames: dict[str, Any] | None, timesteps: int | None,
                name: str = "input") -> npt.NDArray[np.float32]:
    """What Session.infer and eval pass on: event arrays binned per
    `frames`, or any other array-like as float32 (`frames` then refused:
    it would be ignored)."""
    if is_events(x):
        return event_frames(x, package, frames, timesteps)
    if frames is not None:
        raise _snnc.InputError(f"{name}: frames bins event arrays (fields x, "
                               "y, t, p); this is an array of numbers, taken "
                               "as it is")
    return as_floats(x, name)


def as_array(data: Data,
             loader: Callable[[str], npt.NDArray[Any]],
             name: str = "input") -> npt.NDArray[Any]:
    """An array-like, or the .npy / IDX file a path names, read as the CLI
    reads it."""
    if isinstance(data, (str, os.PathLike)):
        return loader(os.fspath(data))
    return _numpy(data, name)


def run_shard(package: _snnc.Package | StrPath, images: npt.ArrayLike,
              device: str = "golden", timesteps: int | None = None,
              lanes: int = 0) -> ShardResult:
    """Runs one shard on a fresh Session: (scores, stats).  A task of its
    own on a dask worker: it imports nothing from the client."""
    from . import Session  # noqa: PLC0415 (on a worker: the package)
    session = Session(package, device=device, lanes=lanes)
    # eval checked the input range once, over every shard.
    scores = session._session.infer(as_floats(images, "images"), timesteps,
                                    check_range=False)
    return scores, session.stats()


def _merge_populations(into: list[dict[str, Any]],
                       other: list[dict[str, Any]]) -> None:
    for mine, theirs in zip(into, other):
        if mine["name"] != theirs["name"]:
            raise ValueError("stats of different networks")
        mine["events"] += theirs["events"]
        mine["events_per_step"] = [
            a + b for a, b in zip(mine["events_per_step"],
                                  theirs["events_per_step"])
        ]


def merge_stats(
        parts: Iterable[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The stats of several shards as one run's: counts summed, rates and
    efficiencies recomputed from the sums."""
    parts = [p for p in parts if p]
    if not parts:
        return None
    merged = {key: (list(map(dict, value)) if key in ("populations",
                                                       "projections") else
                    (list(value) if isinstance(value, list) else value))
              for key, value in parts[0].items()}
    summed = ("samples", "synaptic_ops", "cycles", "lower_bound",
              "sweep_words", "spikes", "reloads")
    for part in parts[1:]:
        for key in summed:
            if key in merged:
                merged[key] += part[key]
        if "populations" in merged:
            _merge_populations(merged["populations"], part["populations"])
            for mine, theirs in zip(merged["projections"],
                                    part["projections"]):
                mine["synaptic_ops"] += theirs["synaptic_ops"]
        if "projection_synaptic_ops" in merged:
            merged["projection_synaptic_ops"] = [
                a + b for a, b in zip(merged["projection_synaptic_ops"],
                                      part["projection_synaptic_ops"])
            ]
    steps = merged.get("timesteps", 0)
    for population in merged.get("populations", []):
        triples = merged["samples"] * steps * population["neurons"]
        population["firing_rate"] = (population["events"] / triples
                                     if triples else 0.0)
    if "cycles" in merged:
        cycles = merged["cycles"]
        merged["efficiency"] = merged["lower_bound"] / cycles if cycles else 0
        merged["cycles_per_inference"] = (cycles / merged["samples"]
                                          if merged["samples"] else 0.0)
        merged.pop("simulated_cycles_per_second", None)  # a wall-time rate
    return merged


def _integer(value: object, name: str) -> int:
    """`value` as an int: an integer (numpy's too), not a bool or a float,
    which would slice or shard silently wrong."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _snnc.Error(f"eval: {name} must be an integer, got {value!r}")
    return int(value)


def _positive(value: object, name: str) -> int | None:
    """None, or an integer >= 1."""
    if value is None:
        return None
    value = _integer(value, name)
    if value < 1:
        raise _snnc.Error(f"eval: {name} must be >= 1, got {value}")
    return value


def _shape(array: npt.NDArray[Any]) -> str:
    """A shape as the CLI prints one: [8, 1]."""
    return "[" + ", ".join(str(d) for d in array.shape) + "]"


def integer_labels(labels: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """Labels as `snnc eval` takes them: 1-D integers, as readNpyIntegers
    reads them."""
    if labels.ndim != 1:
        raise _snnc.Error(f"labels must be 1-D, shape is {_shape(labels)}")
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        raise _snnc.Error(f"labels: dtype '{labels.dtype}' is not an integer "
                          "type (int64, int32 or uint8)")
    return labels.astype(np.int64)


def _check_labels(labels: npt.NDArray[Any],
                  classes: int) -> npt.NDArray[np.int64]:
    """integer_labels, each a class of the model's readout: a label no
    output can match would count as a wrong answer, silently."""
    labels = integer_labels(labels)
    bad = np.flatnonzero((labels < 0) | (labels >= classes))
    if bad.size:
        raise _snnc.Error(f"label {bad[0]} is {labels[bad[0]]}, not a class "
                          f"of the model's {classes} outputs (0 to "
                          f"{classes - 1})")
    return labels.astype(np.int64)


def _sample_count(images: npt.NDArray[Any], events: bool) -> int:
    """N of [N, ...] images, or of [T, N, ...] event frames."""
    axis = 1 if events else 0
    if images.ndim <= axis:
        layout = "[T, N, ...] event frames" if events else "[N, ...]"
        raise _snnc.Error(f"images: shape {_shape(images)} has no samples "
                          f"axis ({layout})")
    return images.shape[axis]


def _shards(images: npt.NDArray[Any], events: bool,
            shard_size: int) -> Iterator[npt.NDArray[Any]]:
    """Contiguous slices of samples: axis 1 of [T, N, ...] event frames."""
    count = images.shape[1] if events else images.shape[0]
    for start in range(0, count, shard_size):
        stop = min(count, start + shard_size)
        yield images[:, start:stop] if events else images[start:stop]


def _run_local(package: _snnc.Package, shards: Sequence[npt.NDArray[Any]],
               device: str, timesteps: int | None, lanes: int,
               threads: int | None) -> list[ShardResult]:
    # Inference releases the GIL: threads use every core.
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        jobs = [pool.submit(run_shard, package, shard, device, timesteps,
                            lanes) for shard in shards]
        return [job.result() for job in jobs]


def _run_dask(client: Client, package: _snnc.Package,
              shards: Sequence[npt.NDArray[Any]], device: str,
              timesteps: int | None, lanes: int) -> list[ShardResult]:
    # The package travels once to each worker; a shard whose worker dies is
    # run again elsewhere by the scheduler (its allowed_failures).
    shipped = client.scatter(package, broadcast=True)
    futures = client.map(run_shard, [shipped] * len(shards), shards,
                         device=device, timesteps=timesteps, lanes=lanes,
                         pure=False)
    return client.gather(futures)


def eval(package: _snnc.Package | StrPath, images: Data,  # noqa: A001
         labels: Data, device: str = "golden", client: Client | None = None,
         shard_size: int | None = None, threads: int | None = None,
         timesteps: int | None = None, lanes: int = 0,
         limit: int | None = None, strict_input: bool = False,
         frames: dict[str, Any] | None = None) -> EvalResult:
    """Classification accuracy of a package (or .snnpkg path) on images
    ([N, ...], or [T, N, ...] event frames; arrays or .npy/IDX paths) and
    labels (N integers in [0, num_outputs)).  `limit`: only the first
    `limit` samples (None or 0: all, as `snnc eval --limit`).  Without
    `client` the shards run on `threads` local threads (default: every
    core); with a dask.distributed Client they run on its workers, each
    with its own Session.  The result is the same either way, bit for
    bit.  Images outside the package's input range are counted and warned
    about once (strict_input: snnc.InputError), as `snnc eval` does.
    `images` may also be event arrays (a list of structured arrays with
    fields x, y, t, p, one a sample), binned by snnc.events.to_frames with
    the options in `frames` (n_time_bins defaults to the model's time
    steps, sensor_size to its input shape), as `snnc eval --frames` bins
    event files.  Arguments that `snnc eval` would refuse raise
    snnc.Error."""
    package = _as_package(package)
    if limit is not None and _integer(limit, "limit") < 0:
        raise _snnc.Error("eval: --limit must be >= 0")  # the CLI's words
    shard_size = _positive(shard_size, "shard_size")
    threads = _positive(threads, "threads")
    labels = _check_labels(as_array(labels, _snnc.load_labels, "labels"),
                           package.num_outputs)
    if isinstance(images, (list, tuple)) and is_events(images):
        if len(images) != len(labels):
            raise _snnc.Error(f"{len(images)} samples but {len(labels)} "
                              "labels")
        if limit and limit < len(images):  # only the kept ones are binned
            images, labels = images[:limit], labels[:limit]
    if isinstance(images, (str, os.PathLike)):
        images = as_array(images, _snnc.load_images, "images")
    images = model_input(images, package, frames, timesteps, "images")
    events = package.events_input
    count = _sample_count(images, events)
    if count != len(labels):
        raise _snnc.Error(f"{count} samples but {len(labels)} labels")
    if limit and limit < count:
        images = images[:, :limit] if events else images[:limit]
        labels, count = labels[:limit], limit
    package._check_input_range(images, bool(strict_input))
    workers = (len(client.scheduler_info()["workers"]) if client else
               threads or os.cpu_count() or 1)
    if shard_size is None:
        shard_size = max(1, -(-count // (4 * workers)))
    shards = list(_shards(images, events, shard_size))
    if client is None:
        results = _run_local(package, shards, device, timesteps, lanes,
                             threads or os.cpu_count())
    else:
        results = _run_dask(client, package, shards, device, timesteps,
                            lanes)
    scores = (np.concatenate([r[0] for r in results]) if results else
              np.zeros((0, package.num_outputs), np.float32))
    correct = int((scores.argmax(axis=1) == labels).sum()) if count else 0
    return EvalResult(correct=correct, total=count, scores=scores,
                      stats=merge_stats([r[1] for r in results]),
                      device=device, shards=len(shards))
