"""Regenerates reference.npz: tonic's own decoding and ToFrame binning of
the test recordings, for test_events.py to compare snnc against where
tonic is not installed (CI has no network).

    git --git-dir=<tonic mirror> archive d0cb6df3... | tar -x -C /tmp/tonic
    SNNC_TONIC_DIR=/tmp/tonic python3 make_reference.py

Needs only numpy and tonic's checkout (its io, slicers and to_frame
modules, loaded by path); not snnc.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import eventfiles  # noqa: E402

# tonic at the commit the references come from (github.com/neuromorphs/tonic).
TONIC_COMMIT = "d0cb6df3ebfba018b9aac6d55f63576b46489609"
REFERENCE = os.path.join(HERE, "reference.npz")


def cases(tmp):
    """(name, file, reader kind, sensor size) of every recording: tonic's
    sample N-MNIST recording and AEDAT header, and one file in each format
    written by eventfiles."""
    out = [("sample_nmnist", os.path.join(HERE, "sample_nmnist.bin"),
            "nmnist", (34, 34, 2)),
           ("sample_aedat_header", os.path.join(HERE, "sample_aedat_header.aedat"),
            "aedat2", (128, 128, 2))]
    for name in eventfiles.RECORDINGS:
        suffix = ".npy" if name.startswith("npy") else \
            ".bin" if name == "nmnist" else ".aedat"
        path = os.path.join(tmp, name + suffix)
        eventfiles.write_recording(name, path)
        out.append((name, path, eventfiles.kind_of(name), eventfiles.SENSOR))
    return out


def frame_params(t):
    """ToFrame parameter sets for a recording whose timestamps are `t`:
    every slicing method, overlaps (negative, fractional, beyond a bin),
    include_incomplete, start and end times, float and int windows."""
    span = int(t.max() - t.min()) if len(t) else 1000
    first, last = (int(t[0]), int(t[-1])) if len(t) else (0, 1000)
    out = []
    for bins in (1, 3, 10):
        out.append({"n_time_bins": bins})
    out += [{"n_time_bins": 7, "overlap": 0.25}, {"n_time_bins": 4, "overlap": -0.5},
            {"n_time_bins": 5, "overlap": 0.9}]
    for bins in (1, 4, 9):
        out.append({"n_event_bins": bins})
    out += [{"n_event_bins": 6, "overlap": 0.3}, {"n_event_bins": 3, "overlap": 1.5},
            {"n_event_bins": 5, "overlap": -0.4}]
    out += [{"event_count": 1_000_000}, {"event_count": 97},
            {"event_count": 150, "overlap": 25},
            {"event_count": 90, "overlap": 12.5, "include_incomplete": True},
            {"event_count": 64, "include_incomplete": True}]
    out += [{"time_window": max(span // 5, 1)},
            {"time_window": max(span // 5, 1), "include_incomplete": True},
            {"time_window": span / 3.7, "overlap": span / 19.0},
            {"time_window": max(span // 6, 2), "overlap": max(span // 12, 1),
             "include_incomplete": True},
            {"time_window": span / 4.0, "start_time": first - span / 10,
             "end_time": last + span / 10},
            {"time_window": span * 2.0}]
    return out


def main():
    tonic_dir = os.environ.get("SNNC_TONIC_DIR")
    if not tonic_dir:
        sys.exit("make_reference.py: set SNNC_TONIC_DIR to a tonic checkout "
                 f"at {TONIC_COMMIT}")
    io, to_frame = eventfiles.load_tonic(tonic_dir)
    arrays, meta = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, kind, sensor in cases(tmp):
            events = eventfiles.tonic_read(io, kind, path)
            arrays[f"events/{name}"] = np.stack(
                [events[f].astype(np.int64) for f in "xytp"])
            params = frame_params(events["t"]) if len(events) else []
            for i, p in enumerate(params):
                arrays[f"frames/{name}/{i}"] = to_frame.to_frame_numpy(
                    events.copy(), sensor, **p)
            meta.append({"name": name, "kind": kind, "sensor": sensor,
                         "params": params})
    # Single polarity, and the sensor size inferred, on the sample.
    sample = arrays["events/sample_nmnist"]
    on = np.empty(int((sample[3] == 1).sum()), dtype=eventfiles.NMNIST_DTYPE)
    for row, f in enumerate("xytp"):
        on[f] = sample[row][sample[3] == 1]
    for name, events, sensor in (("sample_nmnist:on", on, (34, 34, 1)),
                                 ("sample_nmnist:inferred", on, None)):
        params = frame_params(events["t"])[:6]
        for i, p in enumerate(params):
            arrays[f"frames/{name}/{i}"] = to_frame.to_frame_numpy(
                events.copy(), sensor, **p)
        meta.append({"name": name, "kind": "derived", "sensor": sensor,
                     "params": params})
    np.savez_compressed(REFERENCE, meta=json.dumps(
        {"tonic_commit": TONIC_COMMIT, "cases": meta}), **arrays)
    print(f"{REFERENCE}: {os.path.getsize(REFERENCE)} bytes")
    head = subprocess.run(["git", "-C", tonic_dir, "rev-parse", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    if head and head != TONIC_COMMIT:
        print(f"warning: {tonic_dir} is at {head}, not {TONIC_COMMIT}")


if __name__ == "__main__":
    main()
