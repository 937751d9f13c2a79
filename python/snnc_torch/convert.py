"""One-call converters from SpikingJelly and snnTorch to snnc_torch models.

``from_spikingjelly(net, ...)`` and ``from_snntorch(net, ...)`` walk a
network whose containers fix the data flow (``nn.Sequential`` and each
framework's sequential containers), map every layer to its snnc_torch
equivalent with the framework's exact dynamics, and return an
``nn.Sequential`` in eval mode that :func:`snnc_torch.export` writes.

Every mapping choice that used to be silent is made here once, and every
module the convention cannot express is refused with its name and the
attribute at fault.  Each converter then proves its result: it runs the
source model in the framework's own way and the converted one on the same
input, and raises :class:`ConversionError` naming the first layer whose
spikes differ, or whose values differ beyond 1e-5 (docs/interop.md).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn as nn

from .capture import capture, membrane_source
from .layers import LIF, Scale, TdBatchNorm1d, TdBatchNorm2d, run

if TYPE_CHECKING:  # for type checkers only: nothing more is imported
    from collections.abc import Sequence

    import numpy.typing as npt

TOLERANCE = 1e-5

# How a net ending in snnTorch's Leaky(output=True) is read: its spikes
# (spike count / T), its membrane's mean over T, or its membrane's value at
# the last step.  Every other net is read as its last layer gives it.
READOUTS = ("spikes", "membrane_mean", "membrane_last")


class ConversionError(ValueError):
    """A module the snn convention cannot express, or a failed proof."""


class _OwnForward(Exception):
    """The walk met a module with its own forward(): capture the graph."""


def _fail(path, module, why):
    raise ConversionError(f"module '{path or '<root>'}' ({type(module).__name__}): {why}")


def _scalar(path, module, name, value):
    """A framework parameter that must be one number for the whole layer."""
    if isinstance(value, torch.Tensor):
        flat = value.detach().float().reshape(-1)
        if flat.numel() == 0:
            _fail(path, module, f"'{name}' is empty")
        if not bool((flat == flat[0]).all()):
            _fail(path, module, f"'{name}' differs between neurons ({flat.numel()} values); "
                  "the core has one value per layer")
        return float(flat[0])
    return float(value)


# ---------------------------------------------------------------------------
# Layers both frameworks share: plain torch.nn (and subclasses of it).
# ---------------------------------------------------------------------------

def _conv2d(path, m):
    if m.groups != 1:
        _fail(path, m, f"groups={m.groups}: only groups=1 is supported")
    if m.padding_mode != "zeros":
        _fail(path, m, f"padding_mode='{m.padding_mode}': only 'zeros' is supported")
    out = nn.Conv2d(m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding,
                    m.dilation, bias=m.bias is not None)
    out.load_state_dict(m.state_dict())
    return out


def _linear(path, m):
    out = nn.Linear(m.in_features, m.out_features, bias=m.bias is not None)
    out.load_state_dict(m.state_dict())
    return out


def _batch_norm(path, m, rank):
    """Any BN whose weight already holds the whole gain (plain BN, and
    SpikingJelly's tdBN, which keeps alpha*V_th inside its weight)."""
    if m.running_mean is None or m.running_var is None:
        _fail(path, m, "track_running_stats=False: there are no inference statistics")
    cls = TdBatchNorm2d if rank == 4 else TdBatchNorm1d
    # alpha = v_threshold = 1: the gain is in the weight; applying the
    # framework's alpha*V_th again would count it twice.
    out = cls(m.num_features, alpha=1.0, v_threshold=1.0, eps=m.eps)
    with torch.no_grad():
        if m.affine:
            out.weight.copy_(m.weight)
            out.bias.copy_(m.bias)
        out.running_mean.copy_(m.running_mean)
        out.running_var.copy_(m.running_var)
    return out


def _avg_pool(path, m):
    if m.ceil_mode:
        _fail(path, m, "ceil_mode=True is not supported")
    if m.divisor_override is not None:
        _fail(path, m, "divisor_override is not supported")
    return nn.AvgPool2d(m.kernel_size, m.stride, m.padding,
                        count_include_pad=m.count_include_pad)


def _max_pool(path, m):
    """MaxPool2d of spikes (their OR) or of a convolution's current before
    the neuron (each neuron takes its window's max): _check_pools checks
    which."""
    if m.ceil_mode:
        _fail(path, m, "ceil_mode=True is not supported")
    if m.return_indices:
        _fail(path, m, "return_indices=True is not supported")
    dilation = m.dilation if isinstance(m.dilation, tuple) else (m.dilation,) * 2
    if any(d != 1 for d in dilation):
        _fail(path, m, f"dilation={m.dilation}: dilated pooling is not supported")
    return nn.MaxPool2d(m.kernel_size, m.stride, m.padding)


def _flatten(path, m):
    if m.start_dim != 1 or m.end_dim != -1:
        _fail(path, m, f"start_dim={m.start_dim}, end_dim={m.end_dim}: only (1, -1) "
              "flattens one sample")
    return nn.Flatten()


def _torch_layer(path, m):
    """The snnc_torch form of a stateless torch.nn layer, [] to drop it, or
    None when the module is not one."""
    if isinstance(m, nn.Conv2d):
        return [_conv2d(path, m)]
    if isinstance(m, nn.Linear):
        return [_linear(path, m)]
    if isinstance(m, nn.BatchNorm2d):
        return [_batch_norm(path, m, 4)]
    if isinstance(m, nn.BatchNorm1d):
        return [_batch_norm(path, m, 2)]
    if isinstance(m, nn.AvgPool2d):
        return [_avg_pool(path, m)]
    if isinstance(m, nn.AdaptiveAvgPool2d):
        size = m.output_size if isinstance(m.output_size, tuple) else (m.output_size,) * 2
        if tuple(size) != (1, 1):
            _fail(path, m, f"output_size={m.output_size}: only global pooling (1) is supported")
        return [nn.AdaptiveAvgPool2d(1)]
    if isinstance(m, nn.Flatten):
        return [_flatten(path, m)]
    if isinstance(m, (nn.Dropout, nn.Dropout2d, nn.Identity)):
        return []  # the identity at inference
    if isinstance(m, nn.MaxPool2d):
        return [_max_pool(path, m)]
    if isinstance(m, (nn.MaxPool1d, nn.AdaptiveMaxPool2d)):
        _fail(path, m, "only MaxPool2d (of spikes) is supported")
    return None


# ---------------------------------------------------------------------------
# SpikingJelly (activation_based, master dd2a4a21).
# ---------------------------------------------------------------------------

_SJ_CONTAINERS = ("SeqToANNContainer", "MultiStepContainer", "TLastMultiStepContainer",
                  "StepModeContainer")
_SJ_DROPOUTS = ("Dropout", "Dropout2d")


def _sj_neuron(path, m):
    """LIFNode, IFNode, ParametricLIFNode (neuron.py) as [gain?, LIF].

    Charge (v_reset 0 or None), then fire at v >= v_threshold, then reset:
      IF:                     v = v + x
      LIF, decay_input=False: v = v * (1 - 1/tau) + x
      LIF, decay_input=True:  v = v + (x - v) / tau      = (1-1/tau) v + x/tau
      PLIF: tau = 1 / sigmoid(w), fixed at its trained value
      v_reset=0: hard reset to 0; v_reset=None: soft reset v -= v_threshold
    """
    name = type(m).__name__
    v_reset = m.v_reset
    if v_reset is not None and float(v_reset) != 0.0:
        _fail(path, m, f"v_reset={v_reset}: only 0 (hard reset) or None (soft reset) can be "
              "expressed; a non-zero reset potential is not representable")
    v_threshold = _scalar(path, m, "v_threshold", m.v_threshold)
    if not v_threshold > 0:
        _fail(path, m, f"v_threshold={v_threshold} must be > 0")
    if name == "IFNode":
        decay, gain = 1.0, None
    elif name == "LIFNode":
        tau = float(m.tau)
        decay = float(np.float32(1.0 - 1.0 / tau))
        gain = 1.0 / tau if m.decay_input else None
    else:  # ParametricLIFNode: the float32 values its forward computes.
        with torch.no_grad():
            k = m.w.detach().float().sigmoid()
            decay = float((1.0 - k).reshape(-1)[0])
            gain = float(k.reshape(-1)[0]) if m.decay_input else None
    reset = "hard" if v_reset is not None else "soft"
    lif = LIF(v_threshold, decay, reset=reset, fire="ge")
    return ([Scale(gain)] if gain is not None else []) + [lif]


def _sj_leaf(path, m, state_passed=False):
    name = type(m).__name__
    if name in ("LIFNode", "IFNode", "ParametricLIFNode"):
        return _sj_neuron(path, m)
    if name in ("ThresholdDependentBatchNorm1d", "ThresholdDependentBatchNorm2d"):
        return [_batch_norm(path, m, 2 if name.endswith("1d") else 4)]
    if name in _SJ_DROPOUTS and not isinstance(m, nn.Dropout):
        return []  # layer.Dropout is a MemoryModule: the identity in eval
    if name.endswith("Node"):
        _fail(path, m, "this neuron model is not supported by from_spikingjelly "
              "(supported: LIFNode, IFNode, ParametricLIFNode)")
    return _torch_layer(path, m)


# ---------------------------------------------------------------------------
# snnTorch (snntorch/_neurons/leaky.py and neurons.py, v0.9.4).
# ---------------------------------------------------------------------------

_SNNTORCH_STATEFUL = ("Synaptic", "Alpha", "Lapicque", "RLeaky", "RSynaptic", "SLSTM",
                      "SConv2dLSTM", "LeakyParallel", "SpikingNeuron", "LIF")


def _snntorch_leaky(path, m, state_passed=False):
    """Leaky with init_hidden=True, reset_delay=True:
      reset_t = [mem_{t-1} > threshold]
      subtract: mem_t = clamp(beta, 0, 1) * mem_{t-1} + x_t - reset_t * threshold
      zero:     mem_t = clamp(beta, 0, 1) * ((1 - reset_t) * mem_{t-1}) + x_t
      spk_t = [mem_t - threshold > 0]
    """
    if not getattr(m, "init_hidden", False) and not state_passed:
        _fail(path, m, "init_hidden=False keeps the membrane in your forward(), which "
              "does not pass it here; use init_hidden=True, or a forward() that loops "
              "over the steps passing each membrane (snnTorch tutorial 5)")
    if not getattr(m, "reset_delay", True):
        _fail(path, m, "reset_delay=False (reset in the same step) is not supported")
    if getattr(m, "state_quant", False):
        _fail(path, m, "state_quant is not supported: snnc quantizes the state itself")
    if getattr(m, "inhibition", False):
        _fail(path, m, "inhibition (winner-take-all) is not supported")
    factor = _scalar(path, m, "graded_spikes_factor", getattr(m, "graded_spikes_factor", 1.0))
    if factor != 1.0:
        _fail(path, m, f"graded_spikes_factor={factor}: spikes must be 0/1")
    mechanism = getattr(m, "reset_mechanism", "subtract")
    if mechanism not in ("subtract", "zero"):
        _fail(path, m, f"reset_mechanism='{mechanism}': only 'subtract' and 'zero' can be "
              "expressed")
    with torch.no_grad():
        beta = m.beta.detach().float().clamp(0, 1) if isinstance(m.beta, torch.Tensor) \
            else torch.tensor(float(m.beta)).clamp(0, 1)
    flat = beta.reshape(-1)
    if flat.numel() > 1 and not bool((flat == flat[0]).all()):
        # One beta per neuron: per channel for the Linear layers snnTorch
        # users give it to (a conv layer's beta must be [C, 1, 1]).
        if beta.dim() not in (1, 3) or (beta.dim() == 3 and beta.shape[1:] != (1, 1)):
            _fail(path, m, f"'beta' of shape {tuple(beta.shape)} varies within a "
                  "channel; the core has one decay per channel")
        decay = [float(v) for v in flat]
    else:
        decay = float(flat[0])
    threshold = _scalar(path, m, "threshold", m.threshold)
    if not threshold > 0:
        _fail(path, m, f"threshold={threshold} must be > 0")
    reset = "subtract" if mechanism == "subtract" else "hard"
    return [LIF(threshold, decay, reset=reset, fire="gt")]


def _snntorch_leaf(path, m, state_passed=False):
    name = type(m).__name__
    if name == "Leaky":
        return _snntorch_leaky(path, m, state_passed)
    if name in _SNNTORCH_STATEFUL:
        _fail(path, m, "this neuron model is not supported by from_snntorch "
              "(supported: Leaky with reset_mechanism 'subtract' or 'zero')")
    if isinstance(m, (nn.RNNBase, nn.RNNCellBase)):
        _fail(path, m, "recurrent layers are not supported")
    return _torch_layer(path, m)


# ---------------------------------------------------------------------------
# The walk, the proof, and the two entry points.
# ---------------------------------------------------------------------------

def _walk(module, path, leaf_fn, containers, out):
    """Appends (source path, source module, [snnc_torch modules]) in data-flow
    order.  Only containers whose forward is the sequence of their children
    are entered; any other module with children has its own forward(),
    whose data flow a converter cannot know."""
    converted = leaf_fn(path, module)
    if converted is not None:
        out.append((path, module, converted))
        return
    if isinstance(module, nn.Sequential) or type(module).__name__ in containers:
        for name, child in module.named_children():
            _walk(child, f"{path}.{name}" if path else name, leaf_fn, containers, out)
        return
    if isinstance(module, (nn.RNNBase, nn.RNNCellBase)):
        _fail(path, module, "recurrent layers are not supported")
    if any(True for _ in module.children()):
        raise _OwnForward()
    _fail(path, module, "this layer is not supported (see docs/interop.md)")


_NEURONS = ("Leaky",) + _SNNTORCH_STATEFUL
_SJ_NORMS = ("ThresholdDependentBatchNorm1d", "ThresholdDependentBatchNorm2d")


def _is_leaf(module, containers):
    """Where graph capture stops: the frameworks' neurons and norms (whose
    forward() is their dynamics) and modules without children."""
    name = type(module).__name__
    if isinstance(module, nn.Sequential) or name in containers:
        return False
    if name.endswith("Node") or name in _NEURONS or name in _SJ_NORMS:
        return True
    return not any(True for _ in module.children())


def _check_pools(layers):
    """What snnc compile accepts of pools, checked where the converter can
    name the module: a pool of a current (after a convolution and its norms,
    before the neuron) folds into that convolution at compile time (a
    strided, box-filtered kernel: docs/interop.md), unless it is padded; a
    max pool reads spikes (their OR) or, before the neuron, a current whose
    windows tile the plane (each neuron takes its window's max); not the
    input."""
    source = "input"  # what the current layer reads: input, current, spikes
    for path, module, converted in layers:
        for m in converted:
            if isinstance(m, nn.Conv2d):
                source = "current"
            elif isinstance(m, nn.Linear):
                source = "dense current"
            elif isinstance(m, nn.MaxPool2d) and source == "dense current":
                _fail(path, module, "max pooling reads spikes or a convolution's current; "
                      "this one reads a Linear layer's output")
            elif isinstance(m, LIF):
                source = "spikes"
            elif isinstance(m, nn.MaxPool2d) and source == "current":
                pair = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v, v)
                if pair(m.stride) != pair(m.kernel_size) or any(pair(m.padding)):
                    _fail(path, module, f"kernel_size={m.kernel_size}, stride={m.stride}, "
                          f"padding={m.padding}: max pooling a current needs windows that "
                          "tile the plane (stride equal to kernel_size, no padding)")
                source = "pooled current"
            elif isinstance(m, nn.MaxPool2d) and source != "spikes":
                _fail(path, module, "max pooling reads spikes or a convolution's current; "
                      + ("this one reads an already max-pooled current"
                         if source == "pooled current" else
                         "this one reads the network input"))
            elif isinstance(m, nn.AvgPool2d) and source == "pooled current":
                _fail(path, module, "average pooling of a max-pooled current has no "
                      "event-driven form; pool once before the neuron")
            elif source == "pooled current" and hasattr(m, "running_var"):
                scale = getattr(m, "weight", None)
                if scale is not None and bool((scale.detach() < 0).any()):
                    _fail(path, module, "a norm with a negative scale after max pooling "
                          "a current turns the max into a min; apply it before the pool")
            elif isinstance(m, nn.AvgPool2d) and source == "current":
                padding = m.padding if isinstance(m.padding, tuple) else (m.padding,) * 2
                if any(padding):
                    _fail(path, module, f"padding={m.padding}: a pool of a convolution's "
                          "current folds into the convolution only without padding")


