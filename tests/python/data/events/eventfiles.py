"""Writers of event files in the formats snnc.events reads, and the
recordings the tests write with them.

Independent of snnc and of tonic: the writers follow the formats'
descriptions (N-MNIST's 40-bit events with y == 240 overflow markers;
AEDAT 2.0 big-endian address/timestamp pairs; AEDAT 3.1 packets of a
28-byte header and little-endian pairs), and make_reference.py and
test_events.py both build the same files from the same seeds.
"""

import importlib.util
import os
import struct
import sys
import types
import zlib

import numpy as np

# tonic's dtypes for event arrays: io.events_struct, its DVSGesture dtype
# (fields in another order) and its N-MNIST dtype.
TONIC_STRUCT = np.dtype([("x", np.int16), ("y", np.int16), ("t", np.int64),
                         ("p", bool)])
GESTURE_DTYPE = np.dtype([("x", np.int16), ("y", np.int16), ("p", bool),
                          ("t", np.int64)])
NMNIST_DTYPE = np.dtype([("x", int), ("y", int), ("t", int), ("p", int)])


def random_events(rng, count, width, height, span, sort=True):
    """`count` events on a width x height sensor over `span` microseconds."""
    t = rng.integers(0, span, count)
    if sort:
        t.sort()
    return (rng.integers(0, width, count), rng.integers(0, height, count), t,
            rng.integers(0, 2, count))


def write_nmnist(path, x, y, t, p, rng):
    """N-MNIST: x, y, p << 7 | ts[22:16], ts[15:8], ts[7:0].  A marker (y ==
    240) adds 2^13 to every later timestamp, so each event stores its time
    less 2^13 per marker before it; markers carry random other bytes."""
    out = bytearray()
    markers = 0
    for ex, ey, et, ep in zip(x, y, t, p):
        # Some markers well before they are needed, so stored times shrink.
        while (et - markers * 8192) >= 2**23 or (
                et - (markers + 1) * 8192 >= 0 and rng.random() < 0.02):
            out += bytes([rng.integers(0, 256), 240,
                          *rng.integers(0, 256, 3)])
            markers += 1
        stored = int(et) - markers * 8192
        assert 0 <= stored < 2**23, "events must be sorted for the markers"
        out += bytes([int(ex), int(ey), (int(ep) << 7) | (stored >> 16),
                      (stored >> 8) & 255, stored & 255])
    with open(path, "wb") as f:
        f.write(out)


AEDAT2_HEADER = (b"#!AER-DAT2.0\r\n"
                 b"# This is a raw AE data file - do not edit\r\n"
                 b"# Data format is int32 address, int32 timestamp\r\n"
                 b"# Creation time: System.currentTimeMillis() 1695355587880\r\n")


def write_aedat2(path, x, y, t, p, rng, header=AEDAT2_HEADER):
    """DVS128 addresses: x in bits 8..14, y in bits 1..7, p in bit 0; the
    other bits random (a reader must mask them off)."""
    noise = rng.integers(0, 2, len(x)) << 15 | rng.integers(0, 2**16, len(x)) << 16
    addr = (np.asarray(x) << 8) | (np.asarray(y) << 1) | np.asarray(p) | noise
    pairs = np.empty(len(x), dtype=[("a", ">u4"), ("t", ">u4")])
    pairs["a"], pairs["t"] = addr, t
    with open(path, "wb") as f:
        f.write(header + pairs.tobytes())


AEDAT3_HEADER = (b"#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: DVS128\r\n"
                 b"#Start-Time: 2017-04-28 10:00:00 (TZ+0200)\r\n"
                 b"#!END-HEADER\r\n")


