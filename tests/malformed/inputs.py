"""Malformed packages, arrays, datasets, special files and command lines."""
import gzip
import hashlib
import importlib
import os
import struct
import subprocess
import sys

import numpy as np

BIG = 2 ** 62
INT64_MIN = -2 ** 63
HEADER = 56


# --- packages -------------------------------------------------------------

def package_proto(c):
    """The package's protobuf module, generated from the project's .proto."""
    out = os.path.join(c.out, "_proto")
    os.makedirs(out, exist_ok=True)
    proto_dir = os.path.join(os.path.dirname(__file__), "..", "..", "runtime", "proto")
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", out,
                    os.path.join(proto_dir, "snnc_package.proto")], check=True)
    sys.path.insert(0, out)
    return importlib.import_module("snnc_package_pb2")


def seal(payload, header):
    """A package file around `payload`, with a valid size and checksum."""
    return (header[:16] + struct.pack("<Q", len(payload)) +
            hashlib.sha256(payload).digest() + payload)


def pkg_corrupt(c, rng):
    data = open(c.good_pkg, "rb").read()
    for i in range(8):
        b = bytearray(data)
        b[int(rng.integers(0, len(b)))] ^= 1 << int(rng.integers(0, 8))
        c.package_runs("pkg_corrupt", "flip-%d" % i, c.write("pkg_corrupt", "flip-%d.snnpkg" % i, bytes(b)))
    for cut in (0, 7, 8, 55, 56, 100, len(data) - 1):
        c.package_runs("pkg_corrupt", "cut-%d" % cut, c.write("pkg_corrupt", "cut-%d.snnpkg" % cut, data[:cut]))
    for tag, blob in (("version-99", data[:8] + struct.pack("<I", 99) + data[12:]),
                      ("size-huge", data[:16] + struct.pack("<Q", 2 ** 63) + data[24:]),
                      ("trailing", data + b"\x00"),
                      ("magic", b"SNNPKH" + data[6:])):
        c.package_runs("pkg_corrupt", tag, c.write("pkg_corrupt", tag + ".snnpkg", blob))


def pkg_hostile(c, rng):
    """Packages with a valid checksum whose fields lie."""
    pb = package_proto(c)
    data = open(c.good_pkg, "rb").read()
    good = pb.Package()
    good.ParseFromString(data[HEADER:])
    lif = next(i for i, p in enumerate(good.populations) if p.kind == pb.Population.LIF)
    conv = next(i for i, p in enumerate(good.projections) if p.kind == pb.Projection.CONV)
    readout = len(good.populations) - 1

    def mutate(tag, fn, expect="fail"):
        pkg = pb.Package()
        pkg.CopyFrom(good)
        fn(pkg)
        path = c.write("pkg_hostile", tag + ".snnpkg", seal(pkg.SerializeToString(), data))
        c.package_runs("pkg_hostile", tag, path, expect=expect)

    P = lambda pkg: pkg.populations[lif]  # noqa: E731
    J = lambda pkg: pkg.projections[conv]  # noqa: E731
    mutate("timesteps-negative", lambda p: setattr(p, "timesteps", -5))
    mutate("timesteps-2^40", lambda p: setattr(p, "timesteps", 2 ** 40))
    mutate("lif-bias-int64-min", lambda p: P(p).bias.__setitem__(0, INT64_MIN))
    mutate("lif-threshold-zero", lambda p: P(p).threshold.__setitem__(0, 0))
    mutate("lif-state-bits-64", lambda p: setattr(P(p), "state_bits", 64))
    mutate("lif-decay-bits-40", lambda p: setattr(P(p), "decay_bits", 40))
    mutate("lif-decay-negative", lambda p: setattr(P(p), "decay", -1))
    mutate("lif-threshold-missing", lambda p: P(p).ClearField("threshold"))
    mutate("readout-bias-huge", lambda p: p.populations[readout].bias.__setitem__(0, BIG))
    mutate("readout-unit-nan", lambda p: p.populations[readout].unit.__setitem__(0, float("nan")))
    mutate("input-gain-nan", lambda p: p.input.gain.__setitem__(0, float("nan")))
    mutate("input-offset-inf", lambda p: p.input.offset.__setitem__(0, float("inf")))
    mutate("input-scale-zero", lambda p: setattr(p.input, "scale", 0.0))
    mutate("input-bits-64", lambda p: setattr(p.input, "bits", 64))
    mutate("shape-negative", lambda p: P(p).shape.__setitem__(0, -1))
    mutate("shape-2^40", lambda p: P(p).shape.__setitem__(1, 2 ** 40))
    mutate("shape-rank-2", lambda p: P(p).shape.pop())

    def many_populations(p):
        # Each population within the per-population bound; many of them.
        template = p.populations[lif]
        for i in range(64):
            q = p.populations.add()
            q.CopyFrom(template)
            q.name = "clone%d" % i
            del q.shape[:]
            q.shape.extend([1, 8192, 8192])
    mutate("populations-many-huge", many_populations)
    mutate("kind-7", lambda p: setattr(P(p), "kind", 7))
    mutate("projection-kind-9", lambda p: setattr(J(p), "kind", 9))
    mutate("source-negative", lambda p: setattr(J(p), "source", -1))
    mutate("target-backwards", lambda p: setattr(J(p), "target", 0))
    mutate("target-out-of-range", lambda p: setattr(J(p), "target", 1000))
    mutate("weights-short", lambda p: setattr(J(p), "weights", J(p).weights[:-1]))
    mutate("weight-bits-1", lambda p: setattr(J(p), "weight_bits", 1))
    mutate("weight-beyond-bits", lambda p: setattr(J(p), "weights", b"\x80" + J(p).weights[1:]))
    mutate("stride-2^62", lambda p: J(p).strides.__setitem__(0, BIG))
    mutate("dilation-2^62", lambda p: J(p).dilations.__setitem__(0, BIG))
    mutate("pads-huge", lambda p: J(p).pads.__setitem__(0, BIG))
    mutate("input-pool-zero", lambda p: J(p).input_pool.extend([0, 0]))
    mutate("weight-shape-overflow", lambda p: J(p).weight_shape.__setitem__(2, 2 ** 40))
    mutate("readout-not-last", lambda p: setattr(p, "readout", 1))
    mutate("lanes-zero", lambda p: setattr(p, "lanes", 0))
    mutate("lanes-2^40", lambda p: setattr(p, "lanes", 2 ** 40))
    mutate("no-projections", lambda p: p.ClearField("projections"))
    mutate("no-populations", lambda p: p.ClearField("populations"))
    # Not hostile: a placement the engines never read.
    mutate("placement-odd", lambda p: p.placements.add(object="x", memory="y",
                                                       offset_bits=-1, size_bits=BIG),
           expect="any")
    raw = bytearray(good.SerializeToString())
    pos = raw.find(good.populations[lif].name.encode())
    raw[pos] = 0xff  # invalid UTF-8 in a proto3 string
    c.package_runs("pkg_hostile", "name-invalid-utf8",
                   c.write("pkg_hostile", "name-invalid-utf8.snnpkg", seal(bytes(raw), data)))


