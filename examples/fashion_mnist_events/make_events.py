#!/usr/bin/python3
"""Turns Fashion-MNIST into event recordings, as N-MNIST was made from MNIST.

Orchard et al. 2015 put each MNIST digit on a monitor in front of an ATIS
camera (34 x 34 pixels used) and moved the sensor in three saccades, a
triangle of about 100 ms each.  This script simulates that camera:

- the 28 x 28 image is centred on the 34 x 34 sensor and translated along
  the triangle (A -> B -> C -> A, 300 ms), resampled every 1 ms with
  bilinear interpolation;
- each pixel keeps a reference log intensity (the monitor's black is not
  zero: intensity BLACK + (1 - BLACK) * pixel).  When the log intensity has
  moved by the pixel's contrast threshold, it emits an ON (p = 1) or OFF
  (p = 0) event at the interpolated crossing time and moves its reference by
  one threshold; thresholds vary per pixel (seeded mismatch, one sensor for
  every recording) and a pixel is silent for a refractory time after an
  event (its reference follows the input meanwhile, as a DVS pixel's
  differencing amplifier is held in reset);
- timestamps are microseconds from the start of the first saccade.

Each recording is written in the N-MNIST binary format (5 bytes an event:
x, y, polarity bit 7 + 23-bit timestamp, big-endian; a y == 240 overflow
marker adds 2^13 to every later timestamp, as tonic's read_mnist_file and
snnc's reader decode it) to OUT/Train/<class>/<index>.bin and
OUT/Test/<class>/<index>.bin, <index> being the image's index in its IDX file.
Every file written is read back with snnc.events.read and compared.

    /usr/bin/python3 examples/fashion_mnist_events/make_events.py build/fashion-mnist-events
    /usr/bin/python3 examples/fashion_mnist_events/make_events.py OUT --split test --limit 20

Deterministic: the same arguments give the same bytes, whatever --workers.
"""

import argparse
import functools
import multiprocessing
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
# ../fashion_mnist/data.py, after this directory (both have a model.py).
sys.path.append(os.path.join(ROOT, "examples", "fashion_mnist"))
sys.path.insert(0, os.environ.get("SNNC_PYTHON_DIR", os.path.join(ROOT, "build", "python")))

from data import DATA_DIR, read_idx  # noqa: E402

SENSOR = 34  # N-MNIST's sensor crop: 34 x 34, two polarities
IMAGE = 28
MARGIN = (SENSOR - IMAGE) // 2
# The saccade triangle: image offsets (dx, dy) in pixels at 0, 100, 200 and
# 300 ms.  Within +-MARGIN, so the image never leaves the sensor.
TRIANGLE = np.array([(-2.0, 1.5), (2.0, 1.5), (0.0, -2.0), (-2.0, 1.5)])
SACCADE_MS = 100
BLACK = 0.1  # the monitor's black, as a fraction of its white
OVERFLOW_STEP = 1 << 13  # what tonic adds per y == 240 marker
MAX_STAMP = (1 << 23) - 1
SPLITS = {"train": ("Train", "train"), "test": ("Test", "t10k")}


class Camera:
    """The simulated sensor's fixed parameters."""

    def __init__(self, args):
        rng = np.random.default_rng(args.seed)
        shape = (SENSOR, SENSOR)
        mismatch = args.mismatch
        self.on = np.maximum(args.threshold + mismatch * rng.standard_normal(shape), 0.05)
        self.off = np.maximum(args.threshold + mismatch * rng.standard_normal(shape), 0.05)
        self.on, self.off = self.on.astype(np.float32), self.off.astype(np.float32)
        self.refractory_us = float(args.refractory_us)
        self.step_us = float(args.step_us)


def trajectory(step_us):
    """Image offsets (dx, dy) at every sample time, 0 .. 300 ms."""
    steps_per_saccade = int(round(SACCADE_MS * 1000 / step_us))
    points = []
    for a, b in zip(TRIANGLE[:-1], TRIANGLE[1:]):
        f = np.arange(steps_per_saccade)[:, None] / steps_per_saccade
        points.append(a + f * (b - a))
    points.append(TRIANGLE[-1:])
    return np.concatenate(points)


