"""The example's recordings (make_events.py), binned as the model sees them.

A recording is read with snnc.events.read and binned with
snnc.events.to_frames(events, (34, 34, 2), n_time_bins=T) (tonic's
ToFrame), then clipped to 0/1: the input is the presence of an event at a
pixel in a bin.  The binned splits are cached beside the recordings.
"""

import glob
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.environ.get("SNNC_PYTHON_DIR", os.path.join(ROOT, "build", "python")))

import snnc.events  # noqa: E402

DEFAULT_ROOT = os.path.join(ROOT, "build", "fashion-mnist-events")
FOLDERS = {"train": "Train", "test": "Test"}


def recordings(root, split):
    """[(path, label)] of a split, in the order of the images' indices."""
    found = []
    for path in glob.glob(os.path.join(root, FOLDERS[split], "*", "*.bin")):
        label = int(os.path.basename(os.path.dirname(path)))
        found.append((int(os.path.splitext(os.path.basename(path))[0]), path, label))
    if not found:
        raise FileNotFoundError(f"no recordings under {os.path.join(root, FOLDERS[split])}: "
                                "run make_events.py first")
    return [(path, label) for _, path, label in sorted(found)]


def frames(path, timesteps, sensor_size=(34, 34, 2)):
    """The model's input for one recording: float32 [T, 2, 34, 34] of 0/1."""
    counts = snnc.events.to_frames(snnc.events.read(path), sensor_size, n_time_bins=timesteps)
    return np.minimum(counts, 1)


def load(root, split, timesteps, limit=None):
    """(frames uint8 [N, T, 2, 34, 34], labels int64 [N]) of the first
    `limit` recordings of a split; the whole split is cached in root."""
    cache = os.path.join(root, f"{FOLDERS[split].lower()}-frames-T{timesteps}.npz")
    listed = recordings(root, split)
    if limit is None and os.path.exists(cache):
        with np.load(cache) as data:
            if len(data["labels"]) == len(listed):
                shape = tuple(data["shape"])
                x = np.unpackbits(data["bits"])[:np.prod(shape)].reshape(shape)
                return x, data["labels"]
    listed = listed[:limit]
    x = np.stack([frames(path, timesteps).astype(np.uint8) for path, _ in listed])
    labels = np.array([label for _, label in listed], np.int64)
    if limit is None:
        np.savez(cache, bits=np.packbits(x), shape=np.array(x.shape), labels=labels)
    return x, labels
