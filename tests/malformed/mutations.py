"""The classes of the malformed corpus: one function each, writing its cases
and naming the snnc runs over them (generate.py calls them in order)."""
import copy
import os
import subprocess

import numpy as np
import onnx
import onnx.numpy_helper
from onnx import TensorProto, helper

BIG = 2 ** 62


# --- ONNX: bytes ----------------------------------------------------------

def onnx_bitflip(c, rng):
    for name, data in c.onnx_bytes.items():
        for i in range(10):
            b = bytearray(data)
            for _ in range(1 + i % 3):
                pos = int(rng.integers(0, len(b)))
                b[pos] ^= 1 << int(rng.integers(0, 8))
            c.model_runs("onnx_bitflip", "%s-%d" % (name, i),
                         c.write("onnx_bitflip", "%s-%d.onnx" % (name[:-5], i), bytes(b)),
                         float_too=False)


def onnx_truncated(c, rng):
    for name, data in c.onnx_bytes.items():
        for frac in (0.0, 0.01, 0.1, 0.3, 0.5, 0.9, 0.99):
            cut = int(len(data) * frac)
            c.model_runs("onnx_truncated", "%s@%d" % (name, cut),
                         c.write("onnx_truncated", "%s-%d.onnx" % (name[:-5], cut), data[:cut]),
                         expect="fail", float_too=False)


def onnx_garbage(c, rng):
    blobs = {"random": bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
             "zeros": bytes(4096), "ff": b"\xff" * 4096,
             "varint-bomb": b"\x0a\xff\xff\xff\xff\x0f" + b"\x00" * 16,
             "deep-nesting": b"\x3a\x80\x80\x04" * 1000,
             "huge-length": b"\x3a" + b"\xff" * 9 + b"\x01",
             "text": b"hello world\n" * 50}
    for name, blob in blobs.items():
        c.model_runs("onnx_garbage", name, c.write("onnx_garbage", name + ".onnx", blob),
                     expect="fail", float_too=False)


