"""snnc_torch.from_spikingjelly / from_snntorch on stand-in modules
(tests/python/standins.py): every mapping, the refusals, and the check."""

import os
import subprocess
import tempfile
import unittest
import warnings

import numpy as np
import torch
import torch.nn as nn

from helpers import SNNC, assert_rtl_bit_exact, exported_runs, snnc_run  # sets sys.path
import snnc_torch
import snnc_torch.convert as convert
import standins as sj
import standins as snt

T = 4
SHAPE = (32, 1, 8, 8)


def sj_net(neuron, multi):
    """conv-tdBN-LIF-pool-fc-BN-LIF-fc, in SpikingJelly's multi- or
    single-step style."""
    if multi:
        return nn.Sequential(
            sj.SeqToANNContainer(nn.Conv2d(1, 8, 3, padding=1)),
            sj.ThresholdDependentBatchNorm2d(alpha=1.0, v_th=0.5, num_features=8),
            neuron("m"),
            sj.SeqToANNContainer(nn.AvgPool2d(2), nn.Flatten(), nn.Linear(128, 32),
                                 nn.BatchNorm1d(32)),
            neuron("m"),
            sj.SeqToANNContainer(nn.Linear(32, 10)))
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), neuron("s"),
                         nn.AvgPool2d(2), nn.Flatten(), nn.Linear(128, 32),
                         nn.BatchNorm1d(32), neuron("s"), sj.Dropout(0.2),
                         nn.Linear(32, 10))


def randomize_statistics(net, seed=0):
    """Trained-looking BN statistics, so that layers fire at realistic rates."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=gen) * 0.2 + 0.05)
    net.eval()
    return net


def expect_refusals(test, cases, convert_fn):
    """Each module, between two Linear layers, is refused by name and why."""
    for why, module in cases.items():
        with test.subTest(why=why):
            net = nn.Sequential(nn.Linear(4, 4), module, nn.Linear(4, 2))
            with test.assertRaisesRegex(snnc_torch.ConversionError,
                                        r"module '1' \(\w+\): .*" + why):
                convert_fn(net, 2, input_shape=(3, 4))


def assert_runs_identically_in_snnc(test, model):
    """The exported model in snnc's float engine against PyTorch."""
    with tempfile.TemporaryDirectory() as tmp:
        expected, got, _ = exported_runs(model, torch.rand(SHAPE) * 2, T, tmp)
    test.assertLess(np.abs(got - expected).max(), 1e-4)


def spike_rates(model):
    return [layer["firing_rate"] for layer in model.conversion_check["layers"]
            if "firing_rate" in layer]