def write_aedat3(path, x, y, t, p, packet_sizes, header=AEDAT3_HEADER):
    """AEDAT 3.1 polarity packets: a 28-byte header (type 1, source 1,
    event size 8, ts offset 4, ts overflow, capacity, number, valid) and
    the events, address x << 17 | y << 2 | p << 1 | 1 (valid)."""
    addr = (np.asarray(x) << 17) | (np.asarray(y) << 2) | (np.asarray(p) << 1) | 1
    pairs = np.empty(len(x), dtype=[("a", "<u4"), ("t", "<u4")])
    pairs["a"], pairs["t"] = addr, t
    out = bytearray(header)
    at = 0
    for size in packet_sizes:
        out += struct.pack("<HHIIIIII", 1, 1, 8, 4, 0, size, size, size)
        out += pairs[at:at + size].tobytes()
        at += size
    assert at == len(x)
    with open(path, "wb") as f:
        f.write(out)


def write_npy(path, x, y, t, p, dtype):
    events = np.empty(len(x), dtype=dtype)
    events["x"], events["y"], events["t"], events["p"] = x, y, t, p
    np.save(path, events)


# The recordings the comparisons use: name -> (writer, sensor size).  Each
# writes the file from its own seed; SENSORS are not square, so that a
# swapped width and height would show.
SENSOR = (20, 14, 2)


def write_recording(name, path):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    if name == "nmnist":
        ev = random_events(rng, 600, *SENSOR[:2], 3 * 2**23)
        write_nmnist(path, *ev, rng)
    elif name == "aedat2":
        write_aedat2(path, *random_events(rng, 500, *SENSOR[:2], 2**32), rng)
    elif name == "aedat3":
        ev = random_events(rng, 700, *SENSOR[:2], 90_000)
        write_aedat3(path, *ev, [0, 250, 1, 300, 149])
    elif name == "npy-tonic":
        write_npy(path, *random_events(rng, 400, *SENSOR[:2], 50_000),
                  TONIC_STRUCT)
    elif name == "npy-gesture-bigendian":
        dtype = GESTURE_DTYPE.newbyteorder(">")
        write_npy(path, *random_events(rng, 400, *SENSOR[:2], 50_000), dtype)
    elif name == "npy-unsorted":
        # Timestamps out of order: numpy's searchsorted answers depend on
        # how it narrows its searches, and snnc must give the same frames.
        write_npy(path, *random_events(rng, 300, *SENSOR[:2], 20_000,
                                       sort=False), NMNIST_DTYPE)
    else:
        raise KeyError(name)


RECORDINGS = ["nmnist", "aedat2", "aedat3", "npy-tonic",
              "npy-gesture-bigendian", "npy-unsorted"]


def load_tonic(tonic_dir):
    """tonic's io, slicers and functional/to_frame modules, loaded by path
    from a checkout: the tonic package's __init__ imports far more than
    numpy (its datasets, torch), and these three need only numpy."""
    def load(name, relative):
        spec = importlib.util.spec_from_file_location(
            name, os.path.join(tonic_dir, "tonic", *relative))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    for package in ("tonic", "tonic.functional"):
        if package not in sys.modules:
            stub = types.ModuleType(package)
            stub.__path__ = []
            sys.modules[package] = stub
    io = load("tonic.io", ["io.py"])
    load("tonic.slicers", ["slicers.py"])
    to_frame = load("tonic.functional.to_frame", ["functional", "to_frame.py"])
    return io, to_frame


def tonic_read(io, kind, path):
    """The events of `path` as tonic's reader for `kind` gives them."""
    if kind == "nmnist":
        return io.read_mnist_file(path, dtype=NMNIST_DTYPE)
    if kind == "npy":
        return np.load(path)
    # At tonic d0cb6df3, read_dvs_128 and read_dvs_ibm unpack two of the
    # three values read_aedat_header_from_file returns (and so raise); the
    # header is read by tonic's own function and the first two passed on,
    # so the rest of each reader runs as it is.
    header = io.read_aedat_header_from_file
    io.read_aedat_header_from_file = lambda f: header(f)[:2]
    try:
        reader = io.read_dvs_128 if kind == "aedat2" else io.read_dvs_ibm
        return reader(path)[1]
    finally:
        io.read_aedat_header_from_file = header


def kind_of(name):
    """The reader a recording needs: nmnist, aedat2, aedat3 or npy."""
    for kind in ("nmnist", "aedat2", "aedat3"):
        if kind in name:
            return kind
    return "npy"
