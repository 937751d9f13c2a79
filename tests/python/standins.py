"""Stand-ins for SpikingJelly and snnTorch modules.

Neither framework is installable here, so the converter tests build these:
each carries exactly the attributes the converters read and the forward
equations of the real class, in the same evaluation order (float results
must match bit for bit).  Each cites its upstream source; the converters were
also checked against the real frameworks (docs/interop.md).
"""

import math

import torch
import torch.nn as nn


def _heaviside_ge(x):
    """spikingjelly/activation_based/surrogate.py (dd2a4a21) lines 13-40:
    heaviside(x) = (x >= 0), the forward of every surrogate function."""
    return (x >= 0).to(x)


def _heaviside_gt(x):
    """snntorch/surrogate.py (v0.9.4) lines 33-35 and the other surrogates'
    forward: (input_ > 0).float()."""
    return (x > 0).float()


# ---------------------------------------------------------------------------
# SpikingJelly, activation_based, master dd2a4a21.
# ---------------------------------------------------------------------------

class SJMemoryModule(nn.Module):
    """base.py lines 153-330: MemoryModule, whose reset() restores every
    registered memory; step_mode 's' (one step a call) or 'm' ([T, N, ...])."""

    def __init__(self, step_mode="s"):
        super().__init__()
        self._memories = {}
        self._memories_rv = {}
        self.step_mode = step_mode

    def register_memory(self, name, value):
        self._memories[name] = value
        self._memories_rv[name] = value
        setattr(self, name, value)

    def reset(self):
        for name, value in self._memories_rv.items():
            setattr(self, name, value)

    def forward(self, x):
        if self.step_mode == "s":
            return self.single_step_forward(x)
        return torch.stack([self.single_step_forward(x[t]) for t in range(x.shape[0])])


class _SJBaseNode(SJMemoryModule):
    """neuron.py lines 84-326: BaseNode.  single_step_forward charges, fires
    with heaviside(v - v_threshold) and resets: soft v - v_threshold * spike
    (v_reset None), hard spike * v_reset + (1 - spike) * v (lines 240-266).
    v starts at v_reset, or 0 with soft reset (lines 153-160)."""

    def __init__(self, v_threshold=1.0, v_reset=0.0, step_mode="s"):
        super().__init__(step_mode)
        self.v_threshold = v_threshold
        self.v_reset = v_reset
        self.register_memory("v", 0.0 if v_reset is None else v_reset)

    def single_step_forward(self, x):
        if isinstance(self.v, float):
            self.v = torch.full_like(x, self.v)
        self.neuronal_charge(x)
        spike = _heaviside_ge(self.v - self.v_threshold)
        if self.v_reset is None:
            self.v = self.v - spike * self.v_threshold
        else:
            self.v = self.v_reset * spike + (1.0 - spike) * self.v
        return spike


class IFNode(_SJBaseNode):
    """neuron.py lines 433-522: v = v + x."""

    def neuronal_charge(self, x):
        self.v = self.v + x


class LIFNode(_SJBaseNode):
    """neuron.py lines 704-863: the four charge equations of lines 842-863."""

    def __init__(self, tau=2.0, decay_input=True, v_threshold=1.0, v_reset=0.0, step_mode="s"):
        super().__init__(v_threshold, v_reset, step_mode)
        self.tau = tau
        self.decay_input = decay_input

    def neuronal_charge(self, x):
        reset0 = self.v_reset is None or self.v_reset == 0.0
        if self.decay_input:
            if reset0:
                self.v = self.v + (x - self.v) / self.tau
            else:
                self.v = self.v + (x - (self.v - self.v_reset)) / self.tau
        elif reset0:
            self.v = self.v * (1.0 - 1.0 / self.tau) + x
        else:
            self.v = self.v - (self.v - self.v_reset) / self.tau + x


class ParametricLIFNode(_SJBaseNode):
    """neuron.py lines 1162-1230: w = -log(init_tau - 1), k = sigmoid(w)."""

    def __init__(self, init_tau=2.0, decay_input=True, v_threshold=1.0, v_reset=0.0,
                 step_mode="s"):
        super().__init__(v_threshold, v_reset, step_mode)
        self.decay_input = decay_input
        self.w = nn.Parameter(torch.as_tensor(-math.log(init_tau - 1.0)))

    def neuronal_charge(self, x):
        k = self.w.sigmoid()
        if self.decay_input:
            if self.v_reset is None or self.v_reset == 0.0:
                self.v = self.v + (x - self.v) * k
            else:
                self.v = self.v + (x - (self.v - self.v_reset)) * k
        elif self.v_reset is None or self.v_reset == 0.0:
            self.v = self.v * (1.0 - k) + x
        else:
            self.v = self.v - (self.v - self.v_reset) * k + x


