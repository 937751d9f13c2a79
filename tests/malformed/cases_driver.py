"""Hostile command lines and the models that go with them (the driver's
campaign): radix-guessing integers, repeated options, loose sizes and
counts, times that overflow deadlines, one file named by two outputs,
control characters in paths and node names, a model whose work per sample
is hours, and one whose scores overflow float.  Each is one snnc command
that must end in one "snnc: error:" line, or exit 0 where it is valid."""
import os

from onnx import TensorProto, helper

CLS = "cli_driver"


def model(nodes, inputs, outputs, initializers, timesteps=None):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializers)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13),
                                            helper.make_opsetid("snn", 1)])
    if timesteps:
        m.metadata_props.add(key="snn.timesteps", value=str(timesteps))
    return m.SerializeToString()


def option_cases(c, rng):
    m, x = c.good_onnx, c.x8
    names = iter(range(1000))
    # A file of its own for each case (out_file numbers by runs so far).
    y = lambda: c.out_file("y%d.npy" % next(names))  # noqa: E731
    board = ["--engine", "board", "--device", "/dev/null"]
    fail = {
        "timesteps-hex": ["run", m, "--input", x, "-o", y(), "--timesteps", "0x10"],
        "timesteps-exponent": ["run", m, "--input", x, "-o", y(), "--timesteps", "1e3"],
        "timesteps-repeated": ["run", m, "--input", x, "-o", y(), "--timesteps", "4",
                               "--timesteps", "8"],
        "output-repeated": ["run", m, "--input", x, "-o", y(), "-o", y()],
        "seed-negative": ["board-sim", c.out, "--seed", "-1"],
        "max-memory-17E": ["run", m, "--input", x, "-o", y(), "--max-memory", "17E"],
        "max-memory-half-byte": ["run", m, "--input", x, "-o", y(), "--max-memory", "0.5"],
        "max-memory-overflow": ["run", m, "--input", x, "-o", y(), "--max-memory", "99999999T"],
        "max-memory-exponent": ["run", m, "--input", x, "-o", y(), "--max-memory", "1e9"],
        "max-ops-junk": ["run", m, "--input", x, "-o", y(), "--max-ops", "lots"],
        "max-ops-fraction": ["run", m, "--input", x, "-o", y(), "--max-ops", "1e-3"],
        "max-ops-overflow": ["run", m, "--input", x, "-o", y(), "--max-ops", "1e30"],
        "max-ops-tiny": ["run", m, "--engine", "golden", "--input", x, "-o", y(),
                         "--max-ops", "10"],
        "link-timeout-int64-max": ["run", m] + board + ["--input", x, "-o", y(),
                                   "--link-timeout", str(2 ** 63 - 1)],
        "link-timeout-zero": ["run", m] + board + ["--input", x, "-o", y(),
                              "--link-timeout", "0"],
        "baud-huge": ["run", m] + board + ["--input", x, "-o", y(), "--baud", str(2 ** 62)],
        "cycle-budget-max": ["sim", m, "--input", x, "--cycle-budget", str(2 ** 64 - 1)],
        "threads-huge": ["run", m, "--engine", "golden", "--input", x, "-o", y(),
                         "--threads", "1000000"],
        "reset-after-negative": ["board-sim", c.out, "--reset-after-frames", "-5"],
    }
    for tag, args in fail.items():
        outputs = [a for a in args if a.startswith(os.path.join(c.out, "runs"))]
        c.run(CLS, tag, args, outputs, "fail")
    # "010" is ten in decimal, no longer octal eight: a valid run.
    out, stats = y(), c.out_file("s.json")
    c.run(CLS, "timesteps-leading-zero", ["run", m, "--engine", "golden", "--input", x,
                                          "-o", out, "--timesteps", "010", "--stats", stats],
          [out, stats], "any")


def output_cases(c, rng):
    m, x = c.good_onnx, c.x8
    y, pkg = c.out_file("same-y.npy"), c.out_file("same-c.snnpkg")
    same = {
        "stats-is-output": ["run", m, "--engine", "golden", "--input", x, "-o", y,
                            "--stats", y],
        "stats-is-output-dotted": ["run", m, "--engine", "golden", "--input", x, "-o", y,
                                   "--stats", os.path.join(os.path.dirname(y), "..",
                                                           "runs", os.path.basename(y))],
        "vcd-is-output": ["sim", m, "--input", x, "-o", y, "--vcd", y],
        "report-is-package": ["compile", m, "-o", pkg, "--report", pkg],
    }
    for tag, args in same.items():
        outputs = [a for a in args if a.startswith(os.path.join(c.out, "runs"))]
        c.run(CLS, tag, args, sorted(set(outputs)), "fail")


