"""Writes the odd and broken input files of the tools tests into a folder.

    make_inputs.py DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
models = os.path.join(os.path.dirname(__file__), "..", "models")


def save(name, array):
    np.save(os.path.join(out, name), array)


rng = np.random.default_rng(0)
save("x8.npy", rng.random((3, 1, 8, 8), dtype=np.float32))
save("x8-f64.npy", rng.random((3, 1, 8, 8)))
save("x7.npy", rng.random((3, 1, 7, 7), dtype=np.float32))
save("x8-fortran.npy", np.asfortranarray(rng.random((3, 1, 8, 8), dtype=np.float32)))
save("labels3.npy", np.array([0, 1, 2], dtype=np.int64))
save("labels2.npy", np.array([0, 1], dtype=np.int64))
save("labels-f32.npy", np.array([0, 1, 2], dtype=np.float32))
good = open(os.path.join(out, "x8.npy"), "rb").read()
open(os.path.join(out, "x8-truncated.npy"), "wb").write(good[:-100])
open(os.path.join(out, "not-npy.npy"), "wb").write(b"hello, world\n" * 10)


def npy_header_only(name, descr, shape):
    """A .npy header claiming `shape`, with no data behind it."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(os.path.join(out, name), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())


# Shape products that overflow int64 (issue 13): refused before allocating.
npy_header_only("huge-shape.npy", "<f4", "(288230376151711744, 1, 8, 8)")
npy_header_only("huge-labels.npy", "<i8", "(2305843009213693952,)")
# A truncated gzip stream (its error message was read after gzclose freed
# it) and a directory given as a data file.
import gzip  # noqa: E402
blob = gzip.compress(b"\x00\x00\x08\x03" + np.array([20, 28, 28], ">u4").tobytes()
                     + bytes(rng.integers(0, 256, 20 * 28 * 28, dtype=np.uint8)))
open(os.path.join(out, "truncated-idx.gz"), "wb").write(blob[: len(blob) // 2])
os.makedirs(os.path.join(out, "a-directory.gz"), exist_ok=True)
os.makedirs(os.path.join(out, "a-directory.npy"), exist_ok=True)

model = open(os.path.join(models, "conv_pool_negscale.onnx"), "rb").read()
open(os.path.join(out, "truncated.onnx"), "wb").write(model[: len(model) // 2])
open(os.path.join(out, "garbage.onnx"), "wb").write(bytes(rng.integers(0, 256, 4096, dtype=np.uint8)))
open(os.path.join(out, "model.txt"), "wb").write(model)


def tiny_model(name, weights, extra_nodes=(), initializers=()):
    """x[N,4] -> Gemm -> LIF -> Gemm, with `weights` as the first weight."""
    w = helper.make_tensor("w", TensorProto.FLOAT, [3, 4], weights)
    w2 = helper.make_tensor("w2", TensorProto.FLOAT, [2, 3], [1.0] * 6)
    nodes = [helper.make_node("Gemm", ["x", "w"], ["c"], name="fc1", transB=1),
             helper.make_node("LIF", ["c"], ["s"], name="lif1", domain="snn",
                              v_threshold=0.5, decay=0.5),
             helper.make_node("Gemm", ["s", "w2"], ["y"], name="fc2", transB=1)]
    graph = helper.make_graph(
        nodes + list(extra_nodes), "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
        [w, w2, *initializers])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                helper.make_opsetid("snn", 1)])
    onnx.save(m, os.path.join(out, name))


tiny_model("nan.onnx", [float("nan")] + [1.0] * 11)
tiny_model("inf.onnx", [1.0] * 11 + [float("inf")])
tiny_model("good-named.onnx", [1.0] * 12)
# A model whose first weight is declared float64.
m = onnx.load(os.path.join(out, "good-named.onnx"))
m.graph.initializer[0].data_type = TensorProto.DOUBLE
onnx.save(m, os.path.join(out, "double.onnx"))
m = onnx.load(os.path.join(out, "good-named.onnx"))
m.metadata_props.add(key="snn.timesteps", value="0")
onnx.save(m, os.path.join(out, "bad-timesteps.onnx"))
m = onnx.load(os.path.join(out, "good-named.onnx"))
m.metadata_props.add(key="snn.input_encoding", value="rate")
onnx.save(m, os.path.join(out, "bad-encoding.onnx"))
m = onnx.load(os.path.join(out, "good-named.onnx"))
m.graph.node[1].attribute[0].f = float("nan")  # decay (attributes are sorted)
onnx.save(m, os.path.join(out, "nan-threshold.onnx"))
save("x4.npy", rng.random((5, 4), dtype=np.float32))
nan_input = rng.random((3, 1, 8, 8), dtype=np.float32)
nan_input[1, 0, 2, 3] = np.nan
save("x8-nan.npy", nan_input)
m = onnx.load(os.path.join(out, "good-named.onnx"))
m.graph.initializer[0].dims[0] = -3
onnx.save(m, os.path.join(out, "negative-dim.onnx"))
m = onnx.load(os.path.join(out, "good-named.onnx"))
m.graph.input[0].type.tensor_type.shape.dim[1].dim_value = -4
onnx.save(m, os.path.join(out, "negative-input-dim.onnx"))
# A readout-free hidden layer whose bias is far beyond its threshold.
w = helper.make_tensor("w", TensorProto.FLOAT, [3, 4], [1e-6] * 12)
b = helper.make_tensor("b", TensorProto.FLOAT, [3], [1e6, 0.0, 0.0])
w2 = helper.make_tensor("w2", TensorProto.FLOAT, [2, 3], [1.0] * 6)
graph = helper.make_graph(
    [helper.make_node("Gemm", ["x", "w", "b"], ["c"], name="fc1", transB=1),
     helper.make_node("LIF", ["c"], ["s"], name="hot_lif", domain="snn",
                      v_threshold=1.0, decay=0.5),
     helper.make_node("Gemm", ["s", "w2"], ["y"], name="fc2", transB=1)], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [w, b, w2])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                  helper.make_opsetid("snn", 1)]),
          os.path.join(out, "hot-bias.onnx"))