# --- .npy -----------------------------------------------------------------

def npy_bytes(header, body=b"", version=b"\x01\x00"):
    text = header + " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY" + version + struct.pack("<H", len(text)) + text.encode() + body


def npy_header(c, rng):
    data = np.zeros((3, 1, 8, 8), np.float32).tobytes()
    good = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 1, 8, 8), }"
    cases = {
        "magic": b"\x93NUMPZ\x01\x00" + npy_bytes(good, data)[8:],
        "version-9": npy_bytes(good, data, b"\x09\x00"),
        "header-len-huge": b"\x93NUMPY\x01\x00\xff\xff" + b"{" * 10,
        "header-not-dict": npy_bytes("[1, 2, 3]", data),
        "header-no-shape": npy_bytes("{'descr': '<f4', 'fortran_order': False, }", data),
        "header-no-descr": npy_bytes("{'fortran_order': False, 'shape': (3, 1, 8, 8), }", data),
        "shape-negative": npy_bytes(good.replace("(3,", "(-3,"), data),
        "shape-float": npy_bytes(good.replace("(3,", "(3.5,"), data),
        "shape-string": npy_bytes(good.replace("(3,", "('a',"), data),
        "shape-huge-digits": npy_bytes(good.replace("(3,", "(" + "9" * 40 + ","), data),
        "fortran-yes": npy_bytes(good.replace("False", "True"), data),
        "fortran-junk": npy_bytes(good.replace("False", "Maybe"), data),
        "descr-object": npy_bytes(good.replace("<f4", "|O"), data),
        "descr-struct": npy_bytes(good.replace("'<f4'", "[('a', '<f4')]"), data),
        "unterminated": npy_bytes(good[:-3], data),
        "empty": b"",
        "header-only": npy_bytes(good),
    }
    for tag, blob in cases.items():
        c.npy_runs("npy_header", tag, c.write("npy_header", tag + ".npy", blob))


