"""Spiking layers for STBP-tdBN training (Zheng et al., AAAI 2021).

Every layer works on a merged time-and-batch tensor ``[T*N, ...]``: stateless
layers (Conv2d, Linear, pools, tdBN) then see one big batch, and tdBN's
training statistics run over T, N, H and W exactly as in the paper.  Only the
LIF neurons know about time: they unfold the leading dimension into
``[T, N, ...]`` using ``timesteps``, set by :func:`set_timesteps`.

The same module graph, run with ``timesteps = 1``, is the single-step graph
that :func:`snnc_torch.export` writes to ONNX.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

if TYPE_CHECKING:  # for type checkers only: nothing more is imported
    from collections.abc import Sequence

RESET_MODES = ("hard", "soft", "subtract")
FIRE_MODES = ("gt", "ge")
OUTPUTS = ("spikes", "membrane")
READOUTS = ("mean", "last")


def _f32(value: float) -> float:
    """Rounds a Python float to float32, the precision ONNX attributes keep.

    The PyTorch modules compute with exactly the constants that the exported
    graph stores, so the float engine can match them to the last bit.
    """
    return float(np.float32(value))


class _SpikeFn(torch.autograd.Function):
    """Heaviside step with the paper's rectangular surrogate gradient."""

    @staticmethod
    def forward(ctx, u, v_threshold, fire_ge, width):
        ctx.save_for_backward(u)
        ctx.v_threshold = v_threshold
        ctx.width = width
        return (u >= v_threshold).to(u.dtype) if fire_ge else (u > v_threshold).to(u.dtype)

    @staticmethod
    def backward(ctx, grad):
        (u,) = ctx.saved_tensors
        window = ((u - ctx.v_threshold).abs() < ctx.width / 2).to(grad.dtype)
        return grad * window / ctx.width, None, None, None


class _LIFExport(torch.autograd.Function):
    """Emits one `snn.LIF` node when the module is traced for ONNX export:
    `LIF(X) -> Y`, or with ``membrane`` `LIF(X) -> (Y, U)`, whose U (the
    membrane of this step, compared with v_threshold) is then the value the
    module passes on: the network's membrane readout
    (docs/onnx-convention.md)."""

    @staticmethod
    def forward(ctx, x, v_threshold, decay, reset, fire, membrane):
        spikes = (x >= v_threshold).to(x.dtype) if fire == "ge" else \
            (x > v_threshold).to(x.dtype)
        # One step from u_0 = 0: u_1 = x.
        return (spikes, x.clone()) if membrane else spikes

    @staticmethod
    def symbolic(g, x, v_threshold, decay, reset, fire, membrane):
        outs = g.op("snn::LIF", x, v_threshold_f=v_threshold, decay_f=decay,
                    reset_s=reset, fire_s=fire, outputs=2 if membrane else 1)
        for out in (outs if membrane else (outs,)):
            out.setType(x.type())
        return outs