def _membrane_readout(layers, readout):
    """A membrane readout of an nn.Sequential: its last layer must be a
    Leaky(output=True) after a Linear layer (a [N, K] membrane); its LIF
    then passes on its membrane."""
    index = max(i for i, (_, _, conv) in enumerate(layers) if conv)
    path, module, conv = layers[index]
    if type(module).__name__ != "Leaky" or not isinstance(conv[-1], LIF):
        _fail(path, module, f"readout='{readout}' reads the membrane of a last snnTorch "
              "Leaky(output=True); the network ends in this layer")
    if not getattr(module, "output", False):
        _fail(path, module, f"readout='{readout}' reads the membrane that output=True "
              "returns; this last Leaky has output=False")
    source = membrane_source([m for _, _, c in layers[:index] for m in c] + conv[:-1])
    if source is not None:
        _fail(path, module, f"readout='{readout}' needs a [N, K] membrane, a last neuron "
              f"after a Linear layer; this one reads {source or 'the network input'}")
    conv[-1].output = "membrane"


def _convert(net, leaf_fn, containers, framework, readout="spikes"):
    layers = []
    model = None
    membrane = readout if readout != "spikes" else None
    try:
        _walk(net, "", leaf_fn, containers, layers)
    except _OwnForward:
        # A module has its own forward(): trace the whole net instead.
        model, layers = capture(net, leaf_fn, lambda m: _is_leaf(m, containers), _fail,
                                membrane)
    if not layers:
        raise ConversionError(f"{framework}: the network has no layers")
    if membrane and model is None:
        _membrane_readout(layers, readout)
    spiking = [p for p, _, conv in layers if conv and isinstance(conv[-1], LIF)]
    last_module = next((m for _, m, conv in reversed(layers) if conv), None)
    for path, module, _ in layers:
        # snnTorch's Leaky(output=True) returns (spk, mem): only the net's
        # last layer may, and its readout is then its spike rate.
        if getattr(module, "output", False) and module is not last_module:
            _fail(path, module, "output=True returns the membrane too; only the last "
                  "layer of a snnTorch net may do that")
    _check_pools(layers)
    if not spiking:
        raise ConversionError(f"{framework}: the network has no spiking neurons")
    if model is None:
        model = nn.Sequential(*[m for _, _, conv in layers for m in conv])
    model.eval()
    return model, layers