def npy_shape(c, rng):
    for tag, shape in (("overflow-4d", "(288230376151711744, 1, 8, 8)"),
                       ("overflow-product", "(4294967296, 4294967296, 1, 1)"),
                       ("2^31-samples", "(2147483648, 1, 8, 8)"),
                       ("zero-samples", "(0, 1, 8, 8)"), ("rank-0", "()"),
                       ("rank-9", "(1, 1, 1, 1, 1, 1, 1, 8, 8)")):
        header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % shape
        c.npy_runs("npy_shape", tag, c.write("npy_shape", tag + ".npy", npy_bytes(header)))


def npy_data(c, rng):
    x = rng.random((3, 1, 8, 8), dtype=np.float32)
    for dtype in ("<f8", ">f4", "<i4", "|u1", "<f2"):
        path = c.path("npy_data", "dtype-%s.npy" % dtype.replace("<", "le").replace(">", "be").replace("|", ""))
        np.save(path, x.astype(dtype))
        c.npy_runs("npy_data", "dtype " + dtype, path)
    good = open(c.x8, "rb").read()
    for tag, blob in (("truncated", good[:-1]), ("trailing", good + b"\x00" * 4),
                      ("half", good[: len(good) // 2])):
        c.npy_runs("npy_data", tag, c.write("npy_data", tag + ".npy", blob))


def npy_nonfinite(c, rng):
    for tag, value in (("nan", np.nan), ("inf", np.inf), ("-inf", -np.inf), ("max", 3.4e38)):
        x = rng.random((3, 1, 8, 8), dtype=np.float32)
        x[1, 0, 2, 3] = value
        path = c.path("npy_nonfinite", tag + ".npy")
        np.save(path, x)
        c.npy_runs("npy_nonfinite", tag, path, expect="any" if tag == "max" else "fail")


# --- IDX and gzip ---------------------------------------------------------

def idx(dims, body):
    return b"\x00\x00\x08" + bytes([len(dims)]) + struct.pack(">%dI" % len(dims), *dims) + body


def idx_header(c, rng):
    cases = {"magic": b"\x01\x00\x08\x03" + idx([3, 8, 8], bytes(192))[4:],
             "type-float": b"\x00\x00\x0d\x03" + idx([3, 8, 8], bytes(192))[4:],
             "ndim-0": b"\x00\x00\x08\x00",
             "ndim-255": b"\x00\x00\x08\xff" + b"\x00" * 16,
             "dims-overflow": idx([0xFFFFFFFF] * 3, b""),
             "dims-mismatch": idx([3, 8, 8], bytes(100)),
             "trailing": idx([3, 8, 8], bytes(200)),
             "rank-2-images": idx([3, 64], bytes(192)),
             "short": b"\x00\x00"}
    for tag, blob in cases.items():
        c.dataset_runs("idx_header", tag, c.write("idx_header", tag + ".idx", blob))


def gzip_streams(c, rng):
    good = gzip.compress(idx([3, 8, 8], bytes(range(192))))
    bomb_body = gzip.compress(b"\x00" * (64 << 20), 9)
    cases = {"truncated": good[: len(good) // 2],
             "crc": good[:-8] + b"\x00" * 8,
             "flipped": good[:20] + bytes([good[20] ^ 0x40]) + good[21:],
             # A header promising 3 images followed by 64 MiB of zeros.
             "bomb-trailing": gzip.compress(idx([3, 8, 8], b"\x00" * (64 << 20)), 9),
             # A header promising 2^32 x 2^16 images: refused before inflating.
             "bomb-promise": gzip.compress(idx([0xFFFFFFFF, 256, 256], b"\x00" * (1 << 20)), 9),
             "not-idx": bomb_body,
             "concatenated": good + good,
             "empty-stream": gzip.compress(b"")}
    for tag, blob in cases.items():
        c.dataset_runs("gzip", tag, c.write("gzip", tag + ".gz", blob))


def labels(c, rng):
    for tag, arr in (("float", np.zeros(3, np.float32)), ("count-2", np.zeros(2, np.int64)),
                     ("rank-2", np.zeros((3, 1), np.int64)),
                     ("negative", np.array([-1, -2 ** 62, 2 ** 62], np.int64)),
                     ("uint64", np.zeros(3, np.uint64))):
        path = c.path("labels", tag + ".npy")
        np.save(path, arr)
        c.run("labels", tag, ["eval", c.good_pkg, "--engine", "golden", "--images", c.x8,
                              "--labels", path], [], "any" if tag == "negative" else "fail")


# --- special files and command lines ----------------------------------------

def special_files(c, rng):
    folder = c.path("special_files", "")
    fifo = os.path.join(folder, "fifo.onnx")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    for ext in ("onnx", "snnpkg", "npy", "gz", "mlir"):
        d = os.path.join(folder, "directory." + ext)
        os.makedirs(d, exist_ok=True)
        z = os.path.join(folder, "zero." + ext)
        if not os.path.lexists(z):
            os.symlink("/dev/zero", z)
        f = os.path.join(folder, "fifo." + ext)
        if not os.path.exists(f):
            os.mkfifo(f)
        for tag, path in (("directory", d), ("dev-zero", z), ("fifo", f)):
            case = "%s.%s" % (tag, ext)
            if ext in ("onnx", "mlir"):
                c.model_runs("special_files", case, path, expect="fail", float_too=False)
            elif ext == "snnpkg":
                c.package_runs("special_files", case, path)
            elif ext == "npy":
                c.npy_runs("special_files", case, path)
            else:
                c.dataset_runs("special_files", case, path)


def cli(c, rng):
    m, x, pkg = c.good_onnx, c.x8, c.good_pkg
    y = lambda: c.out_file("y.npy")  # noqa: E731
    cases = {
        "no-args": [], "unknown-command": ["frobnicate"], "unknown-option": ["run", m, "--frob"],
        "missing-model": ["compile"], "two-models": ["import", m, m],
        "run-no-input": ["run", m, "-o", y()], "run-no-output": ["run", m, "--input", x],
        "engine-warp": ["run", m, "--input", x, "-o", y(), "--engine", "warp"],
        "timesteps-abc": ["run", m, "--input", x, "-o", y(), "--timesteps", "abc"],
        "timesteps-negative": ["run", m, "--input", x, "-o", y(), "--timesteps", "-3"],
        "timesteps-2^62": ["run", m, "--engine", "golden", "--input", x, "-o", y(),
                           "--timesteps", str(2 ** 62)],
        "timesteps-overflow": ["run", m, "--input", x, "-o", y(), "--timesteps", "9" * 30],
        "weight-bits-1": ["compile", m, "-o", c.out_file("c.snnpkg"), "--weight-bits", "1"],
        "weight-bits-huge": ["compile", m, "-o", c.out_file("c.snnpkg"), "--weight-bits", str(2 ** 40)],
        "state-bits-0": ["compile", m, "-o", c.out_file("c.snnpkg"), "--state-bits", "0"],
        "state-bits-99": ["compile", m, "-o", c.out_file("c.snnpkg"), "--state-bits", "99"],
        "input-range-nan": ["compile", m, "-o", c.out_file("c.snnpkg"), "--input-range", "nan,1"],
        "input-range-one": ["compile", m, "-o", c.out_file("c.snnpkg"), "--input-range", "1"],
        "target-bogus": ["compile", m, "-o", c.out_file("c.snnpkg"), "--target", "loihi"],
        "lanes-3": ["run", m, "--engine", "rtl", "--input", x, "-o", y(), "--lanes", "3"],
        "lanes-without-rtl": ["run", m, "--input", x, "-o", y(), "--lanes", "2"],
        "device-without-board": ["run", m, "--input", x, "-o", y(), "--device", "/dev/null"],
        "board-not-serial": ["run", pkg, "--engine", "board", "--device", "/dev/null",
                             "--input", x, "-o", y()],
        "limit-negative": ["eval", m, "--images", x, "--labels", c.labels3, "--limit", "-1"],
        "max-memory-junk": ["run", m, "--input", x, "-o", y(), "--max-memory", "lots"],
        "max-memory-tiny": ["run", m, "--engine", "golden", "--input", x, "-o", y(),
                            "--max-memory", "1K"],
        "stats-float": ["run", m, "--input", x, "-o", y(), "--stats", c.out_file("s.json")],
        "output-is-directory": ["run", m, "--engine", "golden", "--input", x, "-o", c.out],
        "output-in-missing-dir": ["compile", m, "-o", os.path.join(c.out, "nope", "c.snnpkg")],
        "core-missing": ["run", m, "--engine", "rtl", "--input", x, "-o", y(),
                         "--core", "/nonexistent/core.json"],
        "fault-rate-2": ["board-sim", c.out, "--fault-rate", "2"],
        "flash-missing": ["flash", os.path.join(c.out, "nope")],
        "bitstream-bad-board": ["bitstream", m, "--board", "nope", "-o", c.out_file("bit")],
        "float-package": ["run", pkg, "--input", x, "-o", y()],
    }
    for tag, args in cases.items():
        outputs = [a for a in args if a.startswith(os.path.join(c.out, "runs"))]
        c.run("cli", tag, args, outputs, "fail")


GENERATORS_INPUTS = [pkg_corrupt, pkg_hostile, npy_header, npy_shape, npy_data,
                     npy_nonfinite, idx_header, gzip_streams, labels, special_files, cli]