class LIF(nn.Module):
    """Iterative leaky integrate-and-fire neurons.

    hard reset:     u_t = decay * u_{t-1} * (1 - o_{t-1}) + x_t
    soft reset:     u_t = decay * (u_{t-1} - v_threshold * o_{t-1}) + x_t
    subtract reset: u_t = decay * u_{t-1} + x_t - v_threshold * o_{t-1}
    o_t = [u_t > v_threshold]  (or >= with fire="ge"), u_0 = o_0 = 0.

    ``decay`` is one number, or a list of one per channel (dim 1), e.g. a
    snnTorch ``Leaky`` with a learned beta per neuron after a Linear layer.

    ``output="membrane"`` makes the layer the network's membrane readout
    (snnTorch's last ``Leaky(output=True)`` read by its membrane): it passes
    on u_t instead of o_t (it still fires and resets internally), and it
    exports as ``snn.LIF`` with its second output U as the graph's output.
    Only a last layer after a Linear one (a [N, K] membrane) can be one.

    Soft reset removes the threshold before the decay (SpikingJelly's
    ``v_reset=None``); subtract removes it after, undecayed (snnTorch's
    ``reset_mechanism="subtract"``).  Each expression is evaluated in exactly
    this order, so that a converted model matches its source bit for bit.
    """

    def __init__(self, v_threshold: float = 0.5,
                 decay: float | Sequence[float] = 0.25, reset: str = "hard",
                 fire: str = "gt", surrogate_width: float = 1.0,
                 output: str = "spikes") -> None:
        super().__init__()
        if not v_threshold > 0:
            raise ValueError(f"LIF v_threshold must be > 0, got {v_threshold}")
        decays = list(decay) if isinstance(decay, (list, tuple)) else [decay]
        if not decays or not all(0.0 <= d <= 1.0 for d in decays):
            raise ValueError(f"LIF decay must be in [0, 1], got {decay}")
        if reset not in RESET_MODES:
            raise ValueError(f"LIF reset must be one of {RESET_MODES}, got {reset!r}")
        if fire not in FIRE_MODES:
            raise ValueError(f"LIF fire must be one of {FIRE_MODES}, got {fire!r}")
        if output not in OUTPUTS:
            raise ValueError(f"LIF output must be one of {OUTPUTS}, got {output!r}")
        self.v_threshold = _f32(v_threshold)
        self.decay = ([_f32(d) for d in decays] if isinstance(decay, (list, tuple))
                      else _f32(decay))
        self.reset = reset
        self.fire = fire
        self.surrogate_width = surrogate_width
        self.output = output
        self.timesteps = 1
        self.exporting = False

    def extra_repr(self) -> str:
        return (f"v_threshold={self.v_threshold}, decay={self.decay}, "
                f"reset={self.reset}, fire={self.fire}"
                + (", output=membrane" if self.is_membrane_readout else ""))

    @property
    def is_membrane_readout(self) -> bool:
        """Whether the layer passes on its membrane (``output="membrane"``)."""
        # getattr: a module pickled before the attribute existed.
        return getattr(self, "output", "spikes") == "membrane"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        membrane = self.is_membrane_readout
        if self.exporting:
            out = _LIFExport.apply(x, self.v_threshold, self.decay, self.reset, self.fire,
                                   membrane)
            return out[1] if membrane else out
        steps = self.timesteps
        if x.shape[0] % steps != 0:
            raise ValueError(f"leading dim {x.shape[0]} is not a multiple of T={steps}")
        seq = x.reshape(steps, x.shape[0] // steps, *x.shape[1:])
        u = torch.zeros_like(seq[0])
        o = torch.zeros_like(seq[0])
        decay = self.decay
        if isinstance(decay, list):  # per channel: broadcast over dim 1
            view = [1, len(decay)] + [1] * (seq.dim() - 3)
            decay = torch.tensor(decay, dtype=seq.dtype).reshape(view)
        out = []
        for t in range(steps):
            if self.reset == "hard":
                u = decay * u * (1.0 - o) + seq[t]
            elif self.reset == "soft":
                u = decay * (u - self.v_threshold * o) + seq[t]
            else:
                u = decay * u + seq[t] - self.v_threshold * o
            o = _SpikeFn.apply(u, self.v_threshold, self.fire == "ge", self.surrogate_width)
            out.append(u if membrane else o)
        return torch.stack(out).reshape(x.shape)


class Scale(nn.Module):
    """Multiplies by a constant: exported as an ONNX Mul.

    The converters use it for an input gain, e.g. SpikingJelly's
    ``decay_input=True`` (the input is divided by tau before it is added).
    """

    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = _f32(factor)

    def extra_repr(self) -> str:
        return f"factor={self.factor}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.factor


class _TdBatchNorm(nn.modules.batchnorm._BatchNorm):
    """Threshold-dependent batch norm: BN whose output is scaled by alpha*V_th.

    y = weight * alpha * v_threshold * (x - mean) / sqrt(var + eps) + bias

    Never copy a SpikingJelly ``ThresholdDependentBatchNorm2d`` into this
    class with its alpha and v_th: SpikingJelly keeps alpha*V_th inside its
    BN weight, so doing so applies the gain twice (a silent 15-point accuracy
    loss was measured).  Use ``alpha=1, v_threshold=1`` for such weights, or
    better :func:`snnc_torch.from_spikingjelly`, which does it for you.

    Statistics are taken over the merged [T*N] batch and spatial dims, which
    is the paper's (T, N, H, W).  ``weight`` is the learnable lambda; alpha
    and v_threshold are fixed constants kept apart so that the export stores
    them as attributes and nobody multiplies them in twice.
    """

    def __init__(self, num_features: int, alpha: float = 1.0, v_threshold: float = 1.0,
                 eps: float = 1e-5, momentum: float | None = 0.1) -> None:
        super().__init__(num_features, eps=_f32(eps), momentum=momentum, affine=True,
                         track_running_stats=True)
        self.alpha = _f32(alpha)
        self.v_threshold = _f32(v_threshold)
        self.exporting = False

    @property
    def gain(self) -> float:
        """alpha * v_threshold, rounded as the float engine rounds it."""
        return _f32(np.float32(self.alpha) * np.float32(self.v_threshold))

    def extra_repr(self) -> str:
        return f"{self.num_features}, alpha={self.alpha}, v_threshold={self.v_threshold}"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input_dim(x)
        if self.exporting:
            return _TdBNExport.apply(x, self.weight, self.bias, self.running_mean,
                                     self.running_var, self.alpha, self.v_threshold, self.eps)
        use_batch_stats = self.training
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight * self.gain,
                            self.bias, use_batch_stats, self.momentum, self.eps)


