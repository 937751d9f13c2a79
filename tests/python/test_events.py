"""snnc.events against tonic's own code: every reader event for event, and
ToFrame frame for frame, over every slicing method.

With SNNC_TONIC_DIR naming a tonic checkout (at TONIC_COMMIT; see
data/events/make_reference.py), tonic's io, slicers and to_frame modules
run here, on the committed recordings, on files written in each format and
on a random sweep of parameters.  Without it (CI has no network) the same
comparisons run against data/events/reference.npz, which
make_reference.py wrote with that tonic.
"""

import json
import os
import sys
import tempfile

import numpy as np
import pytest

from helpers import ROOT  # noqa: F401  (puts snnc on the path)

import snnc
import snnc.events

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                    "events")
sys.path.insert(0, DATA)
import eventfiles  # noqa: E402
import make_reference  # noqa: E402

TONIC_COMMIT = "d0cb6df3ebfba018b9aac6d55f63576b46489609"
assert make_reference.TONIC_COMMIT == TONIC_COMMIT
TONIC_DIR = os.environ.get("SNNC_TONIC_DIR")


@pytest.fixture(scope="module")
def tonic():
    """(io, to_frame) of tonic's checkout, or None."""
    return eventfiles.load_tonic(TONIC_DIR) if TONIC_DIR else None


@pytest.fixture(scope="module")
def reference():
    ref = np.load(os.path.join(DATA, "reference.npz"))
    meta = json.loads(str(ref["meta"]))
    assert meta["tonic_commit"] == TONIC_COMMIT
    return ref, {case["name"]: case for case in meta["cases"]}


@pytest.fixture(scope="module")
def recordings():
    """name -> (path, kind, sensor) of every recording, files written here
    from the same seeds make_reference.py used."""
    with tempfile.TemporaryDirectory() as tmp:
        yield {name: (path, kind, tuple(sensor))
               for name, path, kind, sensor in make_reference.cases(tmp)}


def as_columns(events):
    return np.stack([np.asarray(events[f]).astype(np.int64) for f in "xytp"])


def tonic_events(tonic, reference, name, kind, path):
    if tonic:
        return as_columns(eventfiles.tonic_read(tonic[0], kind, path))
    return reference[0][f"events/{name}"]


def structured(columns):
    events = np.empty(columns.shape[1], dtype=snnc.events.EVENT_DTYPE)
    for row, f in enumerate("xytp"):
        events[f] = columns[row]
    return events


def test_every_reader_gives_tonics_events(tonic, reference, recordings):
    for name, (path, kind, _) in recordings.items():
        ours = snnc.events.read(path)
        assert ours.dtype == snnc.events.EVENT_DTYPE
        expected = tonic_events(tonic, reference, name, kind, path)
        np.testing.assert_array_equal(as_columns(ours), expected, err_msg=name)
    # The sample holds real overflow markers: times run past 2^13.
    sample = snnc.events.read(recordings["sample_nmnist"][0])
    assert len(sample) == 4325 and sample["t"].max() > 2**13


def test_written_files_hold_what_was_written(recordings):
    """The writers agree with the formats, independently of tonic: each
    file reads back as the events it was written from."""
    for name in eventfiles.RECORDINGS:
        rng = np.random.default_rng(0)
        columns = eventfiles.random_events(rng, 50, *eventfiles.SENSOR[:2],
                                           2**24)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "f.bin" if name == "nmnist" else "f")
            kind = eventfiles.kind_of(name)
            if kind == "nmnist":
                eventfiles.write_nmnist(path, *columns, rng)
            elif kind == "aedat2":
                eventfiles.write_aedat2(path, *columns, rng)
            elif kind == "aedat3":
                eventfiles.write_aedat3(path, *columns, [20, 0, 30])
            else:
                eventfiles.write_npy(path + ".npy", *columns,
                                     eventfiles.TONIC_STRUCT)
                path += ".npy"
            got = snnc.events.read(path)
        np.testing.assert_array_equal(as_columns(got), np.stack(columns),
                                      err_msg=name)


