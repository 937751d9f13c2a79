"""A network read out by its last layer's membrane (snnTorch's
Leaky(output=True), GitHub issue 25): from_snntorch(readout="spikes" |
"membrane_mean" | "membrane_last") in the nn.Sequential and torch.fx routes
(a class with `spk, mem = self.lif(x)`, tutorial 5's time loop returning its
stacked records), snnc_torch.run/export(readout="mean" | "last"), the
two-output snn.LIF and the metadata snn.readout (docs/onnx-convention.md),
the refusals, and end to end: snnc float equal to snnTorch, golden within
quantization, the RTL bit-exact (through `import snnc`).

snnTorch is the stand-in (tests/python/standins.py), or snnTorch v0.9.4's
own Leaky when SNNC_SNNTORCH_DIR names a checkout."""

import os
import sys
import tempfile
import unittest

import numpy as np
import onnx
import torch
import torch.nn as nn

from helpers import snnc_run  # sets sys.path and the torch threads
import snnc_torch
import snnc_torch.convert as convert
import standins

T = 4
SHAPE = (16, 12)


def snntorch():
    """snnTorch v0.9.4 with SNNC_SNNTORCH_DIR, else the stand-ins."""
    root = os.environ.get("SNNC_SNNTORCH_DIR")
    if not root:
        return standins
    sys.path.insert(0, root)
    import snntorch as real
    return real


snt = snntorch()


def leaky(beta, output=False, mechanism="subtract", hidden=True):
    if hidden:
        return snt.Leaky(beta=beta, threshold=0.5, init_hidden=True, output=output,
                         reset_mechanism=mechanism)
    return snt.Leaky(beta=beta, threshold=0.5, reset_mechanism=mechanism)


def mlp(mechanism="subtract", seed=0):
    """Linear -> Leaky -> Linear -> Leaky(output=True): both layers fire."""
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(12, 10), leaky(0.8, mechanism=mechanism),
                        nn.Linear(10, 5), leaky(0.9, True, mechanism))
    with torch.no_grad():
        net[0].weight.mul_(3)
        net[2].weight.mul_(3)
    return net.eval()


def source_records(net, x):
    """snnTorch's own (spikes, membranes) of the last layer, [T, N, K] each:
    one call a step, the state reset before."""
    def reset():
        for m in net.modules():
            if type(m).__name__ == "Leaky":
                m.mem = torch.zeros(0)
    reset()
    with torch.no_grad():
        outs = [net(x) for _ in range(T)]
    reset()
    return torch.stack([o[0] for o in outs]), torch.stack([o[1] for o in outs])


def expected(net, x, readout):
    spk, mem = source_records(net, x)
    return {"spikes": spk.mean(0), "membrane_mean": mem.mean(0),
            "membrane_last": mem[-1]}[readout]


def lif_nodes(proto):
    return [n for n in proto.graph.node if n.op_type == "LIF" and n.domain == "snn"]


class TutorialClass(nn.Module):
    """A tutorial-style class: init_hidden neurons, the last one
    Leaky(output=True) whose (spk, mem) forward() returns."""

    def __init__(self, returns="both"):
        super().__init__()
        torch.manual_seed(1)
        self.fc1, self.lif1 = nn.Linear(12, 10), leaky(0.8)
        self.fc2, self.lif2 = nn.Linear(10, 5), leaky(0.9, True)
        with torch.no_grad():
            self.fc1.weight.mul_(3)
            self.fc2.weight.mul_(3)
        self.returns = returns

    def forward(self, x):
        spk1 = self.lif1(self.fc1(x))
        spk2, mem2 = self.lif2(self.fc2(spk1))
        if self.returns == "mem":
            return mem2
        if self.returns == "spk":
            return spk2
        return spk2, mem2