# Non-finite and impossible Gemm attributes (issue 13): they reached the
# engines as NaN scores, or were accepted silently.
m = onnx.load(os.path.join(out, "good-named.onnx"))
m.graph.node[0].attribute.append(helper.make_attribute("alpha", float("nan")))
onnx.save(m, os.path.join(out, "nan-alpha.onnx"))
tiny_model("huge-alpha.onnx", [10.0] * 12)
m = onnx.load(os.path.join(out, "huge-alpha.onnx"))
m.graph.node[0].attribute.append(helper.make_attribute("alpha", 3e38))
onnx.save(m, os.path.join(out, "huge-alpha.onnx"))
m = onnx.load(os.path.join(out, "good-named.onnx"))
m.graph.node[0].attribute[0].i = 2  # transB
onnx.save(m, os.path.join(out, "transb2.onnx"))
# An event-frame dataset for the events test model: [T = 5, N = 6, 2, 6, 6].
save("events.npy", (rng.random((5, 6, 2, 6, 6)) < 0.3).astype(np.float32))
save("labels6.npy", np.array([0, 1, 2, 3, 0, 1], dtype=np.int64))
# Issue 13, finding 6 and 8: geometry that overflowed, repeated and
# impossible attributes.
base = onnx.load(os.path.join(models, "conv_pool_negscale.onnx"))


def mutated(name, op, edit):
    m = copy.deepcopy(base)
    edit(next(n for n in m.graph.node if n.op_type == op))
    onnx.save(m, os.path.join(out, name))


def replace_attr(node, name, value):
    kept = [a for a in node.attribute if a.name != name]
    del node.attribute[:]
    node.attribute.extend(kept + [helper.make_attribute(name, value)])


import copy  # noqa: E402
mutated("dilation-2e62.onnx", "Conv", lambda n: replace_attr(n, "dilations", [2 ** 62, 1]))
mutated("duplicate-attr.onnx", "LIF",
        lambda n: n.attribute.append(helper.make_attribute("v_threshold", 5.0)))
mutated("count-include-pad5.onnx", "AveragePool",
        lambda n: replace_attr(n, "count_include_pad", 5))
m = copy.deepcopy(base)
m.graph.initializer.append(helper.make_tensor("fpads", TensorProto.FLOAT, [8], [0.0] * 8))
next(n for n in m.graph.node if n.op_type == "Pad").input[1] = "fpads"
onnx.save(m, os.path.join(out, "float-pads.onnx"))
# A gzip bomb: an IDX header promising 2^32 x 256 x 256 images.
open(os.path.join(out, "bomb-idx.gz"), "wb").write(gzip.compress(
    b"\x00\x00\x08\x03" + np.array([2 ** 32 - 1, 256, 256], ">u4").tobytes() + bytes(1 << 20), 9))