def shifted(padded, dx, dy, out, scratch):
    """Bilinear translation of the padded canvases [H + 2P, W + 2P, B] by
    (dx, dy) into `out` [34, 34, B]: the sensor sees canvas(y - dy, x - dx).
    The batch is the last axis so that every slice is contiguous runs."""
    pad = (padded.shape[0] - SENSOR) // 2
    ix, iy = int(np.floor(-dx)), int(np.floor(-dy))
    fx, fy = np.float32(-dx - ix), np.float32(-dy - iy)
    out.fill(0)
    for oy, wy in ((0, 1 - fy), (1, fy)):
        for ox, wx in ((0, 1 - fx), (1, fx)):
            if wy * wx == 0:
                continue
            y0, x0 = pad + iy + oy, pad + ix + ox
            np.multiply(padded[y0:y0 + SENSOR, x0:x0 + SENSOR], wy * wx, out=scratch)
            out += scratch
    return out


def log_intensity(padded, dx, dy, scratch):
    out = np.empty((SENSOR, SENSOR, padded.shape[2]), np.float32)
    shifted(padded, dx, dy, out, scratch)
    out *= np.float32(1 - BLACK)
    out += np.float32(BLACK)
    return np.log(out, out=out)


def simulate(images, camera):
    """Events of a batch of images [B, 28, 28] (uint8): a list of per-image
    (x, y, t, p) int64 columns sorted by t."""
    count = len(images)
    pad = MARGIN + 4
    padded = np.zeros((IMAGE + 2 * pad, IMAGE + 2 * pad, count), np.float32)
    padded[pad:pad + IMAGE, pad:pad + IMAGE] = images.transpose(1, 2, 0) / np.float32(255)
    scratch = np.empty((SENSOR, SENSOR, count), np.float32)
    on_threshold, off_threshold = camera.on[:, :, None], camera.off[:, :, None]
    path = trajectory(camera.step_us)
    previous = log_intensity(padded, *path[0], scratch)
    reference = previous.copy()
    last = np.full(previous.shape, -np.inf, np.float32)
    found = []
    for step in range(1, len(path)):
        now = step * camera.step_us
        current = log_intensity(padded, *path[step], scratch)
        # During the refractory time the reference follows the input.
        held = now < last + camera.refractory_us
        if held.any():
            np.copyto(reference, current, where=held)
        diff = np.subtract(current, reference, out=scratch)
        on = diff >= on_threshold
        off = diff <= -off_threshold
        fire = on | off
        y, x, b = np.nonzero(fire)
        if len(b):
            is_on = on[y, x, b]
            level = reference[y, x, b] + np.where(is_on, camera.on[y, x], -camera.off[y, x])
            before, after = previous[y, x, b], current[y, x, b]
            span = after - before
            safe = np.where(span == 0, 1, span)
            frac = np.clip(np.where(span == 0, 1, (level - before) / safe), 0, 1)
            stamp = np.maximum(now - camera.step_us * (1 - frac),
                               last[y, x, b] + camera.refractory_us)
            reference[y, x, b] = level
            last[y, x, b] = stamp
            found.append((b, x, y, np.round(stamp).astype(np.int64), is_on.astype(np.int64)))
        previous = current
    return split_by_image(found, count)


def split_by_image(found, count):
    if not found:
        empty = np.zeros(0, np.int64)
        return [(empty,) * 4 for _ in range(count)]
    b, x, y, t, p = (np.concatenate([f[i] for f in found]) for i in range(5))
    # By image, then time; ties keep the order of the steps (then y, x).
    order = np.argsort(b * (1 << 32) + t, kind="stable")
    b, x, y, t, p = b[order], x[order], y[order], t[order], p[order]
    bounds = np.searchsorted(b, np.arange(count + 1))
    return [tuple(col[bounds[i]:bounds[i + 1]] for col in (x, y, t, p))
            for i in range(count)]


