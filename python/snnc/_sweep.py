"""A grid of compiler options, each compiled and evaluated: accuracy, SOPs,
memory and fit per point, on local cores or a dask.distributed cluster."""

from __future__ import annotations

import itertools
import os
from typing import TYPE_CHECKING, Any

from . import _snnc
from ._evaluate import as_array
from ._evaluate import eval as evaluate

if TYPE_CHECKING:  # for type checkers only: nothing more is imported
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    import numpy.typing as npt
    from distributed import Client

    StrPath = str | os.PathLike[str]
    # Images or labels: an array, or a .npy / IDX file.
    Data = npt.ArrayLike | StrPath
    # {option of snnc.compile: the values it takes}
    Grid = Mapping[str, Iterable[Any]]


def _points(grid: Grid) -> Iterator[dict[str, Any]]:
    names = list(grid)
    for values in itertools.product(*(grid[name] for name in names)):
        yield dict(zip(names, values))


def _memory_bits(report: Mapping[str, Any]) -> int:
    return sum(m["width"] * m["depth"] for m in report.get("core_memories", []))


def run_point(model: str, point: Mapping[str, Any], base: Mapping[str, Any],
              images: npt.ArrayLike, labels: npt.ArrayLike, device: str,
              threads: int | None) -> dict[str, Any]:
    """Compiles and evaluates one point of the grid; a point whose network
    does not fit its target is a row with fits False and the reason."""
    from . import compile as compile_model  # noqa: PLC0415 (on a worker)
    options = dict(base, **point)
    row = dict(point)
    try:
        package = compile_model(model, **options)
    except _snnc.Error as error:
        message = str(error)
        if "does not fit" not in message:
            raise
        row.update(fits=False, accuracy=None, sops_per_inference=None,
                   memory_bits=None, error=message)
        return row
    result = evaluate(package, images, labels, device=device,
                      threads=threads)
    stats = result.stats or {}
    samples = max(1, stats.get("samples", 1))
    row.update(fits=True, accuracy=result.accuracy,
               sops_per_inference=stats.get("synaptic_ops", 0) / samples,
               memory_bits=_memory_bits(package.report()), error=None)
    return row


def sweep(model: StrPath, grid: Grid, images: Data, labels: Data,
          client: Client | None = None, device: str = "golden",
          threads: int | None = None, **base: Any) -> list[dict[str, Any]]:
    """Compiles `model` (a path the workers can read) for every combination
    of `grid` ({"weight_bits": [4, 6, 8], "target": [...], ...}, over the
    options of snnc.compile), evaluates each on images and labels, and
    returns one dict per point: its options, accuracy (a fraction, as
    EvalResult's), SOPs per inference, memory bits and fit.  With a dask
    Client each point is a task."""
    model = os.fspath(model)
    images = as_array(images, _snnc.load_images)
    labels = as_array(labels, _snnc.load_labels)
    points = list(_points(grid))
    if client is None:
        return [run_point(model, p, base, images, labels, device, threads)
                for p in points]
    shipped_images, shipped_labels = client.scatter([images, labels],
                                                    broadcast=True)
    futures = [
        client.submit(run_point, model, p, base, shipped_images,
                      shipped_labels, device, 1, pure=False) for p in points
    ]
    return client.gather(futures)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "accuracy":  # a fraction: 0.8425, not 0.84
        return f"{value:.4f}"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def format_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The sweep's rows as a text table."""
    if not rows:
        return ""
    keys = [k for k in rows[0] if k != "error"]
    cells = [[_cell(k, row[k]) for k in keys] for row in rows]
    widths = [max(len(k), *(len(c[i]) for c in cells))
              for i, k in enumerate(keys)]
    lines = ["  ".join(k.rjust(w) for k, w in zip(keys, widths))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(cell, widths))
              for cell in cells]
    return "\n".join(lines)