def test_recordings_name_their_format_and_sensor(recordings):
    formats = {"sample_nmnist": ("nmnist", None), "aedat2": ("aedat2", (128, 128, 2)),
               "aedat3": ("aedat3", (128, 128, 2)), "npy-tonic": ("npy", None),
               "sample_aedat_header": ("aedat2", (128, 128, 2))}
    for name, (fmt, sensor) in formats.items():
        rec = snnc.events.read_recording(recordings[name][0])
        assert (rec.format, rec.sensor_size) == (fmt, sensor), name
    # Forcing a format reads a file whatever its name.
    path = recordings["sample_nmnist"][0]
    assert len(snnc.events.read(path, format="nmnist")) == 4325
    with pytest.raises(snnc.InputError, match="unknown event format 'mp4'"):
        snnc.events.read(path, format="mp4")


def test_a_bin_file_is_nmnist_whatever_its_first_bytes(tmp_path):
    """An N-Caltech101 event at x 35 starts the file with '#'."""
    path = tmp_path / "a.bin"
    path.write_bytes(b"#!AER-DAT2.0\r\n\n")  # 15 bytes: 3 events
    rec = snnc.events.read_recording(path)
    assert rec.format == "nmnist"
    np.testing.assert_array_equal(rec.events["x"], [ord("#"), ord("-"), ord(".")])


def frame_cases(reference, recordings):
    """(name, events, sensor, params, index) of every stored comparison."""
    ref, meta = reference
    sample = ref["events/sample_nmnist"]
    on = sample[:, sample[3] == 1]
    for name, case in meta.items():
        if case["kind"] == "derived":
            columns = on
        else:
            columns = ref[f"events/{name}"]
        sensor = tuple(case["sensor"]) if case["sensor"] else None
        for i, params in enumerate(case["params"]):
            yield name, columns, sensor, params, i


def test_frames_equal_tonics_to_frame(tonic, reference, recordings):
    ref, _ = reference
    compared = 0
    for name, columns, sensor, params, i in frame_cases(reference, recordings):
        if tonic:
            expected = tonic[1].to_frame_numpy(
                structured(columns), sensor, **params)
        else:
            expected = ref[f"frames/{name}/{i}"]
        ours = snnc.events.to_frames(structured(columns), sensor, **params)
        assert ours.dtype == np.float32
        assert ours.shape == expected.shape, (name, params)
        assert np.array_equal(ours, expected.astype(np.float32)), (name, params)
        compared += 1
    assert compared > 150


def test_frames_of_each_file_equal_the_reference_of_its_events(
        reference, recordings):
    """read then to_frames, end to end, on the files themselves."""
    ref, meta = reference
    for name, (path, _, sensor) in recordings.items():
        events = snnc.events.read(path)
        for i, params in enumerate(meta[name]["params"]):
            expected = ref[f"frames/{name}/{i}"]
            ours = snnc.events.to_frames(events, sensor, **params)
            assert np.array_equal(ours, expected), (name, params)


@pytest.mark.skipif(not TONIC_DIR, reason="needs SNNC_TONIC_DIR (tonic)")
def test_random_parameter_sweep_against_tonic(tonic, recordings):
    rng = np.random.default_rng(26)
    for name, (path, kind, sensor) in recordings.items():
        events = eventfiles.tonic_read(tonic[0], kind, path)
        if len(events) == 0:
            continue
        span = float(events["t"].max() - events["t"].min())
        for _ in range(40):
            method = rng.integers(4)
            if method == 0:
                params = {"time_window": float(rng.uniform(0.02, 1.2) * span),
                          "include_incomplete": bool(rng.integers(2))}
                params["overlap"] = float(rng.uniform(-0.5, 0.95)
                                          * params["time_window"])
            elif method == 1:
                count = int(rng.integers(1, 2 * len(events)))
                params = {"event_count": count,
                          "overlap": float(rng.integers(-count, count)),
                          "include_incomplete": bool(rng.integers(2))}
            else:
                key = "n_time_bins" if method == 2 else "n_event_bins"
                params = {key: int(rng.integers(1, 25)),
                          "overlap": float(rng.uniform(-1, 0.99))}
            expected = tonic[1].to_frame_numpy(
                structured(as_columns(events)), sensor, **params)
            ours = snnc.events.to_frames(events, sensor, **params)
            assert np.array_equal(ours, expected), (name, params)