class SpikingJellyTest(unittest.TestCase):
    NEURONS = {
        "LIF decay_input=False": lambda vr: lambda mode: sj.LIFNode(
            2.0, False, 0.5, vr, mode),
        "LIF decay_input=True": lambda vr: lambda mode: sj.LIFNode(
            3.0, True, 0.2, vr, mode),
        "IF": lambda vr: lambda mode: sj.IFNode(0.5, vr, mode),
        "PLIF decay_input=False": lambda vr: lambda mode: sj.ParametricLIFNode(
            2.5, False, 0.5, vr, mode),
        "PLIF decay_input=True": lambda vr: lambda mode: sj.ParametricLIFNode(
            2.5, True, 0.2, vr, mode),
    }

    def test_every_neuron_reset_and_step_mode_converts_exactly(self):
        for name, make in self.NEURONS.items():
            for v_reset in (0.0, None):
                for multi in (True, False):
                    with self.subTest(neuron=name, v_reset=v_reset, multi=multi):
                        torch.manual_seed(1)
                        net = randomize_statistics(sj_net(make(v_reset), multi))
                        model = snnc_torch.from_spikingjelly(net, T, input_shape=SHAPE,
                                                             input_range=(0, 2))
                        self.assertFalse(model.training)
                        rates = spike_rates(model)
                        self.assertEqual(len(rates), 2)
                        # The proof is only worth something if neurons fired.
                        self.assertGreater(min(rates), 0.005, rates)
                        lifs = [m for m in model if isinstance(m, snnc_torch.LIF)]
                        self.assertEqual(lifs[0].fire, "ge")
                        self.assertEqual(lifs[0].reset, "soft" if v_reset is None else "hard")

    def test_mapped_constants(self):
        model = snnc_torch.from_spikingjelly(
            randomize_statistics(sj_net(lambda m: sj.LIFNode(4.0, True, 0.2, None, m), True)),
            T, check=False)
        scale, lif = model[2], model[3]
        self.assertIsInstance(scale, snnc_torch.Scale)
        self.assertEqual(scale.factor, 0.25)
        self.assertEqual(lif.decay, 0.75)
        plif = sj.ParametricLIFNode(3.0, False, 0.5, 0.0)
        lif = convert._sj_neuron("p", plif)[-1]
        self.assertAlmostEqual(lif.decay, 1 - 1 / 3.0, places=6)

    def test_tdbn_gain_is_applied_once(self):
        """SpikingJelly keeps alpha*V_th in the BN weight: the converted norm
        must not multiply it in again (the 15-point silent loss)."""
        net = randomize_statistics(sj_net(lambda m: sj.LIFNode(2.0, False, 0.5, 0.0, m), True))
        model = snnc_torch.from_spikingjelly(net, T, input_shape=SHAPE, input_range=(0, 2))
        bn = model[1]
        self.assertEqual((bn.alpha, bn.v_threshold), (1.0, 1.0))
        self.assertTrue(torch.equal(bn.weight, torch.full((8,), 0.5)))

    def test_the_check_catches_a_wrong_mapping(self):
        net = randomize_statistics(sj_net(lambda m: sj.LIFNode(2.0, False, 0.5, 0.0, m), True))
        original = convert._sj_neuron

        def wrong_decay(path, module):
            out = original(path, module)
            out[-1].decay *= 0.9
            return out

        convert._sj_neuron = wrong_decay
        try:
            with self.assertRaisesRegex(snnc_torch.ConversionError,
                                        r"layer '2' \(LIFNode\): \d+ of \d+ spikes differ"):
                snnc_torch.from_spikingjelly(net, T, input_shape=SHAPE, input_range=(0, 2))
        finally:
            convert._sj_neuron = original

    def test_source_mode_is_restored_and_result_is_eval(self):
        net = sj_net(lambda m: sj.LIFNode(2.0, False, 0.5, 0.0, m), False)
        randomize_statistics(net).train()
        before = net[1].running_mean.clone()
        model = snnc_torch.from_spikingjelly(net, T, input_shape=SHAPE, input_range=(0, 2))
        self.assertTrue(net.training)
        self.assertFalse(model.training)
        self.assertTrue(torch.equal(before, net[1].running_mean))

    def test_refusals_name_the_module_and_attribute(self):
        cases = {
            "v_reset=-0.1": sj.LIFNode(2.0, False, 0.5, -0.1),
            "neuron model is not supported": sj.QIFNode(0.5, 0.0),
            "max pooling": nn.MaxPool2d(2),
            "groups=2": nn.Conv2d(4, 4, 1, groups=2),
        }
        expect_refusals(self, cases, snnc_torch.from_spikingjelly)

    def test_custom_forward_trailing_neuron_and_missing_input(self):
        class Net(nn.Module):  # captured (test_capture.py), but no neuron
            def __init__(self):
                super().__init__()
                self.a, self.b = nn.Linear(4, 4), nn.Linear(4, 4)

            def forward(self, x):
                return self.a(x) + self.b(x)

        with self.assertRaisesRegex(snnc_torch.ConversionError, "no spiking neurons"):
            snnc_torch.from_spikingjelly(Net(), 2, input_shape=(3, 4))
        trailing = nn.Sequential(nn.Linear(4, 4), sj.LIFNode(2.0, False, 0.5, 0.0))
        model = snnc_torch.from_spikingjelly(trailing, 2, input_shape=(3, 4))
        self.assertIsInstance(model[-1], snnc_torch.LIF)  # read out as its rate
        net = nn.Sequential(nn.Linear(4, 4), sj.LIFNode(2.0, False, 0.5, 0.0), nn.Linear(4, 2))
        with self.assertRaisesRegex(snnc_torch.ConversionError, "sample= or input_shape="):
            snnc_torch.from_spikingjelly(net, 2)

    def test_silent_check_warns(self):
        net = nn.Sequential(nn.Linear(4, 4), sj.LIFNode(2.0, False, 100.0, 0.0), nn.Linear(4, 2))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            snnc_torch.from_spikingjelly(net, 2, input_shape=(3, 4))
        self.assertTrue(any("did not spike" in str(w.message) for w in caught))