class Tutorial5(nn.Module):
    """snnTorch tutorial 5: the time loop in forward(), membranes passed
    explicitly, the records returned stacked (spikes first, as written)."""

    def __init__(self, returns="both"):
        super().__init__()
        torch.manual_seed(2)
        self.fc1, self.lif1 = nn.Linear(12, 10), leaky(0.8, hidden=False)
        self.fc2, self.lif2 = nn.Linear(10, 5), leaky(0.9, hidden=False)
        with torch.no_grad():
            self.fc1.weight.mul_(3)
            self.fc2.weight.mul_(3)
        self.returns = returns

    def forward(self, x):
        mem1, mem2 = self.lif1.init_leaky(), self.lif2.init_leaky()
        spk2_rec, mem2_rec, mem1_rec = [], [], []
        for step in range(T):
            spk1, mem1 = self.lif1(self.fc1(x), mem1)
            spk2, mem2 = self.lif2(self.fc2(spk1), mem2)
            spk2_rec.append(spk2)
            mem2_rec.append(mem2)
            mem1_rec.append(mem1)
        if self.returns == "mem":
            return torch.stack(mem2_rec, dim=0)
        if self.returns == "spk":
            return torch.stack(spk2_rec, dim=0)
        if self.returns == "mem1":
            return torch.stack(spk2_rec, dim=0), torch.stack(mem1_rec, dim=0)
        return torch.stack(spk2_rec, dim=0), torch.stack(mem2_rec, dim=0)