class QIFNode(_SJBaseNode):
    """neuron.py: a neuron model the converter does not map."""

    def neuronal_charge(self, x):
        self.v = self.v + x * x


class SeqToANNContainer(nn.Sequential):
    """layer.py lines 35-51: runs its stateless children on [T*N, ...]
    (functional.seq_to_ann_forward)."""

    def forward(self, x_seq):
        y = super().forward(x_seq.flatten(0, 1))
        return y.reshape(x_seq.shape[0], x_seq.shape[1], *y.shape[1:])


class MultiStepContainer(nn.Sequential):
    """layer.py lines 16-32: runs its single-step children step by step."""

    def forward(self, x_seq):
        return torch.stack([super(MultiStepContainer, self).forward(x) for x in x_seq])


class ThresholdDependentBatchNorm2d(nn.modules.batchnorm._BatchNorm):
    """layer.py lines 1906-1990: a BN whose weight is initialised to
    alpha * v_th (the gain lives in the weight); multi-step only."""

    def __init__(self, alpha, v_th, num_features, eps=1e-5):
        super().__init__(num_features, eps=eps)
        self.alpha, self.v_th, self.step_mode = alpha, v_th, "m"
        nn.init.constant_(self.weight, alpha * v_th)

    def _check_input_dim(self, x):
        pass

    def forward(self, x_seq):
        y = super().forward(x_seq.flatten(0, 1))
        return y.reshape(x_seq.shape[0], x_seq.shape[1], *y.shape[1:])


class Dropout(SJMemoryModule):
    """layer.py lines 1131-1225: a MemoryModule (its mask persists over
    steps) that is the identity in eval mode."""

    def __init__(self, p=0.5, step_mode="s"):
        super().__init__(step_mode)
        self.p = p

    def forward(self, x):
        return x


# ---------------------------------------------------------------------------
# snnTorch v0.9.4.
# ---------------------------------------------------------------------------

class Leaky(nn.Module):
    """snntorch/_neurons/leaky.py lines 140-247 with neurons.py lines 73-107:
    with init_hidden=True the state lives in the module.  Per call:
      reset = heaviside(mem - threshold)           (mem_reset, detached)
      subtract: mem = beta.clamp(0, 1) * mem + x - reset * threshold
      zero:     mem = (1 - reset) * mem; mem = beta.clamp(0, 1) * mem + x
      spk = heaviside(mem - threshold) * graded_spikes_factor
    mem starts as zeros(0) and becomes zeros_like(x) on the first call."""

    def __init__(self, beta, threshold=1.0, init_hidden=False, reset_mechanism="subtract",
                 learn_beta=False, learn_threshold=False, output=False, reset_delay=True,
                 graded_spikes_factor=1.0, state_quant=False, inhibition=False):
        super().__init__()
        beta = torch.as_tensor(beta, dtype=torch.float32)
        threshold = torch.as_tensor(threshold, dtype=torch.float32)
        self.beta = nn.Parameter(beta) if learn_beta else beta
        self.threshold = nn.Parameter(threshold) if learn_threshold else threshold
        self.init_hidden, self.output, self.reset_delay = init_hidden, output, reset_delay
        self.reset_mechanism = reset_mechanism
        self.graded_spikes_factor = torch.as_tensor(graded_spikes_factor)
        self.state_quant, self.inhibition = state_quant, inhibition
        self.mem = torch.zeros(0)

    def reset_mem(self):
        """leaky.py 188-194: a fresh membrane (init_leaky is its old name)."""
        self.mem = torch.zeros_like(self.mem)
        return self.mem

    init_leaky = reset_mem

    def forward(self, x, mem=None):
        if mem is not None:  # leaky.py 196-207: an explicit membrane
            self.mem = mem
        if self.mem.shape != x.shape:
            self.mem = torch.zeros_like(x)
        reset = _heaviside_gt(self.mem - self.threshold).detach()
        if self.reset_mechanism == "subtract":
            self.mem = self.beta.clamp(0, 1) * self.mem + x - reset * self.threshold
        else:
            self.mem = (1 - reset) * self.mem
            self.mem = self.beta.clamp(0, 1) * self.mem + x
        spk = _heaviside_gt(self.mem - self.threshold) * self.graded_spikes_factor
        # leaky.py 230-235: the membrane too, with output=True or when the
        # caller keeps the state (init_hidden=False).
        return (spk, self.mem) if self.output or not self.init_hidden else spk


class Synaptic(Leaky):
    """snntorch/_neurons/synaptic.py: two state variables; not mapped."""