def _sample_input(sample, input_shape, input_range, timesteps, encoding):
    if sample is not None:
        return torch.as_tensor(sample, dtype=torch.float32)
    if input_shape is None:
        raise ConversionError("the built-in check needs an input: pass sample= or input_shape=")
    gen = torch.Generator().manual_seed(0)
    lo, hi = input_range
    shape = (timesteps,) + tuple(input_shape) if encoding == "events" else tuple(input_shape)
    if encoding == "events":
        return (torch.rand(shape, generator=gen) < 0.3).float()
    return lo + (hi - lo) * torch.rand(shape, generator=gen)


def _record(modules, membranes=()):
    """Forward hooks that collect each module's outputs, call by call: the
    spikes of a neuron that returns (spk, mem), its membrane for the
    modules in `membranes` (a membrane readout)."""
    records = {id(m): [] for m in modules}
    pick = {id(m): 1 if any(m is r for r in membranes) else 0 for m in modules}
    handles = [m.register_forward_hook(
        lambda mod, _inp, out: records[id(mod)].append(
            (out[pick[id(mod)]] if isinstance(out, tuple) else out).detach().clone()))
        for m in modules]
    return records, handles


def _calls(records):
    """A module's outputs over all its calls, flattened in call order: T-major
    for both a single-step source (T calls of [N, ...]), a multi-step one (one
    call of [T, N, ...] or [T*N, ...]) and the converted model ([T*N, ...])."""
    return torch.cat([r.reshape(-1) for r in records]) if records else None


