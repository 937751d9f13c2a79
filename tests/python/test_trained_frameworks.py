"""Networks trained the way the frameworks' tutorials teach, deployed
unchanged (examples/frameworks): snnTorch tutorial 6's convolutional SNN
(an nn.Sequential with MaxPool2d before each Leaky), snnTorch tutorial 5's
class with its own time loop, and a SpikingJelly SEW ResNet whose basic
block has its own forward().  For each checkpoint: one call converts it
(with the converter's built-in check), snnc's float engine equals the
framework (the same spike counts for snnTorch, outputs within 1e-5 for
SpikingJelly), golden is within 0.5 points of the framework's accuracy on
the 10,000 Fashion-MNIST test images, and the RTL core is bit-exact on 20
images.

The networks are built from the stand-ins of standins.py, whose forward
equations are those of the real classes; with SNNC_SNNTORCH_DIR (snnTorch
v0.9.4) and SNNC_SPIKINGJELLY_DIR (SpikingJelly at dd2a4a21) set they are
built from the real frameworks instead.  The framework's accuracy is the
one its training script measured with the real framework
(examples/frameworks/accuracy.json, and <name>.predictions.npy: its class
for every test image); either way the framework run here must predict those
classes on the images that snnc float is compared on."""

import json
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

from helpers import ROOT, assert_rtl_bit_exact, snnc_run  # sets sys.path, threads
import data  # examples/fashion_mnist/data.py (helpers puts it on sys.path)
import snnc_torch
import standins

EXAMPLE = os.path.join(ROOT, "examples", "frameworks")
sys.path.insert(0, EXAMPLE)
import nets  # noqa: E402

with open(os.path.join(EXAMPLE, "accuracy.json")) as f:
    RECORDED = json.load(f)

RTL_IMAGES = 20
CHECK_IMAGES = 64  # the converter's built-in check: real test images
FLOAT_IMAGES = 1000  # the framework and snnc float, output for output
GOLDEN_MARGIN = 0.5  # points of accuracy


def snntorch_module():
    """snnTorch (SNNC_SNNTORCH_DIR) or the stand-ins: what provides Leaky."""
    root = os.environ.get("SNNC_SNNTORCH_DIR")
    if not root:
        return standins
    sys.path.insert(0, root)
    import snntorch
    return snntorch


def spikingjelly_parts():
    """(layer namespace, neuron factory): SpikingJelly's activation_based
    layers and LIFNode as the training script made them
    (SNNC_SPIKINGJELLY_DIR), or torch.nn and the stand-in LIFNode."""
    root = os.environ.get("SNNC_SPIKINGJELLY_DIR")
    if not root:
        return torch.nn, lambda: standins.LIFNode(tau=2.0)
    sys.path.insert(0, root)
    from spikingjelly.activation_based import layer, neuron, surrogate
    return layer, lambda: neuron.LIFNode(tau=2.0, surrogate_function=surrogate.ATan(),
                                         detach_reset=True)


_RESET_MECHANISMS = {0: "subtract", 1: "zero", 2: "none"}  # snntorch neurons.py


def load_checkpoint(test, net, name):
    """Loads examples/frameworks/<name> into net.  Real snnTorch neurons keep
    beta, threshold, graded_spikes_factor and reset_mechanism_val as buffers;
    the stand-ins keep them as attributes: those entries of the checkpoint
    must equal the stand-in's, and everything else loads strictly."""
    state = torch.load(os.path.join(EXAMPLE, name))
    own = net.state_dict()
    for key, value in state.items():
        if key in own:
            continue
        path, attr = key.rsplit(".", 1)
        module = net.get_submodule(path)
        if attr == "reset_mechanism_val":
            test.assertEqual(_RESET_MECHANISMS[int(value)], module.reset_mechanism, key)
        else:
            ours = torch.as_tensor(getattr(module, attr), dtype=torch.float32)
            test.assertTrue(torch.equal(ours, value.float()), f"{key}: {value} vs {ours}")
    net.load_state_dict({k: v for k, v in state.items() if k in own}, strict=True)
    return net.eval()


def fashion_test():
    x, y = data.load("test")
    return torch.from_numpy(x), y


def framework_outputs(forward, x, batch_size=500):
    """forward(batch) over all of x, concatenated, as numpy."""
    with torch.no_grad():
        return np.concatenate([forward(x[i:i + batch_size]).numpy()
                               for i in range(0, len(x), batch_size)])