def encode_nmnist(x, y, t, p):
    """N-MNIST bytes for events sorted by t, with y == 240 overflow markers
    so that tonic's read_mnist_file gives back t (which may pass 2^23)."""
    x, y, t, p = (np.asarray(c, np.int64) for c in (x, y, t, p))
    if len(t) and (t.min() < 0 or np.any(np.diff(t) < 0)):
        raise ValueError("timestamps must be non-negative and sorted")
    if len(t) and (x.max() > 255 or y.max() > 239 or min(x.min(), y.min()) < 0):
        raise ValueError("addresses must be x in 0..255, y in 0..239")
    markers = np.maximum(0, -(-(t - MAX_STAMP) // OVERFLOW_STEP))  # ceil, per event
    stamp = t - markers * OVERFLOW_STEP
    # Each marker goes right before the first event that needs it.
    new = np.diff(np.concatenate([[0], markers]))
    rows = len(t) + int(markers[-1]) if len(t) else 0
    out = np.zeros((rows, 5), np.uint8)
    at = np.arange(len(t)) + markers  # row of each event
    out[at, 0], out[at, 1] = x, y
    out[at, 2] = (p << 7) | (stamp >> 16)
    out[at, 3], out[at, 4] = (stamp >> 8) & 255, stamp & 255
    marker_rows = np.concatenate([at[i] - np.arange(1, n + 1) for i, n in enumerate(new) if n]
                                 or [np.zeros(0, np.int64)])
    out[marker_rows, 1] = 240
    return out.tobytes()


@functools.lru_cache(maxsize=4)
def load_idx(folder, name):
    """An IDX file, read once per worker process."""
    return read_idx(os.path.join(folder, name))


def write_batch(job):
    """Simulates and writes one batch; returns its event counts."""
    args, split, start, stop = job
    import snnc.events
    folder, prefix = SPLITS[split]
    images = load_idx(args.data, f"{prefix}-images-idx3-ubyte.gz")[start:stop]
    labels = load_idx(args.data, f"{prefix}-labels-idx1-ubyte.gz")[start:stop]
    counts = []
    for i, (x, y, t, p) in enumerate(simulate(images, Camera(args))):
        path = os.path.join(args.out, folder, str(labels[i]), f"{start + i:05d}.bin")
        with open(path, "wb") as f:
            f.write(encode_nmnist(x, y, t, p))
        back = snnc.events.read(path)
        for name, column in zip("xytp", (x, y, t, p)):
            if not np.array_equal(back[name], column):
                raise RuntimeError(f"{path}: field {name} reads back differently")
        counts.append(len(t))
    return counts


def self_check_overflow():
    """A recording past 2^23 us round-trips through the overflow markers."""
    import snnc.events
    import tempfile
    t = np.array([0, 5, MAX_STAMP, MAX_STAMP + 1, MAX_STAMP + 9000, 3 << 23, 3 << 23])
    x, y, p = np.arange(len(t)) % 34, np.arange(len(t)) * 3 % 34, np.arange(len(t)) % 2
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "long.bin")
        with open(path, "wb") as f:
            f.write(encode_nmnist(x, y, t, p))
        back = snnc.events.read(path)
    for name, column in zip("xytp", (x, y, t, p)):
        if not np.array_equal(back[name], column):
            raise RuntimeError(f"overflow markers: field {name} reads back as {back[name]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?",
                        default=os.path.join(ROOT, "build", "fashion-mnist-events"))
    parser.add_argument("--split", choices=["train", "test", "both"], default="both")
    parser.add_argument("--limit", type=int, help="only the first LIMIT images of each split")
    parser.add_argument("--data", default=DATA_DIR, help="the Fashion-MNIST IDX files")
    parser.add_argument("--threshold", type=float, default=0.25, help="contrast threshold (log)")
    parser.add_argument("--mismatch", type=float, default=0.02,
                        help="per-pixel threshold standard deviation (log)")
    parser.add_argument("--refractory-us", type=float, default=1000)
    parser.add_argument("--step-us", type=float, default=1000, help="motion sampling period")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be at least 1")
    for _, prefix in SPLITS.values():
        for kind in ("images-idx3", "labels-idx1"):
            if not os.path.isfile(os.path.join(args.data, f"{prefix}-{kind}-ubyte.gz")):
                parser.error(f"{args.data}: no {prefix}-{kind}-ubyte.gz (Fashion-MNIST's "
                             "IDX files; Debian's dataset-fashion-mnist)")
    if args.threshold <= 0 or args.mismatch < 0 or args.refractory_us < 0 or args.step_us <= 0:
        parser.error("--threshold and --step-us must be positive, --mismatch and "
                     "--refractory-us not negative")
    self_check_overflow()
    jobs = []
    for split in (["train", "test"] if args.split == "both" else [args.split]):
        folder, prefix = SPLITS[split]
        total = len(read_idx(os.path.join(args.data, f"{prefix}-labels-idx1-ubyte.gz")))
        total = min(total, args.limit or total)
        for label in range(10):
            os.makedirs(os.path.join(args.out, folder, str(label)), exist_ok=True)
        jobs += [(args, split, s, min(s + args.batch, total)) for s in range(0, total, args.batch)]
    start = time.time()
    counts = []
    with multiprocessing.Pool(args.workers) as pool:
        for done in pool.imap(write_batch, jobs):
            counts += done
    print(f"{len(counts)} recordings in {args.out} ({time.time() - start:.0f} s): "
          f"{np.mean(counts):.0f} events each on average (min {min(counts)}, "
          f"max {max(counts)}), every file read back equal")


if __name__ == "__main__":
    main()
