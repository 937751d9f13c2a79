"""`import snnc`: the CLI's library from Python, with the CLI's numbers."""

import os
import re
import subprocess
import tempfile

import numpy as np
import pytest

from helpers import ROOT, SNNC

import snnc

EXAMPLE = os.path.join(ROOT, "examples", "fashion_mnist", "fashion_mnist.onnx")
MODELS = os.path.join(ROOT, "tests", "models")
DATA = "/usr/share/datasets/fashion-mnist"
IMAGES = os.path.join(DATA, "t10k-images-idx3-ubyte.gz")
LABELS = os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")


@pytest.fixture(scope="module")
def package():
    return snnc.compile(EXAMPLE)


@pytest.fixture(scope="module")
def images():
    return snnc.load_images(IMAGES)[:300]


@pytest.fixture(scope="module")
def labels():
    return snnc.load_labels(LABELS)[:300]


def cli(*args):
    return subprocess.run([SNNC, *args], capture_output=True, text=True)


def test_compile_save_load_and_run_equal_the_cli(package, images, tmp_path):
    package.save(tmp_path / "py.snnpkg")
    assert cli("compile", EXAMPLE, "-o", str(tmp_path / "cli.snnpkg")).returncode == 0
    # The same bytes as the CLI's package.
    assert (tmp_path / "py.snnpkg").read_bytes() == (tmp_path / "cli.snnpkg").read_bytes()
    x = images[:20]
    np.save(tmp_path / "x.npy", x)
    out = cli("run", str(tmp_path / "cli.snnpkg"), "--engine", "golden", "--input",
              str(tmp_path / "x.npy"), "-o", str(tmp_path / "y.npy"))
    assert out.returncode == 0, out.stderr
    loaded = snnc.Package.load(str(tmp_path / "py.snnpkg"))
    for p in (package, loaded):
        np.testing.assert_array_equal(snnc.Session(p).infer(x),
                                      np.load(tmp_path / "y.npy"))
    assert loaded.to_bytes() == package.to_bytes()


def test_onnx_model_proto_compiles_like_its_file(package):
    import onnx
    model = onnx.load(EXAMPLE)
    assert snnc.compile(model).to_bytes() == package.to_bytes()


def test_report_is_the_cli_report(package, tmp_path):
    assert cli("compile", EXAMPLE, "-o", str(tmp_path / "m.snnpkg"), "--report",
               str(tmp_path / "r.json")).returncode == 0
    import json
    assert package.report() == json.loads((tmp_path / "r.json").read_text())
    assert package.summary().splitlines()[1].split()[:3] == ["layer", "kind", "neurons"]
    assert package.num_outputs == 10 and package.input_shape == [1, 28, 28]
    assert package.timesteps == 4 and not package.events_input


def test_eval_equals_cli_eval(package):
    result = snnc.eval(package, IMAGES, LABELS, limit=500, threads=2)
    out = cli("eval", EXAMPLE, "--engine", "golden", "--images", IMAGES,
              "--labels", LABELS, "--limit", "500")
    assert out.returncode == 0, out.stderr
    golden = re.search(r"accuracy \(golden\): ([0-9.]+)% \((\d+) / (\d+)", out.stdout)
    assert golden, out.stdout
    assert (result.correct, result.total) == (int(golden.group(2)), int(golden.group(3)))
    # The CLI prints a percentage; EvalResult.accuracy is the fraction.
    assert f"{100 * result.accuracy:.2f}" == golden.group(1)
    assert result.accuracy == result.correct / result.total
    assert result.shards > 1


def test_sharded_eval_is_one_run(package, images, labels):
    """Stats of many shards, merged, are those of one session's run."""
    whole = snnc.Session(package)
    scores = whole.infer(images)
    result = snnc.eval(package, images, labels, shard_size=37, threads=2)
    np.testing.assert_array_equal(result.scores, scores)
    assert result.stats == whole.stats()
    assert result.correct == int((scores.argmax(1) == labels).sum())


def test_threaded_session_is_the_same(package, images):
    one = snnc.Session(package, record_spikes=True)
    two = snnc.Session(package, record_spikes=True, threads=2)
    np.testing.assert_array_equal(one.infer(images[:9]), two.infer(images[:9]))
    assert one.stats() == two.stats()
    np.testing.assert_array_equal(one.spikes(), two.spikes())


def test_spikes_and_stats(package, images):
    session = snnc.Session(package, record_spikes=True)
    session.infer(images[:3])
    spikes = session.spikes()
    assert spikes.dtype == np.int32 and spikes.shape[1] == 6
    stats = session.stats()
    # The trace holds every spike of the LIF layers the stats count.
    lif = sum(p["events"] for p in stats["populations"][1:])
    assert len(spikes) == lif
    assert set(np.unique(spikes[:, 0])) == {0, 1, 2}
    assert spikes[:, 1].max() == 3