class MembraneReadoutTest(unittest.TestCase):
    def convert(self, net, readout, **kwargs):
        kwargs.setdefault("input_shape", SHAPE)
        kwargs.setdefault("input_range", (0, 1))
        model = snnc_torch.from_snntorch(net, T, readout=readout, **kwargs)
        rates = [r["firing_rate"] for r in model.conversion_check["layers"]
                 if "firing_rate" in r]
        self.assertGreater(min(rates), 0.02, rates)  # every layer's reset was checked
        self.assertEqual(model.conversion_check["output_max_error"], 0.0)
        return model

    def test_each_readout_equals_snntorch(self):
        """The converted model's output is snnTorch's spike rate, membrane
        mean or membrane at T-1, for both resets; the check compares the
        membrane layer by layer."""
        x = torch.rand(SHAPE)
        for mechanism in ("subtract", "zero"):
            for readout in convert.READOUTS:
                with self.subTest(mechanism=mechanism, readout=readout):
                    net = mlp(mechanism)
                    model = self.convert(net, readout)
                    lif = model[-1]
                    self.assertEqual(lif.is_membrane_readout, readout != "spikes")
                    self.assertEqual(model.snnc_readout,
                                     "last" if readout == "membrane_last" else "mean")
                    last = model.conversion_check["layers"][-1]
                    self.assertEqual(last.get("readout"),
                                     None if readout == "spikes" else "membrane")
                    with torch.no_grad():
                        got = snnc_torch.run(model, x, T)
                    want = expected(net, x, readout)
                    self.assertEqual(tuple(got.shape), (SHAPE[0], 5))
                    torch.testing.assert_close(got, want, atol=1e-6, rtol=0)
        # A membrane that goes negative and one that is reset (both happen).
        _, mem = source_records(mlp(), x)
        self.assertLess(float(mem.min()), 0.0)
        self.assertGreater(float(mem.max()), 0.5)

    def test_events_input(self):
        net = mlp(seed=3)
        events = (torch.rand((T,) + SHAPE) < 0.5).float()
        model = self.convert(net, "membrane_last", sample=events, encoding="events")
        with torch.no_grad():
            got = snnc_torch.run(model, events, T, "events")
            ref = []
            for m in net.modules():
                if type(m).__name__ == "Leaky":
                    m.mem = torch.zeros(0)
            for t in range(T):
                ref.append(net(events[t])[1])
        torch.testing.assert_close(got, ref[-1], atol=1e-6, rtol=0)

    def test_the_check_compares_the_membrane(self):
        original = convert._snntorch_leaky

        def wrong_last_decay(path, module, state_passed=False):
            out = original(path, module, state_passed)
            if getattr(module, "output", False):
                out[-1].decay *= 0.9
            return out

        convert._snntorch_leaky = wrong_last_decay
        try:
            with self.assertRaisesRegex(snnc_torch.ConversionError,
                                        r"^check: layer '3' \(Leaky\): its membrane differs "
                                        r"from the source model's by"):
                snnc_torch.from_snntorch(mlp(), T, input_shape=SHAPE,
                                         readout="membrane_mean")
            # Read by its spikes, the same error is a spike difference.
            with self.assertRaisesRegex(snnc_torch.ConversionError,
                                        r"layer '3' \(Leaky\): \d+ of \d+ spikes differ"):
                snnc_torch.from_snntorch(mlp(), T, input_shape=SHAPE)
        finally:
            convert._snntorch_leaky = original

    def test_export_writes_the_two_output_lif_and_the_metadata(self):
        x = torch.rand(SHAPE)
        for readout in convert.READOUTS:
            with self.subTest(readout=readout):
                model = self.convert(mlp(), readout)
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "m.onnx")
                    snnc_torch.export(model, x[:1], path, T)
                    proto = onnx.load(path)
                onnx.checker.check_model(proto)
                meta = {p.key: p.value for p in proto.metadata_props}
                self.assertEqual(meta.get("snn.readout"),
                                 "last" if readout == "membrane_last" else None)
                first, last = lif_nodes(proto)
                self.assertEqual(len(first.output), 1)
                graph_out = [o.name for o in proto.graph.output]
                consumers = {i for n in proto.graph.node for i in n.input}
                if readout == "spikes":
                    self.assertEqual(list(last.output), graph_out)
                    continue
                # LIF(X) -> (Y, U): U is the graph's output, Y has no consumer.
                self.assertEqual(len(last.output), 2)
                self.assertEqual(graph_out, [last.output[1]])
                self.assertNotIn(last.output[0], consumers)
                self.assertNotIn(last.output[0], graph_out)
                attrs = {a.name: onnx.helper.get_attribute_value(a) for a in last.attribute}
                self.assertEqual(attrs["reset"], b"subtract")
                self.assertAlmostEqual(attrs["decay"], 0.9, places=6)

    def test_run_and_export_take_the_readout(self):
        """A snnc_torch model built by hand: LIF(output="membrane") and
        run/export(readout=...)."""
        torch.manual_seed(4)
        model = nn.Sequential(nn.Linear(6, 5), snnc_torch.LIF(0.5, 0.8, reset="subtract"),
                              nn.Linear(5, 3),
                              snnc_torch.LIF(0.5, [0.9, 0.8, 0.7], output="membrane")).eval()
        x = torch.rand(4, 6) * 2
        with torch.no_grad():
            snnc_torch.set_timesteps(model, T)
            seq = model(snnc_torch.encode(x, T, "direct")).reshape(T, 4, 3)
            torch.testing.assert_close(snnc_torch.run(model, x, T), seq.mean(0))
            torch.testing.assert_close(snnc_torch.run(model, x, T, readout="last"), seq[-1])
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            proto = snnc_torch.export(model, x[:1], path, T, readout="last")
            self.assertEqual({p.key: p.value for p in proto.metadata_props}["snn.readout"],
                             "last")
            proto = snnc_torch.export(model, x[:1], path, T)
            self.assertNotIn("snn.readout", {p.key for p in proto.metadata_props})
        with self.assertRaisesRegex(ValueError, r"readout must be one of \('mean', 'last'\), "
                                                r"got 'first'"):
            snnc_torch.run(model, x, T, readout="first")
        with self.assertRaisesRegex(ValueError, r"LIF output must be one of"):
            snnc_torch.LIF(output="mem")

    def test_a_class_returning_spk_and_mem(self):
        """torch.fx route without a time loop: `spk2, mem2 = self.lif2(...)`,
        forward() returns both or mem2 alone; the membrane is read."""
        x = torch.rand(SHAPE)
        for returns in ("both", "mem"):
            for readout in ("membrane_mean", "membrane_last"):
                with self.subTest(returns=returns, readout=readout):
                    net = TutorialClass(returns).eval()
                    model = self.convert(net, readout)
                    self.assertIsInstance(model, torch.fx.GraphModule)
                    seq = torch.nn.Sequential(net.fc1, net.lif1, net.fc2, net.lif2)
                    want = expected(seq, x, readout)
                    with torch.no_grad():
                        got = snnc_torch.run(model, x, T)
                    torch.testing.assert_close(got, want, atol=1e-6, rtol=0)
        # Read by its spikes, forward() must return the spikes only (as before).
        self.convert(TutorialClass("spk").eval(), "spikes")

    def test_tutorial5_time_loop_reads_the_membrane_record(self):
        """tutorial 5 returns (spk_rec, mem_rec): with a membrane readout the
        membrane record is read (also when it is all forward() returns)."""
        x = torch.rand(SHAPE)
        source = Tutorial5("both").eval()
        with torch.no_grad():
            spk, mem = source(x)
        want = {"spikes": spk.mean(0), "membrane_mean": mem.mean(0), "membrane_last": mem[-1]}
        for returns in ("both", "mem"):
            for readout in convert.READOUTS:
                if returns == "mem" and readout == "spikes":
                    continue  # refused (below)
                with self.subTest(returns=returns, readout=readout):
                    net = Tutorial5(returns).eval()
                    model = self.convert(net, readout)
                    self.assertEqual(model.source_time_steps, T)
                    with torch.no_grad():
                        got = snnc_torch.run(model, x, T)
                    torch.testing.assert_close(got, want[readout], atol=1e-6, rtol=0)

    def test_refusals_are_one_line_naming_the_module(self):
        def seq(*layers):
            torch.manual_seed(0)
            return nn.Sequential(*layers).eval()

        cases = [
            (lambda: snnc_torch.from_snntorch(mlp(), T, input_shape=SHAPE,
                                              readout="membrane"),
             r"from_snntorch: readout='membrane' must be one of 'spikes', 'membrane_mean', "
             r"'membrane_last'"),
            (lambda: snnc_torch.from_snntorch(
                seq(nn.Linear(12, 10), leaky(0.8), nn.Linear(10, 5)), T, input_shape=SHAPE,
                readout="membrane_mean"),
             r"module '2' \(Linear\): readout='membrane_mean' reads the membrane of a last "
             r"snnTorch Leaky\(output=True\); the network ends in this layer"),
            (lambda: snnc_torch.from_snntorch(
                seq(nn.Linear(12, 10), leaky(0.8), nn.Linear(10, 5), leaky(0.9)), T,
                input_shape=SHAPE, readout="membrane_last"),
             r"module '3' \(Leaky\): readout='membrane_last' reads the membrane that "
             r"output=True returns; this last Leaky has output=False"),
            (lambda: snnc_torch.from_snntorch(
                seq(nn.Conv2d(1, 4, 3), leaky(0.9, True)), T, input_shape=(2, 1, 6, 6),
                readout="membrane_mean"),
             r"module '1' \(Leaky\): readout='membrane_mean' needs a \[N, K\] membrane, a "
             r"last neuron after a Linear layer; this one reads a Conv2d's output"),
            (lambda: snnc_torch.from_snntorch(
                seq(nn.Conv2d(1, 4, 3), leaky(0.8), nn.Flatten(), leaky(0.9, True)), T,
                input_shape=(2, 1, 6, 6), readout="membrane_mean"),
             r"module '3' \(Leaky\): .*this one reads a Flatten's output"),
            (lambda: snnc_torch.from_snntorch(seq(leaky(0.9, True)), T, input_shape=SHAPE,
                                              readout="membrane_mean"),
             r"module '0' \(Leaky\): .*this one reads the network input"),
            (lambda: snnc_torch.from_snntorch(TutorialClass("spk").eval(), T,
                                              input_shape=SHAPE, readout="membrane_mean"),
             r"module '<root>' \(TutorialClass\): readout='membrane_mean' reads the membrane "
             r"of the last Leaky\(output=True\), but forward\(\) returns none"),
            (lambda: snnc_torch.from_snntorch(Tutorial5("spk").eval(), T, input_shape=SHAPE,
                                              readout="membrane_last"),
             r"module '<root>' \(Tutorial5\): readout='membrane_last' reads the last "
             r"neuron's membrane record, but forward\(\) returns none stacked"),
            (lambda: snnc_torch.from_snntorch(Tutorial5("mem1").eval(), T, input_shape=SHAPE,
                                              readout="membrane_mean"),
             r"module 'lif1' \(Leaky\): its spikes feed other layers, but its membrane is "
             r"the readout"),
            (lambda: snnc_torch.from_snntorch(Tutorial5("mem").eval(), T, input_shape=SHAPE),
             r"forward\(\) returns the membrane record first; .* with "
             r"readout='membrane_mean' or 'membrane_last'"),
            (lambda: snnc_torch.from_spikingjelly(
                seq(nn.Linear(12, 5), standins.LIFNode(2.0, False, 0.5, 0.0)), T,
                input_shape=SHAPE, readout="membrane_mean"),
             r"from_spikingjelly: readout='membrane_mean': SpikingJelly's neurons return "
             r"their spikes only"),
        ]

        class SpikesUsed(TutorialClass):
            def __init__(self):
                super().__init__()
                self.fc3 = nn.Linear(5, 5)

            def forward(self, x):
                spk2, mem2 = self.lif2(self.fc2(self.lif1(self.fc1(x))))
                out = self.fc3(spk2)
                return (out, mem2) if self.returns == "both" else mem2

        cases.append((lambda: snnc_torch.from_snntorch(SpikesUsed().eval(), T,
                                                       input_shape=SHAPE,
                                                       readout="membrane_mean"),
                      r"module '<root>' \(SpikesUsed\): readout='membrane_mean' reads the "
                      r"membrane of the last Leaky\(output=True\), but forward\(\) also "
                      r"returns 'fc3'; return its membrane alone, or with its spikes"))
        spikes_used = SpikesUsed()
        spikes_used.returns = "mem"
        cases.append((lambda: snnc_torch.from_snntorch(spikes_used.eval(), T,
                                                       input_shape=SHAPE,
                                                       readout="membrane_mean"),
                      r"module 'lif2' \(Leaky\): forward\(\) uses the spikes of the Leaky "
                      r"whose membrane is the readout"))
        for call, message in cases:
            with self.subTest(message=message):
                with self.assertRaisesRegex(snnc_torch.ConversionError, message) as caught:
                    call()
                self.assertNotIn("\n", str(caught.exception))