def test_no_events_give_tofames_empty_frames():
    empty = np.empty(0, dtype=snnc.events.EVENT_DTYPE)
    assert snnc.events.to_frames(empty, (5, 3, 2), time_window=10).shape == \
        (1, 2, 3, 5)
    assert snnc.events.to_frames(empty, (5, 3, 2), n_time_bins=4).shape == \
        (4, 2, 3, 5)
    assert not snnc.events.to_frames(empty, (5, 3, 2), n_event_bins=2).any()
    with pytest.raises(snnc.InputError, match="no events to infer"):
        snnc.events.to_frames(empty, None, n_time_bins=4)


def test_frames_feed_a_session_input():
    events = structured(np.array([[0, 1, 2], [0, 1, 1], [0, 5, 9], [0, 1, 1]]))
    frames = snnc.events.to_frames(events, (3, 2, 2), n_time_bins=2)
    # 9 // 2 = 4 us a bin: [0, 4) and [4, 8); the event at 9 falls outside.
    expected = np.zeros((2, 2, 2, 3), np.float32)
    expected[0, 0, 0, 0] = 1
    expected[1, 1, 1, 1] = 1
    np.testing.assert_array_equal(frames, expected)
    batch = snnc.events.stack([frames, 2 * frames])
    assert batch.shape == (2, 2, 2, 2, 3) and batch.dtype == np.float32
    np.testing.assert_array_equal(batch[:, 1], 2 * frames)
    with pytest.raises(snnc.InputError, match="one shape"):
        snnc.events.stack([frames, frames[:1]])


# (parameters, snnc's message, whether tonic refuses them too)
BAD_PARAMETERS = [
    ({}, "exactly one of", True),
    ({"n_time_bins": 2, "event_count": 3}, "exactly one of", True),
    ({"time_window": 0}, "time_window must be positive", True),
    ({"time_window": 10, "overlap": 10}, "time_window - overlap", True),
    ({"event_count": 4, "overlap": 4}, "event_count - overlap", True),
    ({"n_time_bins": 3, "overlap": 1.0}, "overlap must be below 1", True),
    # tonic makes no frames of a negative count, and would try to allocate
    # 10^15 frames.
    ({"n_event_bins": -1}, "must be positive", False),
    ({"n_time_bins": 10**15}, "memory limit", False),
]


def test_bad_parameters_are_one_line_errors(tonic):
    events = snnc.events.read(os.path.join(DATA, "sample_nmnist.bin"))
    for params, message, tonic_refuses in BAD_PARAMETERS:
        with pytest.raises(snnc.Error, match=message) as caught:
            snnc.events.to_frames(events, (34, 34, 2), **params)
        assert "\n" not in str(caught.value)
        if tonic and tonic_refuses:
            with pytest.raises(Exception):  # noqa: B017
                tonic[1].to_frame_numpy(events.copy(), (34, 34, 2), **params)
    with pytest.raises(snnc.InputError, match=r"event \d+ \(x 33.*outside"):
        snnc.events.to_frames(events, (33, 34, 2), n_time_bins=1)
    with pytest.raises(snnc.InputError, match="both polarities"):
        snnc.events.to_frames(events, (34, 34, 1), n_time_bins=1)
    with pytest.raises(snnc.InputError, match="missing p"):
        snnc.events.to_frames(events[["x", "y", "t"]], (34, 34, 2),
                              n_time_bins=1)
    floats = np.zeros(3, dtype=[("x", "i2"), ("y", "i2"), ("t", "f8"),
                                ("p", "?")])
    with pytest.raises(snnc.InputError, match="fields t must be integers"):
        snnc.events.to_frames(floats, (4, 4, 2), n_time_bins=1)


def npy_bytes(descr, shape, body):
    header = f"{{'descr': {descr}, 'fortran_order': False, 'shape': {shape}, }}"
    header += " " * (63 - (len(header) + 10) % 64) + "\n"
    return (b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little")
            + header.encode() + body)