def _difference(ref, got):
    """The largest difference of two value tensors, and what it may be:
    TOLERANCE relative to the reference's largest value, at least 1."""
    return (float((ref - got).abs().max()),
            TOLERANCE * max(1.0, float(ref.abs().max())))


def _compare(layers, source_records, converted_records):
    """Raises at the first layer whose outputs differ; returns per layer its
    path, type, firing rate (spiking layers) and largest difference."""
    report = []
    for path, module, conv in layers:
        if not conv:
            continue
        ref = _calls(source_records[id(module)])
        got = _calls(converted_records[id(conv[-1])])
        where = f"check: layer '{path}' ({type(module).__name__})"
        if ref is None or got is None:
            raise ConversionError(f"{where} was not run by the source model; is the net's "
                                  "data flow the order of its layers?")
        if ref.numel() != got.numel():
            raise ConversionError(f"{where} gives {ref.numel()} values, the converted "
                                  f"model {got.numel()}")
        lif = conv[-1]
        if isinstance(lif, LIF) and lif.is_membrane_readout:
            # The readout's membrane: values, and how often it crossed the
            # threshold (the spikes that reset it).
            err, tolerance = _difference(ref, got)
            if not err <= tolerance:
                raise ConversionError(f"{where}: its membrane differs from the source "
                                      f"model's by {err:.3g} (tolerance {tolerance:.3g})")
            fired = ref >= lif.v_threshold if lif.fire == "ge" else ref > lif.v_threshold
            report.append({"layer": path, "type": type(module).__name__,
                           "readout": "membrane", "firing_rate": float(fired.float().mean()),
                           "max_error": err})
        elif isinstance(conv[-1], LIF):
            differ = int((ref != got).sum())
            if differ:
                raise ConversionError(f"{where}: {differ} of {ref.numel()} spikes differ "
                                      "from the source model")
            report.append({"layer": path, "type": type(module).__name__,
                           "firing_rate": float(ref.mean()), "max_error": 0.0})
            if not ref.any():
                warnings.warn(f"check: layer '{path}' did not spike on the check's input, "
                              "so its dynamics went unchecked; pass a representative sample=")
        else:
            err, tolerance = _difference(ref, got)
            if not err <= tolerance:
                raise ConversionError(f"{where} differs from the source model by {err:.3g} "
                                      f"(tolerance {tolerance:.3g})")
            report.append({"layer": path, "type": type(module).__name__, "max_error": err})
    return report