class EndToEndTest(unittest.TestCase):
    """snnc (build/bin/snnc, `import snnc`) on the exported membrane readout."""

    def test_float_golden_and_rtl(self):
        import snnc
        torch.manual_seed(5)
        x = torch.rand(64, SHAPE[1])
        for readout in ("membrane_mean", "membrane_last"):
            with self.subTest(readout=readout):
                net = mlp()
                model = snnc_torch.from_snntorch(net, T, input_shape=SHAPE,
                                                 readout=readout)
                want = expected(net, x, readout).numpy()
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "m.onnx")
                    snnc_torch.export(model, x[:1], path, T)
                    # snnc float: snnTorch's membrane, its mean or last step.
                    np.testing.assert_allclose(snnc_run(path, x.numpy()), want, atol=1e-5,
                                               rtol=0)
                    package = snnc.compile(path)
                    golden = snnc.Session(package).infer(x.numpy())
                # Golden: the quantized membrane (a hidden spike that
                # quantization flips moves it by a weight), within 3 % of its
                # range on average, and the same class for almost every
                # sample (measured: 0.4 % and 95 % for the mean, 0.6 % and
                # 98 % for the last step).
                scale = float(np.abs(want).max())
                self.assertLess(float(np.abs(golden - want).mean()), 0.03 * scale)
                self.assertGreaterEqual((golden.argmax(1) == want.argmax(1)).mean(), 0.85)
                rtl = snnc.Session(package, device="rtl", lanes=2, record_spikes=True)
                reference = snnc.Session(package, record_spikes=True)
                np.testing.assert_array_equal(rtl.infer(x.numpy()[:3]),
                                              reference.infer(x.numpy()[:3]))
                np.testing.assert_array_equal(rtl.spikes(), reference.spikes())

    def test_time_loop_in_snnc_float(self):
        """Tutorial 5 read by its membrane record, exported: snnc float."""
        x = torch.rand(SHAPE)
        with torch.no_grad():
            _, mem = Tutorial5("both").eval()(x)
        for readout, want in (("membrane_mean", mem.mean(0)), ("membrane_last", mem[-1])):
            with self.subTest(readout=readout):
                model = snnc_torch.from_snntorch(Tutorial5("both").eval(), T,
                                                 input_shape=SHAPE, readout=readout)
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "m.onnx")
                    snnc_torch.export(model, x[:1], path, T)
                    np.testing.assert_allclose(snnc_run(path, x.numpy()), want.numpy(),
                                               atol=1e-5, rtol=0)


if __name__ == "__main__":
    unittest.main()