def onnx_text(c, rng):
    for name, text in c.texts.items():
        body = text[text.index("<"):]
        variants = {"truncated": body[: len(body) // 2],
                    "no-brace": body.replace("}", ""),
                    "bad-number": body.replace("1.0", "1.0.0.0", 1),
                    "huge-dim": body.replace("float[N, ", "float[N, 99999999999999999999", 1),
                    "bad-opset": body.replace('"" : 13', '"" : 99999999999999999999'),
                    "binary": body[:20] + "\x00\x01\x02" + body[20:]}
        for i in range(4):
            chars = list(body)
            for _ in range(3):
                chars[int(rng.integers(0, len(chars)))] = chr(int(rng.integers(32, 127)))
            variants["scrambled-%d" % i] = "".join(chars)
        for v, t in variants.items():
            c.model_runs("onnx_text", name + "-" + v,
                         c.write("onnx_text", "%s-%s.onnxtxt" % (name[:-8], v), t.encode()),
                         float_too=False)


def mlir_text(c, rng):
    good = subprocess.run([c.snnc, "import", c.good_onnx], check=True,
                          capture_output=True, text=True).stdout
    variants = {"truncated": good[: len(good) // 2], "empty": "",
                "unknown-op": good.replace("snn.lif", "snn.frobnicate", 1),
                "bad-type": good.replace("f32", "f13", 1),
                "no-main": good.replace("@main", "@other"),
                "huge-tensor": good.replace("tensor<?x1x8x8xf32>", "tensor<?x1x99999999x99999999xf32>", 1),
                "nested": "module {" * 2000 + "}" * 2000,
                "garbage": "\x00\xff" * 100}
    for v, t in variants.items():
        c.model_runs("mlir_text", v, c.write("mlir_text", v + ".mlir", t.encode("utf-8", "surrogateescape")),
                     float_too=False)


# --- ONNX: structured mutations with the onnx API --------------------------

def base_model():
    return onnx.load(os.path.join(os.path.dirname(__file__), "..", "models",
                                  "conv_pool_negscale.onnx"))


def save_model(c, cls, name, model, expect="fail", float_too=True):
    path = c.path(cls, name + ".onnx")
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    c.model_runs(cls, name, path, expect=expect, float_too=float_too)


def first(model, op):
    return next(n for n in model.graph.node if n.op_type == op)


def set_attr(node, name, value):
    for i, a in enumerate(node.attribute):
        if a.name == name:
            del node.attribute[i]
            break
    node.attribute.append(helper.make_attribute(name, value))


def onnx_nonfinite(c, rng):
    for value in (float("nan"), float("inf"), float("-inf")):
        tag = {True: "nan"}.get(value != value, "inf" if value > 0 else "-inf")
        m = base_model()
        init = m.graph.initializer[0]
        arr = onnx.numpy_helper.to_array(init).copy()
        arr.flat[0] = value
        init.CopyFrom(onnx.numpy_helper.from_array(arr, init.name))
        save_model(c, "onnx_nonfinite", "init-" + tag, m)
        m = base_model()
        lif = next(n for n in m.graph.node if n.op_type == "LIF")
        set_attr(lif, "v_threshold", value)
        save_model(c, "onnx_nonfinite", "threshold-" + tag, m)
        m = base_model()
        lif = next(n for n in m.graph.node if n.op_type == "LIF")
        set_attr(lif, "decay", value)
        save_model(c, "onnx_nonfinite", "decay-" + tag, m)


def onnx_dims(c, rng):
    for dims, tag in (([BIG, 1, 1, 1], "init-2^62"), ([-1, 1, 3, 3], "init-negative"),
                      ([0, 1, 3, 3], "init-zero"), ([2 ** 31, 2 ** 31, 2, 2], "init-overflow")):
        m = base_model()
        init = m.graph.initializer[0]
        del init.dims[:]
        init.dims.extend(dims)
        save_model(c, "onnx_dims", tag, m)
    for value, tag in ((0, "input-zero"), (-5, "input-negative"), (BIG, "input-2^62"),
                       (65536, "input-65536")):
        m = base_model()
        m.graph.input[0].type.tensor_type.shape.dim[2].dim_value = value
        save_model(c, "onnx_dims", tag, m)
    m = base_model()
    del m.graph.input[0].type.tensor_type.shape.dim[3]
    save_model(c, "onnx_dims", "input-rank3", m)


def onnx_geometry(c, rng):
    cases = {"strides": [BIG, BIG], "dilations": [BIG, 1], "pads": [BIG, 0, 0, 0],
             "pads-negative": [-BIG, 0, 0, 0], "strides-zero": [0, 1],
             "dilations-negative": [-1, -1], "pads-65537": [65537, 0, 65537, 0],
             "strides-short": [1]}
    for tag, value in cases.items():
        for op in ("Conv", "AveragePool"):
            m = base_model()
            try:
                node = first(m, op)
            except StopIteration:
                continue
            attr = tag.split("-")[0]
            if op == "AveragePool" and attr == "dilations":
                continue
            set_attr(node, attr, value)
            save_model(c, "onnx_geometry", "%s-%s" % (op, tag), m)
    for tag, value in (("kernel-huge", [BIG, BIG]), ("kernel-zero", [0, 0])):
        m = base_model()
        set_attr(first(m, "AveragePool"), "kernel_shape", value)
        save_model(c, "onnx_geometry", tag, m)
    m = base_model()
    set_attr(first(m, "Conv"), "auto_pad", "SAME_UPPER")
    set_attr(first(m, "Conv"), "dilations", [BIG, BIG])
    for i, a in enumerate(first(m, "Conv").attribute):
        if a.name == "pads":
            del first(m, "Conv").attribute[i]
            break
    save_model(c, "onnx_geometry", "same-upper-dilation-2^62", m)


def onnx_attributes(c, rng):
    def mutate(tag, op, fn):
        m = base_model()
        fn(first(m, op))
        save_model(c, "onnx_attributes", tag, m)
    mutate("duplicate-threshold", "LIF", lambda n: n.attribute.append(
        helper.make_attribute("v_threshold", 5.0)))
    mutate("duplicate-strides", "Conv", lambda n: n.attribute.append(
        helper.make_attribute("strides", [2, 2])))
    mutate("threshold-as-int", "LIF", lambda n: set_attr(n, "v_threshold", 1))
    mutate("strides-as-floats", "Conv", lambda n: set_attr(n, "strides", [1.0, 1.0]))
    mutate("count-include-pad-5", "AveragePool", lambda n: set_attr(n, "count_include_pad", 5))
    mutate("ceil-mode-7", "AveragePool", lambda n: set_attr(n, "ceil_mode", 7))
    mutate("group-0", "Conv", lambda n: set_attr(n, "group", 0))
    mutate("auto-pad-bogus", "Conv", lambda n: set_attr(n, "auto_pad", "SIDEWAYS"))
    mutate("unknown-attr", "Conv", lambda n: set_attr(n, "flavour", 3))
    mutate("reset-bogus", "LIF", lambda n: set_attr(n, "reset", "sideways"))
    mutate("fire-bogus", "LIF", lambda n: set_attr(n, "fire", "maybe"))
    mutate("subgraph-attr", "Conv", lambda n: n.attribute.append(
        helper.make_attribute("body", helper.make_graph([], "g", [], []))))
    # Pad with float pads, an odd mode and a Constant with two values.
    m = base_model()
    conv = first(m, "Conv")
    pads = helper.make_tensor("pads", TensorProto.FLOAT, [8], [0.0] * 8)
    m.graph.initializer.append(pads)
    pad = helper.make_node("Pad", [conv.input[0], "pads"], ["padded"], name="pad")
    conv.input[0] = "padded"
    m.graph.node.insert(0, pad)
    save_model(c, "onnx_attributes", "pad-float-pads", m)
    set_attr(m.graph.node[0], "mode", "wrap")
    save_model(c, "onnx_attributes", "pad-mode-wrap", m)
    m = base_model()
    const = helper.make_node("Constant", [], ["k"], value_float=1.0, value_ints=[1, 2])
    m.graph.node.insert(0, const)
    save_model(c, "onnx_attributes", "constant-two-values", m)


def onnx_graph(c, rng):
    def mutate(tag, fn, expect="fail"):
        m = base_model()
        fn(m)
        save_model(c, "onnx_graph", tag, m, expect=expect)
    mutate("dangling-input", lambda m: m.graph.node[1].input.__setitem__(0, "nowhere"))
    mutate("self-loop", lambda m: m.graph.node[1].input.__setitem__(0, m.graph.node[1].output[0]))
    mutate("cycle", lambda m: m.graph.node[1].input.__setitem__(0, m.graph.node[-1].output[0]))
    mutate("duplicate-output", lambda m: m.graph.node[3].output.__setitem__(0, m.graph.node[1].output[0]))
    mutate("no-nodes", lambda m: m.graph.ClearField("node"))
    mutate("no-output", lambda m: m.graph.ClearField("output"))
    mutate("two-outputs", lambda m: m.graph.output.append(copy.deepcopy(m.graph.output[0])))
    mutate("no-input", lambda m: m.graph.ClearField("input"))
    mutate("two-inputs", lambda m: m.graph.input.append(
        helper.make_tensor_value_info("x2", TensorProto.FLOAT, ["N", 1, 8, 8])))
    mutate("output-not-produced", lambda m: setattr(m.graph.output[0], "name", "ghost"))
    mutate("node-no-output", lambda m: m.graph.node[1].ClearField("output"))
    mutate("reversed-nodes", lambda m: m.graph.node.reverse())
    mutate("no-initializers", lambda m: m.graph.ClearField("initializer"))
    mutate("no-graph", lambda m: m.ClearField("graph"))
    mutate("unsupported-op", lambda m: setattr(m.graph.node[1], "op_type", "Softmax"))
    mutate("unknown-domain", lambda m: setattr(m.graph.node[1], "domain", "com.evil"))
    mutate("unknown-snn-op", lambda m: setattr(next(n for n in m.graph.node
                                                    if n.domain == "snn"), "op_type", "Izhikevich"))
    mutate("input-int", lambda m: setattr(m.graph.input[0].type.tensor_type, "elem_type",
                                          TensorProto.INT64))
    mutate("input-no-shape", lambda m: m.graph.input[0].type.tensor_type.ClearField("shape"))
    mutate("input-not-tensor", lambda m: m.graph.input[0].type.ClearField("tensor_type"))


def onnx_tensor_data(c, rng):
    def mutate(tag, fn):
        m = base_model()
        fn(m.graph.initializer[0])
        save_model(c, "onnx_tensor_data", tag, m)
    mutate("raw-short", lambda t: setattr(t, "raw_data", t.raw_data[:-3]))
    mutate("raw-long", lambda t: setattr(t, "raw_data", t.raw_data + b"\x00" * 5))
    mutate("type-double", lambda t: setattr(t, "data_type", TensorProto.DOUBLE))
    mutate("type-string", lambda t: setattr(t, "data_type", TensorProto.STRING))
    mutate("type-undefined", lambda t: setattr(t, "data_type", 0))
    mutate("type-999", lambda t: setattr(t, "data_type", 999))
    mutate("no-data", lambda t: t.ClearField("raw_data"))

    def float_data_short(t):
        values = onnx.numpy_helper.to_array(t).flatten().tolist()
        t.ClearField("raw_data")
        t.float_data.extend(values[:-1])
    mutate("float-data-short", float_data_short)


def onnx_external_data(c, rng):
    for tag, location in (("traversal", "../../../../../../etc/passwd"),
                          ("absolute", "/etc/passwd"), ("dev-zero", "/dev/zero"),
                          ("missing", "weights.bin"), ("self", "")):
        m = base_model()
        t = m.graph.initializer[0]
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        for key, value in (("location", location), ("offset", "0"), ("length", str(BIG))):
            entry = t.external_data.add()
            entry.key, entry.value = key, value
        save_model(c, "onnx_external_data", tag, m)


def onnx_opset_metadata(c, rng):
    def mutate(tag, fn):
        m = base_model()
        fn(m)
        save_model(c, "onnx_opset_metadata", tag, m)
    for version in (0, 10, 18, BIG, -1):
        mutate("opset-%d" % version, lambda m: setattr(m.opset_import[0], "version", version))
    mutate("no-default-opset", lambda m: m.ClearField("opset_import"))
    mutate("snn-domain-2", lambda m: [setattr(o, "version", 2) for o in m.opset_import
                                      if o.domain == "snn"])
    for value in ("-5", "0", "100001", "1e9", "abc", "99999999999999999999999"):
        def meta(m, value=value):
            for p in m.metadata_props:
                if p.key == "snn.timesteps":
                    p.value = value
                    return
            m.metadata_props.add(key="snn.timesteps", value=value)
        mutate("timesteps-" + value, meta)
    mutate("encoding-rate", lambda m: m.metadata_props.add(key="snn.input_encoding", value="rate"))


def onnx_utf8(c, rng):
    for tag, field in (("node-name", "node"), ("input-name", "input"), ("metadata", "meta")):
        m = base_model()
        data = bytearray(m.SerializeToString())
        marker = {"node": m.graph.node[0].name, "input": m.graph.input[0].name,
                  "meta": "snn.timesteps"}[field].encode()
        pos = data.find(marker)
        if pos < 0 or not marker:
            continue
        data[pos] = 0xff
        path = c.write("onnx_utf8", tag + ".onnx", bytes(data))
        c.model_runs("onnx_utf8", tag, path)


def onnx_memory(c, rng):
    """Tiny models that ask engines for far more memory than they are worth."""
    for pads, tag in ((30000, "conv-pads-30000"), (1024, "conv-pads-1024")):
        w = helper.make_tensor("w", TensorProto.FLOAT, [64, 1, 1, 1], [1.0] * 64)
        w2 = helper.make_tensor("w2", TensorProto.FLOAT, [2, 64], [1.0] * 128)
        g = helper.make_graph(
            [helper.make_node("Conv", ["x", "w"], ["c"], name="wide", pads=[pads] * 4),
             helper.make_node("LIF", ["c"], ["s"], domain="snn", name="lif",
                              v_threshold=1.0, decay=0.5),
             helper.make_node("GlobalAveragePool", ["s"], ["p"], name="gap"),
             helper.make_node("Flatten", ["p"], ["f"], name="flat"),
             helper.make_node("Gemm", ["f", "w2"], ["y"], name="fc", transB=1)], "g",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 8, 8])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [w, w2])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13),
                                                helper.make_opsetid("snn", 1)])
        m.metadata_props.add(key="snn.timesteps", value="100000")
        save_model(c, "onnx_memory", tag, m, expect="any")


GENERATORS_ONNX = [onnx_bitflip, onnx_truncated, onnx_garbage, onnx_text, mlir_text,
                   onnx_nonfinite, onnx_dims, onnx_geometry, onnx_attributes, onnx_graph,
                   onnx_tensor_data, onnx_external_data, onnx_opset_metadata, onnx_utf8,
                   onnx_memory]

from inputs import GENERATORS_INPUTS  # noqa: E402

GENERATORS = GENERATORS_ONNX + GENERATORS_INPUTS
