"""Issue 22's hostile inputs that reach the readers of JSON and textual
ONNX, and names with control characters (the link itself is judged by
tests/tools/board-link-faults.test)."""
import onnx

from mutations import base_model, save_model


def json_nesting(c, rng):
    """40,000 nested '[' overflowed llvm::json::parse's stack."""
    for tag, text in (("brackets", "[" * 40000), ("objects", '{"a":' * 40000),
                      ("closed", "[" * 70 + "]" * 70)):
        path = c.write("json_nesting", tag + ".json", text.encode())
        out = c.out_file("v")
        c.run("json_nesting", tag, ["emit-verilog", c.good_onnx, "--core", path,
                                    "-o", out], [out], expect="fail")


def onnx_text_nesting(c, rng):
    """10,000 nested If graphs overflowed onnx::OnnxParser's stack."""
    head = '<ir_version: 8, opset_import: ["" : 17]>\nagraph (float[N] x) => (float[N] y) {\n'
    branch = "y = If (x) <then_branch = g () => (float[N] y) {\n"
    for depth in (100, 10000):
        text = head + branch * depth + "}>\n" * depth + "}\n"
        c.model_runs("onnx_text_nesting", "if-%d" % depth,
                     c.write("onnx_text_nesting", "if-%d.onnxtxt" % depth, text.encode()),
                     expect="fail", float_too=False)


def onnx_control_names(c, rng):
    """Control characters in every name: imported, escaped, never raw."""
    model = base_model()
    for i, node in enumerate(model.graph.node):
        node.name = "n%d\n\x1b[2J\r\x7f" % i
    save_model(c, "onnx_control_names", "nodes", model, expect="any")
    model = base_model()
    conv = next(node for node in model.graph.node if node.op_type == "Conv")
    conv.name = "conv\nsnnc: error: forged"
    conv.attribute.append(onnx.helper.make_attribute("bogus", 1))
    save_model(c, "onnx_control_names", "forged-error", model)


GENERATORS = [json_nesting, onnx_text_nesting, onnx_control_names]
