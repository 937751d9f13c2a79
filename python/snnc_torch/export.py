"""Writes a trained spiking network as the snnc ONNX convention.

The exported graph is one time step: LIF neurons become `snn.LIF` nodes whose
state is implicit, tdBN layers become `snn.TdBatchNorm` nodes, everything else
is standard ONNX.  See docs/onnx-convention.md.
"""

from __future__ import annotations

import io
import warnings
from typing import IO, TYPE_CHECKING

import onnx
import torch

from .layers import LIF, _TdBatchNorm, model_readout, set_timesteps

if TYPE_CHECKING:  # for type checkers only: nothing more is imported
    import os

SNN_DOMAIN = "snn"
SNN_DOMAIN_VERSION = 1
ONNX_OPSET = 13


def _set_exporting(model: torch.nn.Module, on: bool) -> None:
    for module in model.modules():
        if isinstance(module, (LIF, _TdBatchNorm)):
            module.exporting = on


def export(model: torch.nn.Module, example_step_input: torch.Tensor,
           path: str | os.PathLike[str] | IO[bytes], timesteps: int,
           encoding: str = "direct", readout: str | None = None) -> onnx.ModelProto:
    """Exports ``model`` for snnc.

    example_step_input: one step's input, [N, ...] (the batch dim is dynamic).
    timesteps: the default T stored in the graph metadata.
    encoding: "direct" (same analog frame every step) or "events".
    readout: "mean" (the readout's mean over T) or "last" (its value at the
    last step), stored as metadata ``snn.readout`` when "last" (absent means
    "mean"); by default the model's ``snnc_readout`` (which the converters
    set), else "mean".  A last ``LIF(output="membrane")`` exports as a
    two-output ``snn.LIF`` whose membrane U is the graph's output.
    """
    readout = model_readout(model, readout)
    if encoding not in ("direct", "events"):
        raise ValueError(f"unknown encoding {encoding!r}")
    if int(timesteps) < 1:
        raise ValueError(f"timesteps must be >= 1, got {timesteps}")
    was_training = model.training
    model.eval()
    set_timesteps(model, 1)
    _set_exporting(model, True)
    buffer = io.BytesIO()
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # torch 1.13 flags g.op() as deprecated; it is the documented way
            # to emit custom-domain nodes in this release.
            warnings.simplefilter("ignore", FutureWarning)
            # It also warns that custom ops lack shape inference; snnc infers
            # shapes itself.
            warnings.filterwarnings("ignore", message=".*shape inference of snn::")
            torch.onnx.export(
                model, (example_step_input,), buffer, input_names=["input"],
                output_names=["output"], opset_version=ONNX_OPSET,
                custom_opsets={SNN_DOMAIN: SNN_DOMAIN_VERSION},
                dynamic_axes={"input": {0: "N"}, "output": {0: "N"}},
                do_constant_folding=True)
    finally:
        _set_exporting(model, False)
        model.train(was_training)
    proto = onnx.load_from_string(buffer.getvalue())
    meta = {"snn.timesteps": str(int(timesteps)), "snn.input_encoding": encoding}
    if readout == "last":
        meta["snn.readout"] = "last"
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    proto.producer_name = "snnc_torch"
    onnx.save(proto, path)
    return proto