def _prove(net, model, layers, x, timesteps, encoding, run_source):
    """Runs both models on x and compares layer by layer, then the output
    (for a membrane readout: the source's last neuron's membranes, over
    T as the model reads them)."""
    src_modules = [m for _, m, conv in layers if conv]
    conv_modules = [conv[-1] for _, _, conv in layers if conv]
    membrane = [m for _, m, conv in layers
                if conv and isinstance(conv[-1], LIF) and conv[-1].is_membrane_readout]
    src_rec, src_handles = _record(src_modules, membrane)
    conv_rec, conv_handles = _record(conv_modules)
    try:
        with torch.no_grad():
            try:
                src_out = run_source(net, x)
            except Exception as err:  # the user's model: report, do not mask
                raise ConversionError(f"check: running the source model failed: {err}") from err
            got = run(model, x, timesteps, encoding)
    finally:
        for h in src_handles + conv_handles:
            h.remove()
    if membrane:
        seq = torch.stack(src_rec[id(membrane[0])])  # [T, N, K]: one call a step
        src_out = seq[-1] if getattr(model, "snnc_readout", "mean") == "last" else seq.mean(0)
    report = _compare(layers, src_rec, conv_rec)
    if src_out.shape != got.shape:
        raise ConversionError(f"check: the output has shape {list(src_out.shape)}, the "
                              f"converted model's {list(got.shape)}")
    err, tolerance = _difference(src_out, got)
    if not err <= tolerance:
        raise ConversionError(f"check: the output differs from the source model by {err:.3g}")
    return {"layers": report, "output_max_error": err, "samples": int(got.shape[0])}


