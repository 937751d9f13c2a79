"""Hostile inputs of the hardware commands (emit-verilog, bitstream,
board-sim): output directories snnc did not write, or whose manifest lies;
paths that hold shell and Verilog syntax; core descriptions whose bus
regions overflow the address's word field; fault rates that are not
numbers.  Each is one snnc command that must end in one "snnc: error:"
line before any tool runs, or exit 0 where it is valid (a hostile path is
only a name).  flash is left out: the corpus never programs a board."""
import json
import os
import subprocess

CLS = "hw"


def emit(c, directory, *extra):
    subprocess.run([c.snnc, "emit-verilog", c.good_pkg, "-o", directory, *extra],
                   check=True, stdout=subprocess.DEVNULL)


def edit_json(path, change):
    with open(path) as f:
        value = json.load(f)
    change(value)
    with open(path, "w") as f:
        json.dump(value, f)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def output_directories(c, rng):
    base = os.path.join(c.out, CLS)
    m = c.good_onnx
    # The user's files, an snn_top.sv among them (emit-verilog deleted them).
    user = os.path.join(base, "user")
    write(os.path.join(user, "snn_top.sv"), "// mine\n")
    write(os.path.join(user, "notes.txt"), "mine\n")
    c.run(CLS, "emit-over-user-files", ["emit-verilog", m, "-o", user],
          [os.path.join(user, "load.txt")], "fail")
    # A user's Makefile and rtl/ (bitstream overwrote them).
    proj = os.path.join(base, "Bob's board", "proj';touch PWNED;'")
    write(os.path.join(proj, "Makefile"), "all:\n")
    write(os.path.join(proj, "rtl", "snn_core.sv"), "// mine\n")
    c.run(CLS, "bitstream-over-user-files",
          ["bitstream", m, "--board", "icebreaker", "-o", proj],
          [os.path.join(proj, "snn.bin")], "fail")
    # snnc's directories whose manifest lies or is no longer the truth.
    lies = {
        "manifest-escapes": lambda v: v["files"].append("../../victim"),
        "manifest-absolute": lambda v: v["files"].append("/etc/passwd"),
        "manifest-not-json": None,
        "manifest-files-not-strings": lambda v: v.update(files=[1, 2]),
        "manifest-deep": None,
        "manifest-of-bitstream": lambda v: v.update(command="bitstream"),
    }
    for tag, change in lies.items():
        d = os.path.join(base, tag)
        emit(c, d)
        manifest = os.path.join(d, ".snnc-manifest")
        if tag == "manifest-not-json":
            write(manifest, "{\"command\": \"emit-verilog\", \"files\": [")
        elif tag == "manifest-deep":
            write(manifest, "[" * 100000)
        else:
            edit_json(manifest, change)
        c.run(CLS, tag, ["emit-verilog", m, "-o", d], [], "fail")
    # A file snnc writes that its manifest does not list.
    clash = os.path.join(base, "clash")
    emit(c, clash)
    edit_json(os.path.join(clash, ".snnc-manifest"),
              lambda v: v["files"].remove("load.txt"))
    c.run(CLS, "file-not-in-manifest", ["emit-verilog", m, "-o", clash], [], "fail")
    c.run(CLS, "bitstream-file-not-in-manifest",
          ["bitstream", m, "--board", "icebreaker", "-o", clash],
          [os.path.join(clash, "snn.bin")], "fail")
    # The output is a file.
    c.run(CLS, "output-is-a-file", ["emit-verilog", m, "-o", c.x8], [], "fail")


def hostile_names(c, rng):
    base = os.path.join(c.out, CLS)
    # A package under a directory whose name holds a newline and Verilog:
    # only escaped in the generated comments, a valid run.
    d = os.path.join(base, "e\ninitial $system(\"touch PWNED\");")
    os.makedirs(d, exist_ok=True)
    pkg = os.path.join(d, "m.snnpkg")
    with open(c.good_pkg, "rb") as src, open(pkg, "wb") as dst:
        dst.write(src.read())
    out = c.out_file("core")
    c.run(CLS, "package-path-with-verilog", ["emit-verilog", d + "//m.snnpkg", "-o", out],
          [os.path.join(out, "snn_top.sv")], "any")
    # Output directories named like shell commands: names, nothing more.
    for tag, name in {"output-dollar": "d$(touch PWNED)",
                      "output-quotes": "out';touch PWNED;'",
                      "output-backquote": "b`touch PWNED`"}.items():
        out = c.out_file(name)
        c.run(CLS, tag, ["emit-verilog", c.good_pkg, "-o", out],
              [os.path.join(out, "Makefile")], "any")


def core_descriptions(c, rng):
    base = os.path.join(c.out, CLS)
    core = os.path.join(base, "core")
    emit(c, core, "--lanes", "8")
    changes = {
        "core-pops-projs-1e7": dict(MaxPops=10 ** 7, MaxProjs=10 ** 7),
        "core-projs-65537": dict(MaxProjs=65537),
        "core-weights-160M": dict(WeightDepth=160000000),
        "core-events-2e20-plus-1": dict(EventDepth=2 ** 20 + 1),
        "core-readout-over-region": dict(ReadoutWords=2 ** 17 + 1),
        "core-row-taps-2e62": dict(RowTapDepth=2 ** 62),
        "core-pops-zero": dict(MaxPops=0),
        "core-param-negative": dict(ParamDepth=-1),
    }
    for tag, change in changes.items():
        path = os.path.join(base, tag + ".json")
        with open(os.path.join(core, "core.json")) as f:
            value = json.load(f)
        value.update(change)
        with open(path, "w") as f:
            json.dump(value, f)
        out = c.out_file("core")
        c.run(CLS, tag, ["emit-verilog", c.good_pkg, "--core", path, "-o", out],
              [os.path.join(out, "snn_top.sv")], "fail")
        c.run(CLS, tag, ["sim", c.good_pkg, "--core", path, "--input", c.x8], [], "fail")


def fault_rates(c, rng):
    core = os.path.join(c.out, CLS, "core")
    for rate in ("nan", "-nan", "inf", "-inf", "1", "-0.5"):
        c.run(CLS, "fault-rate-" + rate, ["board-sim", core, "--fault-rate", rate], [], "fail")


GENERATORS = [output_directories, hostile_names, core_descriptions, fault_rates]