GOOD_DESCR = "[('x', '<i2'), ('y', '<i2'), ('t', '<i8'), ('p', '|b1')]"
PACKET = (1).to_bytes(2, "little") * 2 + (8).to_bytes(4, "little") + bytes(8)
MALFORMED = [
    ("cut.bin", bytes(12), "byte 10: 2 trailing bytes: not a whole 5-byte"),
    ("v.aedat", b"#hello\r\n" + bytes(8), "no '#!AER-DAT' version line"),
    ("v.aedat", b"#!AER-DAT1.0\r\n" + bytes(8), "unsupported AEDAT version 1"),
    ("v.aedat", b"#!AER-DAT3.0\r\n" + bytes(8), "unsupported AEDAT version 3"),
    ("v.aedat", b"#!AER-DATx.y\r\n" + bytes(8), "byte 0: unreadable version"),
    ("v.aedat", b"#!AER-DAT4.0\r\n" + bytes(28), "unsupported AEDAT version 4"),
    ("t.aedat", b"#!AER-DAT2.0\r\n" + bytes(13), "byte 22: 5 trailing bytes"),
    ("h.aedat", b"#!AER-DAT3.1\r\n" + bytes(20),
     "byte 14: truncated packet header: 20 of 28"),
    ("c.aedat", b"#!AER-DAT3.1\r\n" + PACKET + (2**32 - 1).to_bytes(4, "little")
     + bytes(8) + bytes(16), "needs 34359738360 bytes, 16 remain"),
    ("s.aedat", b"#!AER-DAT3.1\r\n" + bytes(4) + (12).to_bytes(4, "little")
     + bytes(20), "packet event size 12, expected 8"),
    ("e.aedat", b"#!AER-DAT3.1\r\n", "no event packets"),
    ("m.npy", b"NUMPY" + bytes(20), "not a .npy file"),
    ("f.npy", npy_bytes("'<f4'", "(2,)", bytes(8)), "not a structured event"),
    ("n.npy", npy_bytes("[('x', '<i2'), ('y', '<i2'), ('t', '<i8')]", "(1,)",
                        bytes(12)), "no field 'p'"),
    ("d.npy", npy_bytes("[('x', '<i2'), ('y', '<i2'), ('t', '<f8'), "
                        "('p', '|b1')]", "(1,)", bytes(13)), "field 't' is f8"),
    ("2d.npy", npy_bytes(GOOD_DESCR, "(2, 2)", bytes(52)), "not 1-D"),
    ("big.npy", npy_bytes(GOOD_DESCR, "(99999999999999,)", bytes(13)),
     "does not match the 13 bytes"),
    ("cut.npy", npy_bytes(GOOD_DESCR, "(2,)", bytes(13)),
     r"shape \(2,\) of 13-byte records"),
    ("hdr.npy", b"\x93NUMPY\x01\x00\xff\xff{", "runs past the end"),
    ("x.txt", b"hello", "unknown event file format"),
]


def test_malformed_files_are_one_line_input_errors(tmp_path):
    for name, data, message in MALFORMED:
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(snnc.InputError, match=message) as caught:
            snnc.events.read(path)
        text = str(caught.value)
        assert text.startswith(str(path) + ": ") and "\n" not in text, text
    with pytest.raises(snnc.InputError, match="not a regular file"):
        snnc.events.read(tmp_path)


def test_frames_run_through_a_session_as_the_cli_runs_them():
    """Frames of a recording, stacked, are the [T, N, P, H, W] input of a
    model with event encoding (tests/models: 2 x 6 x 6 events, T = 5)."""
    from helpers import snnc_run
    model = os.path.join(ROOT, "tests", "models", "mlp_soft_ge_events.onnx")
    events = snnc.events.read(os.path.join(DATA, "sample_nmnist.bin"))
    events["x"], events["y"] = events["x"] * 6 // 34, events["y"] * 6 // 34
    samples = [np.minimum(snnc.events.to_frames(part, (6, 6, 2),
                                                n_time_bins=5), 1)
               for part in np.array_split(events, 3)]
    x = snnc.events.stack(samples)
    assert x.shape == (5, 3, 2, 6, 6) and x.any()
    package = snnc.compile(model)
    scores = snnc.Session(package).infer(x)
    assert scores.shape[0] == 3
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.snnpkg")
        package.save(path)
        np.testing.assert_array_equal(
            scores, snnc_run(path, x, "--engine", "golden"))