def _sequence(x, timesteps, encoding):
    """[T, N, ...] frames from a direct [N, ...] or events [T, N, ...] input."""
    if encoding == "direct":
        return x.unsqueeze(0).expand(timesteps, *x.shape)
    if x.shape[0] != timesteps:
        raise ConversionError(f"events input has {x.shape[0]} steps, expected {timesteps}")
    return x


def _reset_spikingjelly(net):
    for m in net.modules():
        if hasattr(m, "reset") and callable(m.reset) and hasattr(m, "_memories"):
            m.reset()


def _run_spikingjelly(net, x, timesteps, encoding):
    seq = _sequence(x, timesteps, encoding)
    _reset_spikingjelly(net)
    multi = any(getattr(m, "step_mode", "s") == "m" for m in net.modules()
                if type(m).__name__.endswith("Node"))
    if multi:
        out = net(seq)
    else:
        out = torch.stack([net(seq[t]) for t in range(timesteps)])
    _reset_spikingjelly(net)
    return out.mean(0)


def _run_snntorch(net, x, timesteps, encoding):
    seq = _sequence(x, timesteps, encoding)

    def reset():
        for m in net.modules():
            if type(m).__name__ == "Leaky":
                m.mem = torch.zeros(0)

    def step(x_t):
        out = net(x_t)  # a last Leaky(output=True) returns (spk, mem)
        return out[0] if isinstance(out, tuple) else out

    reset()
    out = torch.stack([step(seq[t]) for t in range(timesteps)])
    reset()
    return out.mean(0)