def test_errors_are_the_cli_messages(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a model")
    out = cli("compile", str(bad), "-o", str(tmp_path / "m.snnpkg"))
    with pytest.raises(snnc.Error) as error:
        snnc.compile(str(bad))
    assert out.stderr.strip() == "snnc: error: " + str(error.value)
    with pytest.raises(snnc.Error, match="does not fit"):
        snnc.compile(EXAMPLE, target="ice40-up5k")
    with pytest.raises(snnc.Error, match="unknown device 'gpu'"):
        snnc.Session(snnc.compile(EXAMPLE), device="gpu")
    with pytest.raises(snnc.Error, match="input"):
        snnc.Session(snnc.compile(EXAMPLE)).infer(np.zeros((2, 1, 27, 28), np.float32))
    with pytest.raises(snnc.Error, match="6 samples but 5 labels"):
        snnc.eval(snnc.compile(EXAMPLE), np.zeros((6, 1, 28, 28), np.float32),
                  np.zeros(5, np.int64))


def test_board_session_needs_a_port():
    with pytest.raises(snnc.Error, match="/nonexistent/tty"):
        snnc.Session(snnc.compile(EXAMPLE), device="board:/nonexistent/tty")


def test_rtl_session_is_bit_exact(tmp_path):
    model = os.path.join(MODELS, "conv_pool_negscale.onnx")
    package = snnc.compile(model)
    x = np.random.default_rng(3).random((2, 1, 8, 8), dtype=np.float32)
    rtl = snnc.Session(package, device="rtl", lanes=2, record_spikes=True)
    golden = snnc.Session(package, record_spikes=True)
    np.testing.assert_array_equal(rtl.infer(x), golden.infer(x))
    np.testing.assert_array_equal(rtl.spikes(), golden.spikes())
    assert rtl.stats()["cycles"] > 0 and rtl.device == "rtl"


def test_compare_counts_what_the_engines_spike(images):
    """compare's per-layer figures, recounted from both engines' spikes."""
    x = images[:24]
    result = snnc.compare(EXAMPLE, x)
    floats = snnc.FloatModel(EXAMPLE, record_spikes=True)
    floats.infer(x)
    float_spikes = floats.spikes()
    golden = snnc.Session(snnc.compile(EXAMPLE), record_spikes=True)
    golden.infer(x)
    records = golden.spikes()
    layers = snnc.compile(EXAMPLE).layers()
    names = [layer["name"] for layer in layers]
    spiking = [layer["name"] for layer in layers if layer["kind"] == "lif"]
    assert [layer["name"] for layer in result["layers"]] == spiking
    for layer in result["layers"]:
        f = float_spikes[layer["name"]] != 0  # [T, N, E]
        index = names.index(layer["name"])
        shape = layers[index]["shape"] + [1] * (3 - len(layers[index]["shape"]))
        mine = records[records[:, 2] == index]
        # (c, y, x) to the flat index of the layer's [C, H, W] tensor.
        flat = (mine[:, 3] * shape[1] + mine[:, 4]) * shape[2] + mine[:, 5]
        g = np.zeros_like(f)
        g[mine[:, 1], mine[:, 0], flat] = True
        assert layer["neurons"] == f.shape[2] == int(np.prod(shape))
        assert layer["mismatches"] == int((f != g).sum())
        assert layer["firing_rate_float"] == pytest.approx(f.mean(), abs=1e-12)
        assert layer["firing_rate_golden"] == pytest.approx(g.mean(), abs=1e-12)
    agreements = [layer["spike_agreement"] for layer in result["layers"]]
    below = [layer["name"] for layer, a in zip(result["layers"], agreements)
             if a < result["threshold"]]
    assert result["first_layer_below_threshold"] == (below[0] if below else None)
    logits = floats.infer(x)
    scores = golden.infer(x)
    assert result["readout"]["argmax_agreement"] == pytest.approx(
        (logits.argmax(1) == scores.argmax(1)).mean())
    assert result["readout"]["max_logit_error"] == pytest.approx(
        np.abs(logits - scores).max(), rel=1e-6)


def test_compare_refuses_a_package_and_a_wrong_input(tmp_path, package):
    package.save(tmp_path / "m.snnpkg")
    with pytest.raises(snnc.Error, match="no float semantics"):
        snnc.compare(tmp_path / "m.snnpkg", np.zeros((1, 1, 28, 28), np.float32))
    with pytest.raises(snnc.Error, match="input"):
        snnc.compare(EXAMPLE, np.zeros((1, 3, 28, 28), np.float32))


def test_sweep_reports_accuracy_sops_memory_and_fit(images, labels):
    rows = snnc.sweep(EXAMPLE, {"weight_bits": [4, 8], "target": ["sim", "ice40-up5k"]},
                      images[:100], labels[:100])
    assert [(r["weight_bits"], r["target"]) for r in rows] == [
        (4, "sim"), (4, "ice40-up5k"), (8, "sim"), (8, "ice40-up5k")]
    for row in rows:
        # The example is too large for the UP5K: the sweep says so per point.
        assert row["fits"] == (row["target"] == "sim")
    eight = snnc.eval(snnc.compile(EXAMPLE, weight_bits=8), images[:100], labels[:100])
    assert rows[2]["accuracy"] == eight.accuracy
    assert rows[2]["sops_per_inference"] == eight.stats["synaptic_ops"] / 100
    assert rows[0]["memory_bits"] < rows[2]["memory_bits"]  # 4-bit weights
    assert "does not fit" in rows[1]["error"]
    table = snnc.format_table(rows)
    assert table.splitlines()[0].split()[:3] == ["weight_bits", "target", "fits"]


def test_report_html_from_python(package, images, tmp_path):
    package.report_html(images[:4], tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text()
    assert "Spike agreement per layer" in html  # compiled from the model
    package.save(tmp_path / "m.snnpkg")
    snnc.Package.load(str(tmp_path / "m.snnpkg")).report_html(images[:4], tmp_path / "p.html")
    assert "has no float form" in (tmp_path / "p.html").read_text()


def test_import_works_from_a_fresh_interpreter():
    env = dict(os.environ)
    code = "import snnc; print(snnc.Session.__doc__.split()[0])"
    out = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True,
                         text=True, env=env,
                         cwd=tempfile.gettempdir())
    assert out.returncode == 0, out.stderr