def snt_net(mechanism, learn=False):
    def leaky(beta):
        return snt.Leaky(beta, 0.7, init_hidden=True, reset_mechanism=mechanism,
                         learn_beta=learn, learn_threshold=learn)

    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), leaky(0.8),
                        nn.AvgPool2d(2), nn.Flatten(), nn.Linear(128, 32), leaky(0.6),
                        nn.Linear(32, 10))
    if learn:
        with torch.no_grad():
            net[2].beta.fill_(0.85)
            net[2].threshold.fill_(0.55)
    return randomize_statistics(net)


class SnnTorchTest(unittest.TestCase):
    def test_leaky_subtract_and_zero_convert_exactly(self):
        for mechanism, reset in (("subtract", "subtract"), ("zero", "hard")):
            for learn in (False, True):
                for encoding in ("direct", "events"):
                    with self.subTest(mechanism=mechanism, learn=learn, encoding=encoding):
                        torch.manual_seed(2)
                        model = snnc_torch.from_snntorch(
                            snt_net(mechanism, learn), T, input_shape=SHAPE,
                            encoding=encoding, input_range=(0, 2))
                        self.assertGreater(min(spike_rates(model)), 0.005)
                        lif = model[2]
                        self.assertEqual((lif.reset, lif.fire), (reset, "gt"))
                        self.assertAlmostEqual(lif.decay, 0.85 if learn else 0.8, places=6)

    def test_refusals(self):
        cases = {
            "not supported by from_snntorch": snt.Synaptic(0.9, init_hidden=True),
            "reset_mechanism='none'": snt.Leaky(0.9, init_hidden=True, reset_mechanism="none"),
            "init_hidden=False": snt.Leaky(0.9),
            "varies within a channel": snt.Leaky(torch.rand(2, 2), init_hidden=True),
            "graded_spikes_factor=2.0": snt.Leaky(0.9, init_hidden=True,
                                                  graded_spikes_factor=2.0),
            "output=True": snt.Leaky(0.9, init_hidden=True, output=True),
            "reset_delay=False": snt.Leaky(0.9, init_hidden=True, reset_delay=False),
            "recurrent": nn.LSTM(4, 4),
        }
        expect_refusals(self, cases, snnc_torch.from_snntorch)

    def test_learned_beta_per_neuron_becomes_per_channel_decay(self):
        net = snt_net("subtract")
        with torch.no_grad():
            net[6].beta = torch.linspace(0.3, 0.95, 32)
        model = snnc_torch.from_snntorch(net, T, input_shape=SHAPE, input_range=(0, 2))
        self.assertEqual(len(model[6].decay), 32)
        self.assertGreater(min(spike_rates(model)), 0.005)
        assert_runs_identically_in_snnc(self, model)

    def test_a_spiking_output_layer_reads_out_its_spike_counts(self):
        """snnTorch tutorial 6's shape: Conv -> pool -> Leaky, twice, then
        Linear -> Leaky(output=True), trained on output spike counts. The
        readout is the last layer's firing rate (count / T): snnc float's
        counts equal the source's, golden's argmax follows, the RTL is
        bit-exact."""
        def leaky(output=False):
            return snt.Leaky(0.8, 0.5, init_hidden=True, output=output)
        torch.manual_seed(4)
        net = randomize_statistics(nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.AvgPool2d(2), leaky(),
            nn.Conv2d(8, 8, 3, padding=1), nn.AvgPool2d(2), leaky(),
            nn.Flatten(), nn.Linear(32, 10), leaky(output=True)))
        with torch.no_grad():
            net[7].weight.mul_(3)
        model = snnc_torch.from_snntorch(net, T, input_shape=SHAPE, input_range=(0, 2))
        self.assertGreater(min(spike_rates(model)), 0.005)
        x = torch.rand(SHAPE) * 2
        with torch.no_grad():
            counts = convert._run_snntorch(net, x, T, "direct") * T
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            snnc_torch.export(model, x[:1], path, T)
            got = snnc_run(path, x.numpy()) * T
            np.testing.assert_array_equal(got, counts.numpy())
            self.assertGreater(counts.sum(), 0)
            assert_rtl_bit_exact(self, path, x.numpy()[:4], tmp)

    def test_pool_before_the_neuron(self):
        """Conv -> AvgPool -> Leaky pools the current: the converter and
        snnc compile both accept it (the pool folds into the convolution),
        and a padded pool, which cannot fold, is refused by both."""
        def net(pool):
            leaky = snt.Leaky(0.8, 0.7, init_hidden=True, reset_mechanism="subtract")
            return randomize_statistics(nn.Sequential(
                nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), pool, leaky,
                nn.Flatten(), nn.Linear(128, 10)))
        model = snnc_torch.from_snntorch(net(nn.AvgPool2d(2)), T, input_shape=SHAPE,
                                         input_range=(0, 2))
        self.assertGreater(min(spike_rates(model)), 0.005)
        assert_runs_identically_in_snnc(self, model)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            snnc_torch.export(model, torch.rand(1, 1, 8, 8), path, T)
            proc = subprocess.run([SNNC, "compile", path, "-o", os.path.join(tmp, "m.snnpkg")],
                                  capture_output=True, text=True)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        with self.assertRaisesRegex(snnc_torch.ConversionError,
                                    r"module '2' \(AvgPool2d\): padding=1: a pool of a "
                                    "convolution's current folds"):
            snnc_torch.from_snntorch(net(nn.AvgPool2d(3, 2, padding=1)), T,
                                     input_shape=SHAPE, input_range=(0, 2))

    def test_exported_model_runs_identically_in_snnc(self):
        """Subtract reset end to end: source, converted model, snnc float."""
        model = snnc_torch.from_snntorch(snt_net("subtract"), T, input_shape=SHAPE,
                                         input_range=(0, 2))
        assert_runs_identically_in_snnc(self, model)


class SafeRunTest(unittest.TestCase):
    def test_training_mode_under_no_grad_is_refused(self):
        model = nn.Sequential(nn.Linear(4, 4), snnc_torch.TdBatchNorm1d(4),
                              snnc_torch.LIF(), nn.Linear(4, 2))
        x = torch.rand(3, 4)
        before = model[1].running_mean.clone()
        with torch.no_grad():
            with self.assertRaisesRegex(RuntimeError, r"batch norm '1' is in training mode"):
                snnc_torch.run(model, x, 2)
            self.assertTrue(torch.equal(before, model[1].running_mean))
            snnc_torch.run(model, x, 2, allow_training=True)
            model.eval()
            snnc_torch.run(model, x, 2)
        snnc_torch.run(model.train(), x, 2)  # training itself is not refused


if __name__ == "__main__":
    unittest.main()
