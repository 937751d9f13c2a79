"""Hostile NIR files from a hostile-input campaign on the NIR reader: each
builder writes one at PATH, from the import tests' MLP (test_nir.mlp, Input
12 -> Affine -> LIF -> Affine -> Output, dt in its metadata so that every
command reaches the graph).  Used by test_nir.py (exact messages, time and
memory), tests/malformed/cases_nir.py (the corpus) and, for the small ones,
tests/fuzz/regressions/nir/ (written by `nir_hostile.py DIR`).

A dataset that was never written costs no bytes on disk whatever its
dataspace says: a 47 KB file can describe gigabytes.
"""

import sys

import h5py
import numpy as np

import nirfile

DT = 1e-3
NEVER_WRITTEN = 1 << 26  # elements: 512 MiB as float64, nothing on disk


def mlp(path, change=None):
    """Writes the MLP; change(nodes, edges) may edit it (and return new
    edges)."""
    import test_nir  # here: test_nir imports this module
    nodes, edges = test_nir.mlp(np.random.default_rng(0))
    if change:
        edges = change(nodes, edges) or edges
    nirfile.write(path, nodes, edges, metadata={"dt": DT})
    return path


def unknown_members(path, count=8):
    """fc1 gains `count` never-written 2^26-element datasets under names no
    node type has: nothing of them may be read."""
    mlp(path)
    with h5py.File(path, "a") as f:
        for i in range(count):
            f["node/nodes/fc1"].create_dataset("junk%d" % i, shape=(NEVER_WRITTEN,),
                                               dtype="f8", chunks=(1 << 16,))
    return path


def unwritten_weight(path):
    """fc1's weight: a never-written 8192 x 8192 matrix (a known name)."""
    mlp(path)
    with h5py.File(path, "a") as f:
        del f["node/nodes/fc1/weight"]
        f["node/nodes/fc1"].create_dataset("weight", shape=(8192, 8192), dtype="f8",
                                           chunks=(1024, 1024))
    return path


def huge_chunk(path):
    """fc1's bias: 10 values in one compressed chunk of 2^25 float32 (128
    MiB): HDF5 reads the whole chunk to give the 10."""
    mlp(path)
    with h5py.File(path, "a") as f:
        bias = f["node/nodes/fc1/bias"][...]
        del f["node/nodes/fc1/bias"]
        f["node/nodes/fc1"].create_dataset("bias", data=bias, maxshape=(None,),
                                           chunks=(1 << 25,), compression="gzip")
    return path


def hard_links(path, group="node/nodes/fc1", count=100000):
    """`count` hard links to one of the group's datasets (or groups)."""
    mlp(path)
    with h5py.File(path, "a") as f:
        g = f[group]
        target = g["fc2"] if "fc2" in g else g["bias"]
        for i in range(count):
            g["l%06d" % i] = target
    return path


def duplicate_edge(path):
    return mlp(path, lambda n, e: e + [("fc1", "lif1")])


def renamed(path, names, change=None):
    """The MLP with its nodes renamed ({old: new})."""
    def apply(nodes, edges):
        for old, new in names.items():
            nodes[new] = nodes.pop(old)
        edges = [(names.get(a, a), names.get(b, b)) for a, b in edges]
        return (change(nodes, edges) if change else None) or edges
    return mlp(path, apply)


CONTROL = "fc\x01\x1b[31m\x7f\\x"  # \x01, an ANSI escape, DEL, a backslash


def control_names(path):
    """fc2 renamed with control characters, and given a wrong weight so that
    the message names it."""
    def bad_weight(nodes, edges):
        nodes[CONTROL]["weight"] = np.ones((3, 7), np.float32)
    return renamed(path, {"fc2": CONTROL}, bad_weight)


def input_output_names(path):
    """Hidden nodes named "input" and "output", the Input and Output named
    otherwise: a valid graph."""
    return renamed(path, {"input": "x", "fc1": "input", "output": "y",
                          "lif1": "output"})


def spiking_readout(path):
    """The Output (named "out") reads the LIF's spikes: a firing-rate
    readout."""
    def drop_fc2(nodes, edges):
        del nodes["fc2"]
        return [(a, b) for a, b in edges if "fc2" not in (a, b)] + [("lif1", "out")]
    return renamed(path, {"input": "in", "output": "out"}, drop_fc2)


def vlen_fill_edges(path, width=60000, rows=100000):
    """'edges': never written, `rows` x 2 strings whose fill value is a
    `width`-byte string."""
    mlp(path)
    with h5py.File(path, "a") as f:
        del f["node/edges"]
        f["node"].create_dataset("edges", shape=(rows, 2), dtype=h5py.string_dtype(),
                                 fillvalue=b"x" * width)
    return path


def long_type(path):
    """A node's type: one string of 5,000 bytes."""
    mlp(path)
    with h5py.File(path, "a") as f:
        del f["node/nodes/fc1/type"]
        f["node/nodes/fc1"].create_dataset("type", data="A" * 5000,
                                           dtype=h5py.string_dtype())
    return path


def long_shape(path):
    """The Input's shape: 1,000 values, more than any shape has."""
    def grow(nodes, edges):
        nodes["input"]["shape"] = np.ones(1000, np.int64)
    return mlp(path, grow)


# The small ones, for the NIR fuzzer's regression inputs (< 100 KB each).
REGRESSIONS = {
    "unknown-members-never-written.nir": unknown_members,
    "weight-never-written.nir": unwritten_weight,
    "duplicate-edge.nir": duplicate_edge,
    "control-characters-in-names.nir": control_names,
    "nodes-named-input-output.nir": input_output_names,
    "edges-vlen-fill-value.nir": lambda path: vlen_fill_edges(path, width=4000),
    "type-longer-than-4096.nir": long_type,
}

if __name__ == "__main__":
    import os
    for name, build in REGRESSIONS.items():
        build(os.path.join(sys.argv[1], name))
