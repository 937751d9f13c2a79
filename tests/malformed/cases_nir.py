"""The NIR reader's hostile-input campaign: the files of
tests/python/nir_hostile.py (never-written gigabyte datasets, 100,000
hard links, duplicate edges, control characters and "input"/"output" as
node names) through every command that reads a NIR graph.  Where a case is
about memory, the runs say --max-memory 100M.  test_nir.py pins their
messages, time and peak memory; here each must end cleanly."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import nir_hostile  # noqa: E402

CLS = "nir_hostile"
MEMORY = ("--max-memory", "100M")


def nir_runs(c, case, path, expect, extra=()):
    """compile, the golden and the float engine, on the MLP's 12 inputs."""
    extra = list(extra)
    pkg = c.out_file("c.snnpkg")
    c.run(CLS, case, ["compile", path, "-o", pkg] + extra, [pkg], expect)
    for engine in ("golden", "float"):
        y = c.out_file("y.npy")
        c.run(CLS, case, ["run", path, "--engine", engine, "--timesteps", "4",
                          "--input", c.x12, "-o", y] + extra, [y], expect)


def nir_hostile_files(c, rng):
    c.x12 = c.path(CLS, "x12.npy")
    np.save(c.x12, rng.random((3, 12), dtype=np.float32))
    H = nir_hostile
    cases = [
        # (case, builder, expect, extra)
        ("unknown-members-never-written", H.unknown_members, "any", MEMORY),
        ("weight-never-written", H.unwritten_weight, "fail", MEMORY),
        ("bias-in-a-128MiB-chunk", H.huge_chunk, "fail", MEMORY),
        ("edges-vlen-fill-4000-bytes",
         lambda p: H.vlen_fill_edges(p, width=4000), "fail", MEMORY),
        ("edges-vlen-fill-60000-bytes", H.vlen_fill_edges, "fail", ()),
        ("type-5000-bytes", H.long_type, "fail", ()),
        ("input-shape-1000-values", H.long_shape, "fail", ()),
        ("node-with-100000-hard-links", H.hard_links, "any", ()),
        ("graph-with-100000-node-links",
         lambda p: H.hard_links(p, group="node/nodes"), "fail", ()),
        ("duplicate-edge", H.duplicate_edge, "fail", ()),
        ("control-characters-bad-weight", H.control_names, "fail", ()),
        ("control-characters-valid",
         lambda p: H.renamed(p, {"fc2": H.CONTROL}), "any", ()),
        ("nodes-named-input-output", H.input_output_names, "any", ()),
        # A valid graph: an Output of spikes reads out their firing rate.
        ("spiking-readout-named-out", H.spiking_readout, "any", ()),
    ]
    for case, build, expect, extra in cases:
        path = build(c.path(CLS, case + ".nir"))
        nir_runs(c, case, path, expect, extra)


GENERATORS = [nir_hostile_files]
