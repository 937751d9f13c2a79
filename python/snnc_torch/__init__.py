"""PyTorch-side helpers for snnc: STBP-tdBN layers and the ONNX export."""

from .export import export
from .layers import (LIF, TdBatchNorm1d, TdBatchNorm2d, encode, run,
                     set_timesteps)

__all__ = ["LIF", "TdBatchNorm1d", "TdBatchNorm2d", "encode", "export", "run",
           "set_timesteps"]