def _run_time_loop(net, x, timesteps, encoding):
    """A net whose forward() loops over the steps itself, returning its
    per-step record (stacked) first: the record's mean over T."""
    for m in net.modules():
        if hasattr(m, "reset_mem"):
            m.reset_mem()
    out = net(x)
    out = out[0] if isinstance(out, (tuple, list)) else out
    return out.mean(0)


def _convert_and_prove(net, framework, name, timesteps, sample, input_shape, encoding,
                       input_range, check, readout="spikes"):
    """framework: (leaf mapping, container names, the way to run a source)."""
    leaf_fn, containers, runner = framework
    if readout not in READOUTS:
        raise ConversionError(f"{name}: readout={readout!r} must be one of "
                              + ", ".join(repr(r) for r in READOUTS))
    model, layers = _convert(net, leaf_fn, containers, name, readout)
    # How snnc_torch.run and export read the model over T.
    model.snnc_readout = "last" if readout == "membrane_last" else "mean"
    looped = getattr(model, "source_time_steps", None)
    if looped is not None:
        # forward() runs the time loop itself (snnTorch tutorial 5).
        if looped != int(timesteps):
            raise ConversionError(f"{name}: forward() loops over {looped} steps; pass "
                                  f"timesteps={looped}")
        if encoding != "direct":
            raise ConversionError(f"{name}: a forward() with its own time loop reads the "
                                  "same input every step: only encoding='direct'")
        runner = _run_time_loop
    model.conversion_check = None
    if not check:
        return model
    modes = _eval_mode(net)
    try:
        x = _sample_input(sample, input_shape, input_range, timesteps, encoding)
        model.conversion_check = _prove(net, model, layers, x, timesteps, encoding,
                                        lambda n, v: runner(n, v, timesteps, encoding))
    finally:
        _restore(modes)
    return model


