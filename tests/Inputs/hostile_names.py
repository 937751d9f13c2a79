"""Writes ONNX models whose names carry control characters (issue 22).

    hostile_names.py MODELS_DIR OUT_DIR

names.onnx: every node named "n<i>\\n\\x1b[31m\\r\\x7f" (valid otherwise);
utf8.onnx: the LIF nodes named with 30 two-byte characters (the table
shows 28 of them, never half of one);
forged.onnx: the conv named "conv\\n\\x1b[2J\\rsnnc: error: forged" and given
an unknown attribute, so that the error message names it.
"""
import os
import sys

import onnx

models, out = sys.argv[1], sys.argv[2]
model = onnx.load(os.path.join(models, "conv_pool_negscale.onnx"))
for i, node in enumerate(model.graph.node):
    node.name = "n%d\n\x1b[31m\r\x7f" % i
onnx.save(model, os.path.join(out, "names.onnx"))
for node in model.graph.node:
    node.name = "\u00e9" * 30 if node.op_type == "LIF" else node.name
onnx.save(model, os.path.join(out, "utf8.onnx"))
model = onnx.load(os.path.join(models, "conv_pool_negscale.onnx"))
conv = next(node for node in model.graph.node if node.op_type == "Conv")
conv.name = "conv\n\x1b[2J\rsnnc: error: forged"
conv.attribute.append(onnx.helper.make_attribute("bogus", 1))
onnx.save(model, os.path.join(out, "forged.onnx"))
