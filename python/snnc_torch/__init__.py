"""PyTorch-side helpers for snnc: STBP-tdBN layers, the ONNX export, and
one-call converters from SpikingJelly and snnTorch."""

from __future__ import annotations

from .convert import ConversionError, from_snntorch, from_spikingjelly
from .export import export
from .layers import (LIF, Scale, TdBatchNorm1d, TdBatchNorm2d, encode, run,
                     set_timesteps)

__all__ = ["ConversionError", "LIF", "Scale", "TdBatchNorm1d", "TdBatchNorm2d", "encode",
           "export", "from_snntorch", "from_spikingjelly", "run", "set_timesteps"]
