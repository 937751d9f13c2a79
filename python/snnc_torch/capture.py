"""Graph capture for networks whose modules have their own ``forward()``.

A converter walks ``nn.Sequential`` and the frameworks' sequential
containers; a module with a ``forward()`` of its own (a residual block, a
tutorial's ``Net`` class) hides its data flow there.  ``capture`` traces it
with ``torch.fx``, keeping each framework's neurons, norms and layers as
leaf modules, and rebuilds the traced graph with every leaf replaced by its
snnc_torch form.  What the graph may do between leaves is what the snnc
ONNX convention can express:

- ``a + b`` (``operator.add``, ``+=``, ``torch.add``, ``Tensor.add``): the
  residual add of two currents or of a current and spikes before a neuron
  (spiking ResNet), or SEW ResNet's add of two spike tensors (graded
  events, docs/onnx-convention.md);
- ``torch.flatten(x, 1)`` and ``x.flatten(1)``;
- a last ``Leaky(output=True)`` whose ``(spk, mem)`` is unpacked and only
  ``spk`` used; or, for a membrane readout (``membrane``), only ``mem``,
  which forward() returns (alone, or beside ``spk``);
- a time loop (snnTorch tutorial 5): ``for step in range(num_steps)`` calling
  every layer once a step, passing each neuron its membrane
  (``spk, mem = self.lif(cur, mem)``) and returning the stacked per-step
  records.  fx unrolls it; every step must repeat step 0 (the same layers on
  the same inputs, the previous step's membranes), and step 0 becomes the
  converted graph, whose neurons keep their membranes themselves.  The
  first stacked record is the output; for a membrane readout, the one
  stacked record of the last neuron's membranes.

Anything else is refused naming the module whose forward() does it and the
Python construct (``module 'layer1.0' (BasicBlock): forward() calls
torch.cat``).  Every leaf is called once per step.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING

import torch
import torch.fx as fx
import torch.nn as nn

from .layers import LIF, TdBatchNorm1d

if TYPE_CHECKING:  # for type checkers only: nothing more is imported
    from collections.abc import Callable
    from typing import NoReturn

    Layers = list[tuple[str, nn.Module, list[nn.Module]]]

_ADDS = {operator.add, operator.iadd, torch.add}
_ADD_METHODS = {"add", "add_", "__add__", "__iadd__"}


class _Tracer(fx.Tracer):
    """Keeps `is_leaf` modules whole and records, for every node, the module
    whose forward() created it (for the refusals' names)."""

    def __init__(self, is_leaf):
        super().__init__()
        self._is_leaf = is_leaf
        self._stack = []
        self.failed_in = None  # the innermost module whose forward() raised

    def is_leaf_module(self, m, qualname):
        return self._is_leaf(m)

    def call_module(self, m, forward, args, kwargs):
        self._stack.append((self.path_of_module(m), m))
        try:
            out = super().call_module(m, forward, args, kwargs)
            if self._is_leaf(m) and (getattr(m, "output", False) or len(args) > 1):
                # A neuron that returns (spk, mem) (snnTorch's Leaky with
                # output=True, or called with its membrane): a real tuple,
                # so that `spk, mem = self.lif(x, mem)` unpacks.
                return out[0], out[1]
            return out
        except Exception:
            if self.failed_in is None:
                self.failed_in = self._stack[-1]
            raise
        finally:
            self._stack.pop()

    def create_node(self, *args, **kwargs):
        node = super().create_node(*args, **kwargs)
        node.meta["snnc_owner"] = self._stack[-1] if self._stack else ("", self.root)
        return node


def _name(target):
    """How a traced callable reads in Python."""
    if isinstance(target, str):
        return f"Tensor.{target}"
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__name__", repr(target))
    if module in ("_operator", "operator"):
        return f"operator.{name}"
    return f"{module.replace('torch._C._VariableFunctions', 'torch')}.{name}" if module else name


def _flatten_ok(node):
    """flatten of one sample: start_dim 1 (the batch stays), end_dim -1."""
    args = list(node.args[1:])
    start = node.kwargs.get("start_dim", args[0] if args else 0)
    end = node.kwargs.get("end_dim", args[1] if len(args) > 1 else -1)
    return start == 1 and end == -1


def _check_between_leaves(node, fail):
    """Refuses a graph node that no snnc op expresses."""
    path, owner = node.meta.get("snnc_owner", ("", None))

    def refuse(why):
        fail(path, owner, why)

    if node.op == "call_function":
        if node.target in _ADDS:
            if len(node.args) != 2 or node.kwargs:
                refuse(f"forward() calls {_name(node.target)} with extra arguments; only a "
                       "plain a + b is a residual add")
            return
        if node.target is torch.flatten:
            if not _flatten_ok(node):
                refuse("forward() flattens with other dims than (1, -1); only a flatten of "
                       "each sample is supported")
            return
        refuse(f"forward() calls {_name(node.target)}, which snnc cannot map (supported "
               "between layers: a + b, torch.flatten(x, 1))")
    elif node.op == "call_method":
        if node.target in _ADD_METHODS and len(node.args) == 2 and not node.kwargs:
            return
        if node.target == "flatten" and _flatten_ok(node):
            return
        refuse(f"forward() calls Tensor.{node.target}, which snnc cannot map (supported "
               "between layers: a + b, x.flatten(1))")
    elif node.op == "get_attr":
        refuse(f"forward() reads '{node.target}' directly; a constant tensor between "
               "layers is not supported")


def _getitem_of(node, index):
    """Whether node is `call[index]` of a layer call: (spk, mem)[index]."""
    return isinstance(node, fx.Node) and node.op == "call_function" and \
        node.target is operator.getitem and node.args[0].op == "call_module" and \
        node.args[1] == index


def _return_membrane(graph, root, membrane, fail):
    """A membrane readout without a time loop: forward() returns the `mem`
    of `spk, mem = self.lif(x)`, alone or with other values (`return spk,
    mem`); the converted graph returns that membrane only.  Returns the
    readout neuron's call node."""
    out = next(n for n in graph.nodes if n.op == "output")
    result = out.args[0]
    results = list(result) if isinstance(result, (tuple, list)) else [result]
    mems = [r for r in results if _getitem_of(r, 1)]
    if len(mems) != 1:
        fail("", root, f"readout='{membrane}' reads the membrane of the last Leaky(output="
             "True), but forward() returns " + ("none" if not mems else
                                                f"{len(mems)} membranes"))
    call = mems[0].args[0]
    others = [r for r in results if r is not mems[0] and not (
        _getitem_of(r, 0) and r.args[0] is call)]
    if others:
        fail("", root, f"readout='{membrane}' reads the membrane of the last Leaky(output="
             "True), but forward() also returns " + ", ".join(
                 f"'{r.name}'" if isinstance(r, fx.Node) else repr(r) for r in others)
             + "; return its membrane alone, or with its spikes")
    out.args = (mems[0],)
    for r in results:  # the neuron's spikes beside its membrane, now unused
        if r is not mems[0] and not r.users:
            graph.erase_node(r)
    return call


def _unpack_membrane_outputs(graph, node, module, path, fail, readout=False,
                             membrane=None):
    """A Leaky(output=True) returns (spk, mem): its converted LIF returns
    spk, so `out[0]` becomes the node itself; the membrane is refused.  The
    membrane readout's (`readout`) returns mem instead: `out[1]` becomes
    the node, and its spikes must be unused."""
    if not getattr(module, "output", False):
        return
    if readout:
        for user in list(node.users):
            if _getitem_of(user, 1):
                user.replace_all_uses_with(node)
                graph.erase_node(user)
            elif _getitem_of(user, 0) and not user.users:
                graph.erase_node(user)
            else:
                fail(path, module, f"forward() uses the spikes of the Leaky whose membrane "
                     f"is the readout (readout='{membrane}'); it must be the last layer")
        return
    for user in list(node.users):
        index = user.args[1] if user.op == "call_function" and \
            user.target is operator.getitem else None
        if index == 0:
            user.replace_all_uses_with(node)
            graph.erase_node(user)
        elif index == 1 and not user.users:
            graph.erase_node(user)  # `spk, mem = ...` with mem unused
        else:
            fail(path, module, "forward() uses the membrane that output=True returns; "
                 "snnc reads out a last spiking layer's spikes (its spike count), or "
                 "its membrane with readout='membrane_mean' or 'membrane_last'")


def _step_of(graph):
    """For every node: the time step it belongs to (the largest step of the
    layer calls it depends on; a layer's k-th call is step k), or None for
    what depends on no call (the input, constants)."""
    calls = {}
    step = {}
    for node in graph.nodes:
        deps = [step[a] for a in node.all_input_nodes if step.get(a) is not None]
        if node.op == "call_module":
            k = calls.get(node.target, 0)
            calls[node.target] = k + 1
            step[node] = k
        else:
            step[node] = max(deps) if deps else None
    return step, calls


def _stacked(node):
    """The per-step nodes a `torch.stack(list, 0)` collects, or None."""
    if node.op != "call_function" or node.target is not torch.stack:
        return None
    dim = node.kwargs.get("dim", node.args[1] if len(node.args) > 1 else 0)
    items = node.args[0]
    return list(items) if dim == 0 and isinstance(items, (list, tuple)) else None


def _membrane_record(result, steps, root, membrane, fail):
    """The stacked record of one neuron's membranes that forward() returns
    (alone or among its results), for a membrane readout."""
    results = list(result) if isinstance(result, (tuple, list)) else [result]
    records = [r for r in (_stacked(x) if isinstance(x, fx.Node) else None
                           for x in results)
               if r and all(_is_membrane(n) for n in r)]
    if len(records) != 1:
        fail("", root, f"readout='{membrane}' reads the last neuron's membrane record, but "
             "forward() returns " + (f"{len(records)} membrane records" if records else
                                     "none stacked (torch.stack(mem_rec, dim=0))"))
    record = records[0]
    if len({n.args[0].target for n in record}) != 1:
        fail("", root, "forward()'s membrane record mixes neurons; it must record one")
    if len(record) != steps:
        fail("", root, f"forward()'s membrane record has {len(record)} values for "
             f"{steps} steps")
    return record


def _one_step(graph, root, fail, membrane=None):
    """A forward() that loops over time (snnTorch tutorial 5: every layer
    called once a step, membranes passed from step to step, records
    stacked) as the graph of one step whose neurons keep their own state;
    None when forward() has no time loop. Returns (graph, steps).  With
    `membrane` (a membrane readout) the step returns the neuron whose
    membrane record forward() returns (its converted LIF passes on its
    membrane)."""
    step, calls = _step_of(graph)
    counts = set(calls.values())
    if counts <= {1}:
        return None
    if len(counts) != 1:
        target, times = next((t, n) for t, n in calls.items() if n > 1)
        once = "once" if min(counts) == 1 else f"{min(counts)} times"
        fail(target, root.get_submodule(target), f"forward() calls it {times} times, "
             f"other layers {once}; every layer runs once a step (in a time loop: "
             "once in each step)")
    steps = counts.pop()
    out = next(n for n in graph.nodes if n.op == "output")
    result = out.args[0]
    if membrane:
        record = _membrane_record(result, steps, root, membrane, fail)
    else:
        first = result[0] if isinstance(result, (tuple, list)) else result
        record = _stacked(first) if isinstance(first, fx.Node) else None
        if record is None or len(record) != steps:
            fail("", root, "forward() loops over time but does not return its per-step "
                 "outputs stacked (torch.stack(records, dim=0)) as its first result")
    body = [n for n in graph.nodes if step.get(n) == 0 and _stacked(n) is None]
    # Every step repeats step 0: the same ops on the step's own values, the
    # same outside values (the input), and the previous step's membrane
    # where step 0 reads the initial one.
    for k in range(1, steps):
        nodes = [n for n in graph.nodes if step.get(n) == k and _stacked(n) is None
                 and n.op != "output"]
        same = {a: b for a, b in zip(body, nodes)}
        if len(nodes) != len(body) or any(
                a.op != b.op or a.target != b.target or
                not _same_args(a, b, same, step, k) for a, b in same.items()):
            fail("", root, f"forward()'s step {k} differs from step 0; a time loop "
                 "must run the same layers on the same inputs every step")
    if any(step.get(r) != k for k, r in enumerate(record)):
        fail("", root, "forward()'s record is not one value per step")
    for node in body:
        if _is_membrane(node) and any(
                step.get(u) == 0 or u.op == "output" for u in node.users):
            fail("", root, "forward() computes with a neuron's membrane within a step; "
                 "snnc's neurons pass on their spikes only")
    if _is_membrane(record[0]) and not membrane:
        fail("", root, "forward() returns the membrane record first; snnc reads out a "
             "spiking layer's spikes (their count) or a Linear layer's current, or with "
             "readout='membrane_mean' or 'membrane_last' the last layer's membrane")
    one = fx.Graph()
    env = {}
    for node in graph.nodes:
        if node.op == "placeholder":
            env[node] = one.placeholder(node.target)
        elif step.get(node) == 0:
            env[node] = _copy_step_node(one, node, env)
        elif step.get(node) is None and node.op != "output":
            env[node] = one.node_copy(node, lambda n: env[n])
    one.output(env[record[0]])
    # The initial membranes and the copies of the other steps' inputs.
    for node in reversed(list(one.nodes)):
        if not node.users and node.op in ("get_attr", "call_method", "call_function"):
            one.erase_node(node)
    return one, steps


def _is_membrane(node):
    """`mem` of `spk, mem = self.lif(x, mem)`."""
    return node.op == "call_function" and node.target is operator.getitem and \
        node.args[0].op == "call_module" and node.args[1] == 1


def _same_args(a, b, same, step, k):
    """Whether step k's node b reads what step 0's node a reads, shifted."""
    def literal(n):
        return fx.node.map_arg((n.args, n.kwargs), lambda _: None)
    if literal(a) != literal(b):
        return False
    for x, y in zip(a.all_input_nodes, b.all_input_nodes):
        if same.get(x) is y:
            continue
        if _same_outside(x, y, step):
            continue  # the input (or the same op of it): the same every step
        if step.get(x) is None and step.get(y) == k - 1:
            continue  # the initial membrane, then the previous step's
        return False
    return len(a.all_input_nodes) == len(b.all_input_nodes)


def _same_outside(x, y, step):
    """Whether x and y, which depend on no layer call, compute the same
    value (`x.flatten(1)` written inside the loop is a new node each step)."""
    if x is y:
        return True
    if step.get(x) is not None or step.get(y) is not None or x.op != y.op or \
            x.op in ("placeholder", "get_attr") or x.target != y.target:
        return False
    literal = fx.node.map_arg((x.args, x.kwargs), lambda _: None)
    if literal != fx.node.map_arg((y.args, y.kwargs), lambda _: None):
        return False
    return all(_same_outside(a, b, step)
               for a, b in zip(x.all_input_nodes, y.all_input_nodes))


def _copy_step_node(one, node, env):
    """Step 0's node in the one-step graph: a neuron called with its
    membrane keeps it itself, so only its input current remains."""
    if node.op == "call_module":
        arg = node.args[0]
        return one.call_module(node.target, (env[arg] if isinstance(arg, fx.Node) else arg,))
    if node.op == "call_function" and node.target is operator.getitem and \
            node.args[0].op == "call_module":
        # (spk, mem) of a neuron: spk is the neuron's output; its membrane
        # only feeds the next step (checked by _one_step's comparison).
        return env[node.args[0]]
    return one.node_copy(node, lambda n: env[n])


def membrane_source(previous: list[nn.Module]) -> str | None:
    """What a membrane readout's LIF reads, given the converted modules
    before it in data-flow order: None for a Linear layer's current
    (through 1-d norms), a [N, K] membrane; else what it reads, for the
    refusal ("" when `previous` holds nothing but norms)."""
    for m in reversed(previous):
        if isinstance(m, TdBatchNorm1d):
            continue
        return None if isinstance(m, nn.Linear) else f"a {type(m).__name__}'s output"
    return ""


def _membrane_input(node, root):
    """membrane_source of the graph's neuron `node`: what it reads through
    layer calls (a dropped layer, a norm), up to the first that is none."""
    chain = []
    arg = node.args[0] if node.args else None
    while isinstance(arg, fx.Node) and arg.op == "call_module":
        chain[:0] = list(root.get_submodule(arg.target).children())
        found = membrane_source(chain)
        if found != "":
            return found
        arg = arg.args[0] if arg.args else None
    if not isinstance(arg, fx.Node) or arg.op == "placeholder":
        return "the network input"
    return f"the result of {_name(arg.target)}"


def capture(net: nn.Module,
            leaf_fn: Callable[..., list[nn.Module] | None],
            is_leaf: Callable[[nn.Module], bool],
            fail: Callable[[str, nn.Module | None, str], NoReturn],
            membrane: str | None = None
            ) -> tuple[fx.GraphModule, Layers]:
    """(an fx.GraphModule of snnc_torch layers, [(path, source, converted)])
    for `net`, whose data flow lives in forward() methods.

    leaf_fn(path, module, state_passed=...): the converted modules of a
    leaf, or None when it is no layer (state_passed: forward() passes the
    neuron its membrane); is_leaf(module): whether tracing stops at the module;
    fail(path, module, why): raises the converter's error; membrane: the
    converter's readout name for a membrane readout (the graph returns the
    membrane of its last neuron, whose converted LIF gets
    ``output="membrane"``), None otherwise."""
    tracer = _Tracer(is_leaf)
    try:
        graph = tracer.trace(net)
    except Exception as err:  # the user's forward(): name what fx could not follow
        owner = tracer.failed_in or ("", net)
        fail(owner[0], owner[1], f"forward() cannot be traced by torch.fx ({err}); data-"
             "dependent control flow or a Python loop over time is not captured")
    # Neurons called with their membrane (`self.lif(x, mem)`), whose state
    # the converted neuron keeps itself.
    passed_state = {n.target for n in graph.nodes
                    if n.op == "call_module" and len(n.args) > 1}
    looped = _one_step(graph, net, fail, membrane)
    steps = None
    if looped is not None:
        graph, steps = looped
    readout = None  # the membrane readout's neuron
    if membrane and steps is None:
        readout = _return_membrane(graph, net, membrane, fail)
    for node in list(graph.nodes):
        if node.op == "call_module" and steps is None:
            _unpack_membrane_outputs(graph, node, net.get_submodule(node.target),
                                     node.target, fail, node is readout, membrane)
    if membrane:
        out = next(n for n in graph.nodes if n.op == "output")
        readout = out.args[0]
        path = readout.target
        module = net.get_submodule(path)
        others = [u for u in readout.users if u is not out]
        if others:
            fail(path, module, f"its spikes feed other layers, but its membrane is the "
                 f"readout (readout='{membrane}'); the readout must be the last layer")
    root = nn.Module()
    layers = []
    for node in list(graph.nodes):
        if node.op != "call_module":
            _check_between_leaves(node, fail)
            continue
        path = node.target  # called once: _one_step checked the counts
        module = net.get_submodule(path)
        converted = leaf_fn(path, module, state_passed=path in passed_state)
        if converted is None:
            fail(path, module, "this layer is not supported (see docs/interop.md)")
        if node is readout:
            if not converted or not isinstance(converted[-1], LIF):
                fail(path, module, f"readout='{membrane}' reads a neuron's membrane; this "
                     "layer is no neuron")
            source = _membrane_input(node, root)
            if source is not None:
                fail(path, module, f"readout='{membrane}' needs a [N, K] membrane, a last "
                     f"neuron after a Linear layer; this one reads {source}")
            converted[-1].output = "membrane"
        layers.append((path, module, converted))
        name = f"l{len(layers) - 1}_" + path.replace(".", "_")
        root.add_module(name, nn.Sequential(*converted) if converted else nn.Identity())
        node.target = name
    graph.lint()
    model = fx.GraphModule(root, graph, class_name=f"Converted{type(net).__name__}")
    # The steps a source forward() loops over itself (it is then run once
    # for the check, not step by step).
    model.source_time_steps = steps
    return model, layers
