"""snnc_torch's layers against a plain numpy model of the paper's equations."""

import unittest

import numpy as np
import torch

import helpers  # noqa: F401  (paths, thread count)
import snnc_torch


def numpy_lif(x, vth, decay, reset, fire):
    u = np.zeros_like(x[0])
    o = np.zeros_like(x[0])
    out = []
    for t in range(len(x)):
        u = decay * u * (1 - o) + x[t] if reset == "hard" else decay * (u - vth * o) + x[t]
        o = ((u >= vth) if fire == "ge" else (u > vth)).astype(x.dtype)
        out.append(o)
    return np.stack(out)


class LIFTest(unittest.TestCase):
    def test_dynamics_match_the_equations(self):
        rng = np.random.default_rng(0)
        x = rng.normal(0.4, 0.5, size=(6, 5, 7)).astype(np.float32)
        for reset in ("hard", "soft"):
            for fire in ("gt", "ge"):
                for decay in (0.0, 0.25, 1.0):
                    lif = snnc_torch.LIF(0.5, decay, reset, fire)
                    lif.timesteps = 6
                    got = lif(torch.from_numpy(x.reshape(30, 7))).numpy().reshape(6, 5, 7)
                    want = numpy_lif(x, np.float32(0.5), np.float32(decay), reset, fire)
                    np.testing.assert_array_equal(got, want)

    def test_surrogate_gradient_is_rectangular(self):
        lif = snnc_torch.LIF(1.0, 0.0)
        u = torch.tensor([0.2, 0.6, 1.0, 1.4, 1.8], requires_grad=True)
        lif(u).sum().backward()
        # width 1 around the threshold: |u - 1| < 0.5 gets gradient 1.
        np.testing.assert_array_equal(u.grad.numpy(), [0, 1, 1, 1, 0])

    def test_rejects_bad_parameters(self):
        with self.assertRaises(ValueError):
            snnc_torch.LIF(v_threshold=0.0)
        with self.assertRaises(ValueError):
            snnc_torch.LIF(decay=1.5)
        with self.assertRaises(ValueError):
            snnc_torch.LIF(reset="medium")


class TdBatchNormTest(unittest.TestCase):
    def test_training_statistics_span_time_and_batch(self):
        bn = snnc_torch.TdBatchNorm2d(3, alpha=0.5, v_threshold=2.0)
        x = torch.randn(4 * 8, 3, 5, 5) * 3 + 1  # [T*N, C, H, W]
        y = bn.train()(x)
        # alpha * V_th = 1: normalized output, mean 0 and variance 1 per channel.
        self.assertLess(y.mean(dim=(0, 2, 3)).abs().max().item(), 1e-5)
        self.assertLess((y.var(dim=(0, 2, 3), unbiased=False) - 1).abs().max().item(), 1e-3)

    def test_inference_uses_running_statistics(self):
        bn = snnc_torch.TdBatchNorm1d(2, alpha=1 / np.sqrt(2), v_threshold=0.5).eval()
        with torch.no_grad():
            bn.weight.copy_(torch.tensor([2.0, -1.0]))
            bn.bias.copy_(torch.tensor([0.1, 0.2]))
            bn.running_mean.copy_(torch.tensor([1.0, -1.0]))
            bn.running_var.copy_(torch.tensor([4.0, 0.25]))
        x = torch.tensor([[3.0, 0.0]])
        gain = np.float32(1 / np.sqrt(2)) * np.float32(0.5)
        want = [2.0 * gain * 2.0 / np.sqrt(4.0 + 1e-5) + 0.1,
                -1.0 * gain * 1.0 / np.sqrt(0.25 + 1e-5) + 0.2]
        np.testing.assert_allclose(bn(x).detach().numpy()[0], want, rtol=1e-6)


class ExportTest(unittest.TestCase):
    def test_export_writes_the_convention(self):
        import tempfile, os, onnx
        model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3),
                                    snnc_torch.TdBatchNorm1d(3, v_threshold=0.7),
                                    snnc_torch.LIF(0.7, 0.5, "soft", "ge"),
                                    torch.nn.Linear(3, 2))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.onnx")
            snnc_torch.export(model, torch.zeros(1, 4), path, 6, "events")
            proto = onnx.load(path)
        meta = {p.key: p.value for p in proto.metadata_props}
        self.assertEqual(meta, {"snn.timesteps": "6", "snn.input_encoding": "events"})
        ops = [(n.domain, n.op_type) for n in proto.graph.node]
        self.assertIn(("snn", "LIF"), ops)
        self.assertIn(("snn", "TdBatchNorm"), ops)
        lif = next(n for n in proto.graph.node if n.op_type == "LIF")
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in lif.attribute}
        self.assertEqual(attrs["reset"], b"soft")
        self.assertEqual(attrs["fire"], b"ge")
        self.assertAlmostEqual(attrs["v_threshold"], 0.7, places=6)


if __name__ == "__main__":
    unittest.main()