class _TdBNExport(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, bias, mean, var, alpha, v_threshold, eps):
        return x.clone()

    @staticmethod
    def symbolic(g, x, scale, bias, mean, var, alpha, v_threshold, eps):
        out = g.op("snn::TdBatchNorm", x, scale, bias, mean, var, alpha_f=alpha,
                   v_threshold_f=v_threshold, epsilon_f=eps)
        out.setType(x.type())
        return out


class TdBatchNorm1d(_TdBatchNorm):
    """tdBN over [N, C] (or [N, C, L]); see _TdBatchNorm.

    Warning: SpikingJelly's tdBN keeps alpha*V_th inside its weight; copying
    its weights here with its alpha and v_th applies the gain twice.  Use
    alpha=1, v_threshold=1, or snnc_torch.from_spikingjelly.
    """

    def _check_input_dim(self, x: torch.Tensor) -> None:
        if x.dim() not in (2, 3):
            raise ValueError(f"TdBatchNorm1d expects 2-D or 3-D input, got {x.dim()}-D")


class TdBatchNorm2d(_TdBatchNorm):
    """tdBN over [N, C, H, W]; see _TdBatchNorm.

    Warning: SpikingJelly's tdBN keeps alpha*V_th inside its weight; copying
    its weights here with its alpha and v_th applies the gain twice.  Use
    alpha=1, v_threshold=1, or snnc_torch.from_spikingjelly.
    """

    def _check_input_dim(self, x: torch.Tensor) -> None:
        if x.dim() != 4:
            raise ValueError(f"TdBatchNorm2d expects 4-D input, got {x.dim()}-D")


def set_timesteps(model: nn.Module, timesteps: int) -> None:
    """Tells every LIF in ``model`` how many steps the leading dim holds."""
    for module in model.modules():
        if isinstance(module, LIF):
            module.timesteps = int(timesteps)


def encode(x: torch.Tensor, timesteps: int, encoding: str) -> torch.Tensor:
    """Turns user input into the merged [T*N, ...] batch the layers expect.

    direct: x is [N, ...], the same analog frame every step.
    events: x is [T, N, ...], one event frame per step.
    """
    if encoding == "direct":
        return x.unsqueeze(0).expand(timesteps, *x.shape).reshape(-1, *x.shape[1:])
    if encoding == "events":
        if x.shape[0] != timesteps:
            raise ValueError(f"events input has {x.shape[0]} steps, expected {timesteps}")
        return x.reshape(-1, *x.shape[2:])
    raise ValueError(f"unknown encoding {encoding!r}")


def _check_not_training(model: nn.Module) -> None:
    """Refuses an inference-looking run that would pollute BN statistics."""
    if torch.is_grad_enabled():
        return
    for name, module in model.named_modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm) and module.training:
            raise RuntimeError(
                f"snnc_torch.run: batch norm '{name or type(module).__name__}' is in "
                "training mode under torch.no_grad(): it would normalize with batch "
                "statistics and overwrite its running statistics, which a later "
                "export carries; call model.eval() first, or pass allow_training=True")


def model_readout(model: nn.Module, readout: str | None = None) -> str:
    """``readout`` if given, else the model's own (``snnc_readout``, which
    the converters set), else "mean"; checked."""
    if readout is None:
        readout = getattr(model, "snnc_readout", None) or "mean"
    if readout not in READOUTS:
        raise ValueError(f"readout must be one of {READOUTS}, got {readout!r}")
    return readout


def run(model: nn.Module, x: torch.Tensor, timesteps: int, encoding: str = "direct",
        allow_training: bool = False, readout: str | None = None) -> torch.Tensor:
    """Multi-step evaluation: the readout's mean over T, or with
    ``readout="last"`` its value at the last step T-1; shape [N, K].

    ``readout`` defaults to the model's ``snnc_readout`` attribute (a
    converter sets it for a membrane readout read at its last step), else
    "mean".  The readout is what the model returns: a Linear layer's
    current, a last LIF's spikes, or a last ``LIF(output="membrane")``'s
    membrane.

    Under ``torch.no_grad()`` a model whose batch norms are in training mode
    is refused unless ``allow_training=True``: such a run looks like
    inference but updates the running statistics.
    """
    readout = model_readout(model, readout)
    if not allow_training:
        _check_not_training(model)
    set_timesteps(model, timesteps)
    out = model(encode(x, timesteps, encoding))
    seq = out.reshape(timesteps, -1, *out.shape[1:])
    return seq[-1] if readout == "last" else seq.mean(0)