def snntorch_counts(net, T):
    """An init_hidden net's output spike counts: T calls on the same input
    after resetting every Leaky (the tutorial's forward_pass)."""
    def forward(x):
        for m in net.modules():
            if type(m).__name__ == "Leaky":
                m.mem = torch.zeros(0)
        spk = [net(x)[0] for _ in range(T)]
        return torch.stack(spk).sum(0)
    return forward


def spikingjelly_mean(net, T):
    """A single-step net's readout, mean over T, reset before and after."""
    def reset():
        for m in net.modules():
            if hasattr(m, "_memories"):
                m.reset()

    def forward(x):
        reset()
        out = torch.stack([net(x) for _ in range(T)]).mean(0)
        reset()
        return out
    return forward


class TrainedFrameworkNets(unittest.TestCase):
    def deploy(self, name, net, convert, T, reference, counts):
        """The four checks on a loaded net.  reference: the framework's
        output on [N, 1, 28, 28] (spike counts, or the mean readout)."""
        x, y = fashion_test()
        # The real framework's prediction for every test image, saved by the
        # training script: the framework here (the stand-ins in CI) predicts
        # the same on the first images; its accuracy is the recorded one.
        recorded = np.load(os.path.join(EXAMPLE, name + ".predictions.npy")).astype(np.int64)
        correct = int((recorded == y).sum())
        self.assertEqual(correct, RECORDED[name]["test_correct"])
        ref = framework_outputs(reference, x[:FLOAT_IMAGES])
        np.testing.assert_array_equal(ref.argmax(1), recorded[:FLOAT_IMAGES])
        # (a) One call converts it, with its built-in check on real images.
        model = convert(net, T, sample=x[:CHECK_IMAGES])
        check = model.conversion_check
        rates = [layer["firing_rate"] for layer in check["layers"] if "firing_rate" in layer]
        self.assertGreater(min(rates), 0.005, rates)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name + ".onnx")
            snnc_torch.export(model, x[:1], path, T)
            # (b) snnc's float engine equals the framework.
            got = snnc_run(path, x[:FLOAT_IMAGES].numpy())
            if counts:
                np.testing.assert_allclose(got * T, np.rint(got * T), atol=1e-4)
                np.testing.assert_array_equal(np.rint(got * T), ref)
            else:
                self.assertLess(np.abs(got - ref).max(), 1e-5)
            # (c) Golden's accuracy on the 10,000 test images.
            golden = snnc_run(path, x.numpy(), "--engine", "golden").argmax(1)
            golden_correct = int((golden == y).sum())
            diff = (golden_correct - correct) / len(y) * 100
            print(f"{name}: framework {correct / len(y) * 100:.2f}%, golden "
                  f"{golden_correct / len(y) * 100:.2f}% ({diff:+.2f} points; the same "
                  f"class for {int((golden == recorded).sum())} of {len(y)} images)")
            self.assertLessEqual(abs(diff), GOLDEN_MARGIN)
            # (d) The RTL core is bit-exact with golden.
            assert_rtl_bit_exact(self, path, x[:RTL_IMAGES].numpy(), tmp)

    def test_snntorch_tutorial6_csnn(self):
        # Max pooling of currents (MaxPool2d before each Leaky), as the
        # tutorial writes it.
        T = RECORDED["tutorial6_csnn"]["num_steps"]
        net = load_checkpoint(self, nets.tutorial6_csnn(snntorch_module()),
                              "tutorial6_csnn.pt")
        self.deploy("tutorial6_csnn", net, snnc_torch.from_snntorch, T,
                    snntorch_counts(net, T), counts=True)

    def test_snntorch_tutorial5_time_loop(self):
        entry = RECORDED["tutorial5_fc"]
        T = entry["num_steps"]
        net = load_checkpoint(self, nets.Tutorial5Net(snntorch_module(), entry["num_hidden"],
                                                      T), "tutorial5_fc.pt")
        self.deploy("tutorial5_fc", net, snnc_torch.from_snntorch, T,
                    lambda x: net(x)[0].sum(0), counts=True)

    def test_spikingjelly_sew_resnet(self):
        T = RECORDED["sew_resnet"]["T"]
        layer, neuron = spikingjelly_parts()
        net = load_checkpoint(self, nets.SEWNet(layer, neuron), "sew_resnet.pt")
        self.deploy("sew_resnet", net, snnc_torch.from_spikingjelly, T,
                    spikingjelly_mean(net, T), counts=False)


if __name__ == "__main__":
    unittest.main()
