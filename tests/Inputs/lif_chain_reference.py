"""The float result of a Gemm/LIF chain in numpy, checked against snnc's.

usage: lif_chain_reference.py MODEL.onnxtxt X.npy T SNNC_OUT.npy

Evaluates the chain node by node over T steps (direct encoding), exactly as
docs/onnx-convention.md defines snn.LIF, including its membrane output U,
and reduces the graph's output as metadata snn.readout says (mean over T
by default, or the last step).  Exits 1 when snnc's output differs.
"""
import sys

import numpy as np
import onnx.parser
from onnx import helper, numpy_helper

model = onnx.parser.parse_model(open(sys.argv[1]).read())
x, steps = np.load(sys.argv[2]).astype(np.float64), int(sys.argv[3])
got = np.load(sys.argv[4])
weights = {t.name: numpy_helper.to_array(t).astype(np.float64)
           for t in model.graph.initializer}
readout = {p.key: p.value for p in model.metadata_props}.get("snn.readout", "mean")
state = {}  # per LIF node: (u, o)
records = []
for t in range(steps):
    values = {model.graph.input[0].name: x}
    for i, node in enumerate(model.graph.node):
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Gemm":
            values[node.output[0]] = values[node.input[0]] @ weights[node.input[1]].T
            continue
        current = values[node.input[0]]
        u, o = state.get(i, (np.zeros_like(current), np.zeros_like(current)))
        decay, v_th = attrs["decay"], attrs["v_threshold"]
        reset = attrs.get("reset", b"hard").decode()
        if reset == "hard":
            u = decay * u * (1 - o) + current
        elif reset == "soft":
            u = decay * (u - v_th * o) + current
        else:
            u = decay * u + current - v_th * o
        o = (u >= v_th if attrs.get("fire", b"gt") == b"ge" else u > v_th) * 1.0
        state[i] = (u, o)
        values[node.output[0]] = o
        if len(node.output) > 1:
            values[node.output[1]] = u
    records.append(values[model.graph.output[0].name])
want = records[-1] if readout == "last" else np.mean(records, axis=0)
error = float(np.abs(want - got).max())
print(f"{readout} readout: largest difference {error:.2e}")
sys.exit(0 if error < 1e-4 else 1)