def _eval_mode(net):
    """Puts the source in eval mode for the check and returns its modes, to
    restore after (in training mode it would use batch statistics and update
    the running ones)."""
    modes = [(m, m.training) for m in net.modules()]
    net.eval()
    return modes


def _restore(modes):
    for m, training in modes:
        m.training = training


def from_spikingjelly(net: nn.Module, timesteps: int,
                      sample: torch.Tensor | npt.ArrayLike | None = None,
                      input_shape: Sequence[int] | None = None, encoding: str = "direct",
                      input_range: tuple[float, float] = (0.0, 1.0),
                      check: bool = True, readout: str = "spikes") -> nn.Module:
    """Converts a SpikingJelly ``activation_based`` network.

    net: an nn.Sequential (or SpikingJelly container) of layers, single- or
    multi-step.  timesteps: T for the check.  sample: an input for the check
    ([N, ...] direct, [T, N, ...] events); otherwise input_shape ([N, ...])
    draws one uniformly in input_range.  Returns an nn.Sequential (an
    fx.GraphModule where modules have their own forward()) in eval
    mode whose ``conversion_check`` holds the check's figures (per layer:
    firing rate, largest difference); raises ConversionError for what cannot
    be expressed or does not match.  readout: only "spikes" (SpikingJelly's
    neurons return their spikes; a membrane readout is snnTorch's
    ``Leaky(output=True)``, see :func:`from_snntorch`).
    """
    if readout != "spikes":
        raise ConversionError(
            f"from_spikingjelly: readout={readout!r}: SpikingJelly's neurons return their "
            "spikes only, so a net is read by its spikes or its last Linear layer; a "
            "membrane readout is snnTorch's Leaky(output=True) (from_snntorch)")
    return _convert_and_prove(net, (_sj_leaf, _SJ_CONTAINERS, _run_spikingjelly),
                              "from_spikingjelly", timesteps, sample, input_shape,
                              encoding, input_range, check)


def from_snntorch(net: nn.Module, timesteps: int,
                  sample: torch.Tensor | npt.ArrayLike | None = None,
                  input_shape: Sequence[int] | None = None, encoding: str = "direct",
                  input_range: tuple[float, float] = (0.0, 1.0),
                  check: bool = True, readout: str = "spikes") -> nn.Module:
    """Converts a snnTorch network of ``init_hidden=True`` Leaky layers in an
    nn.Sequential (the arguments are those of :func:`from_spikingjelly`).

    readout: how a net ending in ``Leaky(output=True)`` after a Linear layer
    is read: "spikes" (the default: spike count / T; a net that ends
    otherwise is read as its last layer gives it), "membrane_mean" (its
    membrane's mean over T) or "membrane_last" (its membrane at the last
    step).  A membrane readout's last LIF passes on its membrane
    (``output="membrane"``), the check compares it with the membrane the
    Leaky returns, and ``model.snnc_readout`` ("mean" or "last") tells
    :func:`snnc_torch.run` and :func:`snnc_torch.export` how to read it.
    In a forward() with its own time loop (snnTorch tutorial 5) the
    membrane record forward() returns (``torch.stack(mem_rec)``) is read.
    """
    return _convert_and_prove(net, (_snntorch_leaf, (), _run_snntorch), "from_snntorch",
                              timesteps, sample, input_shape, encoding, input_range, check,
                              readout)


__all__ = ["ConversionError", "from_snntorch", "from_spikingjelly"]