def escape_cases(c, rng):
    """Paths and node names that would forge a second error line or drive
    the terminal; the error must stay one line."""
    for tag, name in (("path-newline", "a\nsnnc: error: forged.onnx"),
                      ("path-escape", "b\x1b[2J\x1b[31m.onnx"),
                      ("path-cr", "c\r\x7f\x08.onnx"),
                      ("path-line-separator", "d\u2028e\u202e.onnx")):
        c.run(CLS, tag, ["import", os.path.join(c.out, "runs", name)], [], "fail")
    w = helper.make_tensor("w", TensorProto.FLOAT, [3, 4], [1.0] * 12)
    node = helper.make_node("Gemm", ["x", "w"], ["y"], transB=2,
                            name="fc\nsnnc: error: forged\x1b[2J\r")
    path = c.write(CLS, "node-name-escape.onnx", model(
        [node], [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])], [w]))
    out = c.out_file("m.mlir")
    c.run(CLS, "node-name-escape", ["import", path, "-o", out], [out], "fail")


def work_and_overflow_cases(c, rng):
    # A 1x1 convolution padded by 1,024: 4.2 M neurons, 8.5e11 operations a
    # sample at T = 100,000 (hours), refused by the work bound (golden) or
    # the memory bound (float) before the first step.
    w = helper.make_tensor("w", TensorProto.FLOAT, [1, 1, 1, 1], [1.0])
    w2 = helper.make_tensor("w2", TensorProto.FLOAT, [2, 1], [1.0, -1.0])
    wide = c.write(CLS, "work-pads-1024.onnx", model(
        [helper.make_node("Conv", ["x", "w"], ["c"], name="wide", pads=[1024] * 4),
         helper.make_node("LIF", ["c"], ["s"], domain="snn", name="lif",
                          v_threshold=0.5, decay=0.5),
         helper.make_node("GlobalAveragePool", ["s"], ["p"], name="gap"),
         helper.make_node("Flatten", ["p"], ["f"], name="flat"),
         helper.make_node("Gemm", ["f", "w2"], ["y"], name="fc", transB=1)],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [w, w2],
        timesteps=100000))
    for engine in ("golden", "float"):
        y, stats = c.out_file("y.npy"), c.out_file("s.json")
        args = ["run", wide, "--engine", engine, "--input", c.x8, "-o", y]
        outputs = [y]
        if engine == "golden":
            args += ["--stats", stats]
            outputs.append(stats)
        c.run(CLS, "work-pads-1024-" + engine, args, outputs, "fail")
    c.run(CLS, "work-pads-1024-eval", ["eval", wide, "--engine", "golden", "--images",
                                       c.x8, "--labels", c.labels3], [], "fail")
    # Every weight 3e38: the readout sums past float's largest value, inf in
    # both engines.
    big = 3.0e38
    w = helper.make_tensor("w", TensorProto.FLOAT, [8, 64], [big] * 512)
    w2 = helper.make_tensor("w2", TensorProto.FLOAT, [3, 8], [big] * 24)
    huge = c.write(CLS, "weights-near-float-max.onnx", model(
        [helper.make_node("Flatten", ["x"], ["f"], name="flat"),
         helper.make_node("Gemm", ["f", "w"], ["a"], name="fc1", transB=1),
         helper.make_node("LIF", ["a"], ["s"], domain="snn", name="lif",
                          v_threshold=1.0, decay=0.5),
         helper.make_node("Gemm", ["s", "w2"], ["y"], name="fc2", transB=1)],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])], [w, w2],
        timesteps=4))
    for engine in ("golden", "float"):
        y = c.out_file("y.npy")
        c.run(CLS, "weights-near-float-max-" + engine,
              ["run", huge, "--engine", engine, "--input", c.x8, "-o", y], [y], "fail")
    report = c.out_file("c.json")
    c.run(CLS, "weights-near-float-max-compare",
          ["compare", huge, "--input", c.x8, "--report", report], [report], "fail")


GENERATORS = [option_cases, output_cases, escape_cases, work_and_overflow_cases]
