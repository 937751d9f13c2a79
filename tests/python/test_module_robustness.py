"""`import snnc` under hostile use: shared sessions, objects made without
their constructor, arguments the CLI refuses, a model file changed under a
package, layer names no report should print raw, and file modes.

The tests that used to crash the interpreter run their bodies in a child
Python (this file run as a script), so a crash fails one test instead of
ending the whole pytest run."""

import concurrent.futures
import inspect
import os
import pickle
import stat
import subprocess
import sys

import numpy as np
import pytest

from helpers import ROOT, SNNC
import nirfile

import snnc
from snnc import _snnc

EXAMPLE = os.path.join(ROOT, "examples", "fashion_mnist", "fashion_mnist.onnx")
MODELS = os.path.join(ROOT, "tests", "models")
SMALL = os.path.join(MODELS, "conv_pool_negscale.onnx")  # [1, 8, 8] -> 5
IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def cli(*args):
    return subprocess.run([SNNC, *map(str, args)], capture_output=True, text=True)


def cli_error(*args):
    """The one-line message of a CLI command that fails, without its prefix."""
    out = cli(*args)
    assert out.returncode != 0, out.stdout
    line = out.stderr.strip()
    assert line.startswith("snnc: error: ") and "\n" not in line, line
    return line[len("snnc: error: "):]


def in_child(name):
    """Runs this file's function `name` in a fresh interpreter."""
    out = subprocess.run([sys.executable, __file__, name], capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, f"rc {out.returncode}\n{out.stdout}\n{out.stderr}"


def small_input(samples, seed=0):
    return np.random.default_rng(seed).random((samples, 1, 8, 8), dtype=np.float32)


# 1. A Session shared by threads.

def shared_session_equals_one_thread():
    package = snnc.compile(EXAMPLE)
    x = snnc.load_images(IMAGES)[:4]
    calls, threads = 3, 4
    alone = snnc.Session(package, record_spikes=True)
    want = [alone.infer(x) for _ in range(calls * threads)]
    shared = snnc.Session(package, record_spikes=True)

    def work(_):
        return [shared.infer(x) for _ in range(calls)]

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        got = [s for part in pool.map(work, range(threads)) for s in part]
    for scores in got:
        np.testing.assert_array_equal(scores, want[0])
    # Every call ran whole: the same inputs give the same trace and stats
    # in any order.
    np.testing.assert_array_equal(shared.spikes(), alone.spikes())
    assert shared.stats() == alone.stats()
    # Different inputs per thread: each thread gets its own inputs' scores.
    inputs = [snnc.load_images(IMAGES)[4 * i:4 * i + 4] for i in range(threads)]
    expected = [snnc.Session(package).infer(part) for part in inputs]
    other = snnc.Session(package, record_spikes=True, threads=2)
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(other.infer, inputs * 2))
    for i, scores in enumerate(results):
        np.testing.assert_array_equal(scores, expected[i % threads])
    assert other.stats()["samples"] == 8 * threads


def shared_float_model_equals_one_thread():
    x = small_input(3)
    alone = snnc.FloatModel(SMALL, record_spikes=True)
    want = [alone.infer(x) for _ in range(8)]
    shared = snnc.FloatModel(SMALL, record_spikes=True)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: shared.infer(x), range(8)))
    for scores in got:
        np.testing.assert_array_equal(scores, want[0])
    mine, theirs = shared.spikes(), alone.spikes()
    assert mine.keys() == theirs.keys()
    for name in mine:
        np.testing.assert_array_equal(mine[name], theirs[name])


def test_a_shared_session_serialises_its_calls():
    in_child("shared_session_equals_one_thread")


def test_a_shared_float_model_serialises_its_calls():
    in_child("shared_float_model_equals_one_thread")


# 2. Objects made by __new__ without a constructor.

def uses(obj, package):
    """Every public method and property of `obj`'s class, as calls with
    arguments it accepts when initialised."""
    x = small_input(1)
    out = os.path.join(os.environ.get("TMPDIR", "/tmp"), "never-written")
    arguments = {
        "save": (out,), "infer": (x,), "classify": (x,),
        "report_html": (x, out), "_report_html": (x, out, _snnc.HtmlReportOptions()),
        "_check_input_range": (x, False),
    }
    cls = type(obj)
    names = [n for n in dir(cls) if not n.startswith("__")]
    if "__getstate__" in vars(cls):  # pickling
        names.append("__getstate__")
    for name in names:
        static = inspect.getattr_static(cls, name)
        if isinstance(static, (staticmethod, classmethod)) or name in ("package",):
            continue
        if isinstance(static, property):
            yield name, lambda name=name: getattr(obj, name)
            if static.fset is not None:
                yield name + "=", lambda name=name: setattr(obj, name, getattr(package, name, 1))
        elif callable(static):
            yield name, lambda name=name: getattr(obj, name)(*arguments.get(name, ()))


def uninitialised_objects_raise():
    package = snnc.compile(SMALL)
    args = snnc.compile_args()
    for cls in (_snnc.Package, _snnc.Session, _snnc.FloatModel, _snnc.CompileArgs,
                _snnc.HtmlReportOptions, snnc.Session, snnc.FloatModel):
        obj = cls.__new__(cls)
        checked = list(uses(obj, args))
        assert len(checked) >= 2, cls
        for name, use in checked:
            if name.startswith("_") and cls in (snnc.Session, snnc.FloatModel):
                continue
            with pytest.raises(snnc.Error, match="not initialised") as error:
                use()
            assert "\n" not in str(error.value), (cls, name)
    blank = _snnc.Package.__new__(_snnc.Package)
    for use in (lambda: snnc.Session(blank), lambda: pickle.dumps(blank),
                lambda: snnc.eval(blank, small_input(1), [0]),
                lambda: snnc.report_html(blank, small_input(1), "/tmp/never"),
                lambda: _snnc.compile(SMALL, None, _snnc.CompileArgs.__new__(
                    _snnc.CompileArgs))):
        with pytest.raises(snnc.Error, match="not initialised"):
            use()
    # Unpickling still makes a package through __new__ and __setstate__.
    blank.__setstate__((package.to_bytes(),))
    assert blank.layers() == package.layers()
    assert pickle.loads(pickle.dumps(package)).to_bytes() == package.to_bytes()


def test_objects_made_without_a_constructor_raise():
    in_child("uninitialised_objects_raise")


# 3. snnc.eval's arguments.

@pytest.fixture(scope="module")
def small():
    return snnc.compile(SMALL)


def test_eval_refuses_what_the_cli_refuses(small, tmp_path):
    x = small_input(6)
    labels = np.array([0, 1, 2, 3, 4, 0])
    cases = [
        (dict(labels=labels[:, None]), "labels must be 1-D, shape is [6, 1]"),
        (dict(labels=labels.astype(np.float32)), "dtype 'float32' is not an integer"),
        (dict(labels=labels - 1), "label 0 is -1, not a class of the model's 5 outputs"),
        (dict(labels=labels + 1), "label 4 is 5, not a class of the model's 5 outputs"),
        (dict(labels=labels[:5]), "6 samples but 5 labels"),
        (dict(limit=-1), "eval: --limit must be >= 0"),
        (dict(limit=2.0), "eval: limit must be an integer, got 2.0"),
        (dict(limit=True), "eval: limit must be an integer, got True"),
        (dict(shard_size=0), "eval: shard_size must be >= 1, got 0"),
        (dict(threads=-2), "eval: threads must be >= 1, got -2"),
    ]
    for change, message in cases:
        kwargs = {"labels": labels, **change}
        with pytest.raises(snnc.Error) as error:
            snnc.eval(small, x, kwargs.pop("labels"), **kwargs)
        assert message in str(error.value), (change, str(error.value))
        assert "\n" not in str(error.value)
    # The CLI's own words where it has them.
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", labels[:, None])
    np.save(tmp_path / "f.npy", labels.astype(np.float32))
    for name in ("y.npy", "f.npy"):
        with pytest.raises(snnc.Error) as error:
            snnc.eval(small, tmp_path / "x.npy", tmp_path / name)
        assert str(error.value) == cli_error("eval", SMALL, "--engine", "golden",
                                             "--images", tmp_path / "x.npy",
                                             "--labels", tmp_path / name)
    with pytest.raises(snnc.Error) as error:
        snnc.eval(small, x, labels, limit=-1)
    assert str(error.value) == cli_error("eval", SMALL, "--images", tmp_path / "x.npy",
                                         "--labels", tmp_path / "y.npy", "--limit", -1)


def test_eval_counts_whole_samples(small):
    x = small_input(6)
    labels = np.array([0, 1, 2, 3, 4, 0], np.uint8)
    scores = snnc.Session(small).infer(x)
    whole = snnc.eval(small, x, labels, threads=2)
    assert whole.total == 6 and 0.0 <= whole.accuracy <= 1.0
    assert whole.accuracy == whole.correct / 6
    assert whole.correct == int((scores.argmax(1) == labels).sum())
    # --limit 0 is every sample, as in the CLI; a limit counts samples.
    assert snnc.eval(small, x, labels, limit=0).correct == whole.correct
    first = snnc.eval(small, x, labels, limit=np.int64(4), shard_size=3)
    assert first.total == 4
    assert first.correct == int((scores[:4].argmax(1) == labels[:4]).sum())


# 4. Compiler and compare options, checked as the CLI checks them.

def test_options_are_refused_with_the_cli_messages(tmp_path):
    x = snnc.load_images(IMAGES)[:2]
    np.save(tmp_path / "x.npy", x)
    nan, inf = float("nan"), float("inf")
    out = tmp_path / "m.snnpkg"
    cases = [
        (lambda: snnc.compare(EXAMPLE, x, threshold=nan),
         ("compare", EXAMPLE, "--input", tmp_path / "x.npy", "--threshold", "nan")),
        (lambda: snnc.compare(EXAMPLE, x, threshold=1.5),
         ("compare", EXAMPLE, "--input", tmp_path / "x.npy", "--threshold", "1.5")),
        (lambda: snnc.compile(EXAMPLE, input_range=(0, inf)),
         ("compile", EXAMPLE, "-o", out, "--input-range", "0,inf")),
        (lambda: snnc.compile(EXAMPLE, input_range=(1, 0)),
         ("compile", EXAMPLE, "-o", out, "--input-range", "1,0")),
        (lambda: snnc.compare(EXAMPLE, x, input_range=(nan, 1)),
         ("compare", EXAMPLE, "--input", tmp_path / "x.npy", "--input-range", "nan,1")),
        (lambda: snnc.compile(EXAMPLE, dt=nan),
         ("compile", EXAMPLE, "-o", out, "--dt", "nan")),
        (lambda: snnc.compile(EXAMPLE, encoding="weird"),
         ("compile", EXAMPLE, "-o", out, "--encoding", "weird")),
        (lambda: snnc.FloatModel(EXAMPLE, dt=1e-3),
         ("run", EXAMPLE, "--input", tmp_path / "x.npy", "-o", out, "--dt", "1e-3")),
        (lambda: snnc.report_html(EXAMPLE, x, tmp_path / "r.html", input_range=(0, 0)),
         ("report", EXAMPLE, "--input", tmp_path / "x.npy", "-o", tmp_path / "r.html",
          "--input-range", "0,0")),
    ]
    for call, command in cases:
        with pytest.raises(snnc.Error) as error:
            call()
        assert str(error.value) == cli_error(*command), command
    assert not out.exists() and not (tmp_path / "r.html").exists()


def test_session_counts_are_checked_as_snnc_run_checks_them(small, tmp_path):
    x = small_input(1)
    np.save(tmp_path / "x.npy", x)
    for kwargs, flags in ((dict(threads=0), ["--threads", 0]),
                          (dict(threads=5000), ["--threads", 5000]),
                          (dict(device="board:/nonexistent", baud=-5),
                           ["--engine", "board", "--device", "/nonexistent",
                            "--baud", -5])):
        with pytest.raises(snnc.Error) as error:
            snnc.Session(small, **kwargs)
        assert str(error.value) == cli_error("run", SMALL, "--input", tmp_path / "x.npy",
                                             "-o", tmp_path / "y.npy", *flags)


def test_nir_options_are_checked(tmp_path):
    nodes, edges = mlp_graph()
    path = tmp_path / "m.nir"
    nirfile.write(path, nodes, edges)
    out = tmp_path / "m.snnpkg"
    for options, flags in ((dict(dt=float("nan")), ["--dt", "nan"]),
                           (dict(dt=1e-3, encoding="weird"),
                            ["--dt", "1e-3", "--encoding", "weird"])):
        with pytest.raises(snnc.Error) as error:
            snnc.compile(path, **options)
        assert str(error.value) == cli_error("compile", path, "-o", out, *flags)
    for steps in (0, 10**12):
        with pytest.raises(snnc.Error, match=rf"^--timesteps must be in \[1, 100000\], "
                                             rf"got {steps}$"):
            snnc.compile(path, dt=1e-3, timesteps=steps)
    assert snnc.compile(path, dt=1e-3, timesteps=5, encoding="events").timesteps == 5
    with pytest.raises(snnc.Error, match="NIR models"):
        snnc.compile(EXAMPLE, timesteps=8)  # an ONNX model states its T


def mlp_graph():
    """Input 4 -> Affine -> LIF -> Affine -> Output, with no dt."""
    node = nirfile.node
    rng = np.random.default_rng(0)
    nodes = {
        "input": node("Input", shape=np.array([4])),
        "fc1": node("Affine", weight=rng.normal(0, 0.8, (6, 4)).astype(np.float32),
                    bias=np.zeros(6, np.float32)),
        "lif1": node("LIF", tau=np.full(6, 5e-3), r=np.ones(6), v_leak=np.zeros(6),
                     v_threshold=np.ones(6), v_reset=np.zeros(6)),
        "fc2": node("Affine", weight=rng.normal(0, 0.5, (3, 6)).astype(np.float32),
                    bias=np.zeros(3, np.float32)),
        "output": node("Output", shape=np.array([3])),
    }
    edges = [("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "output")]
    return nodes, edges


# 5. report_html draws what the package holds.

def renamed(source, target, names):
    import onnx
    model = onnx.load(source)
    for node in model.graph.node:
        node.name = names.get(node.name, node.name)
    onnx.save(model, target)


def test_report_html_shows_the_package_not_the_file_now(tmp_path):
    model = tmp_path / "m.onnx"
    renamed(SMALL, model, {})
    x = small_input(3)
    np.save(tmp_path / "x.npy", x)
    assert cli("report", model, "--input", tmp_path / "x.npy", "-o",
               tmp_path / "cli.html").returncode == 0
    package = snnc.compile(model)
    # The same shapes under other names: a report that read the file again
    # would run and show these.
    renamed(SMALL, model, {"/3/LIF": "other-lif-a", "/7/LIF": "other-lif-b"})
    package.report_html(x, tmp_path / "py.html")
    html = (tmp_path / "py.html").read_text()
    assert "/3/LIF" in html and "/7/LIF" in html and "other-lif" not in html
    assert "Spike agreement per layer" in html  # the float form came along
    # The CLI's report of the model as it was, byte for byte.
    assert html == (tmp_path / "cli.html").read_text()
    os.remove(model)
    snnc.report_html(package, x, tmp_path / "gone.html")
    assert (tmp_path / "gone.html").read_text() == html


def test_report_html_of_a_model_proto_and_a_loaded_package(tmp_path):
    import onnx
    x = small_input(2)
    snnc.compile(onnx.load(SMALL)).report_html(x, tmp_path / "proto.html")
    assert "Spike agreement per layer" in (tmp_path / "proto.html").read_text()
    snnc.compile(SMALL).save(tmp_path / "m.snnpkg")
    loaded = snnc.Package.load(tmp_path / "m.snnpkg")
    loaded.report_html(x, tmp_path / "pkg.html")
    html = (tmp_path / "pkg.html").read_text()
    assert "has no float form" in html and "snnc report: m.snnpkg" in html


# 6. Names in the report.

def with_raw_names(package, names):
    """The package's bytes with layer names replaced by others of the same
    length (the protobuf payload keeps its layout), the header's SHA-256
    recomputed: names no importer has cleaned, as a package file may hold."""
    import hashlib
    data = package.to_bytes()
    header, payload = bytearray(data[:56]), data[56:]
    for old, new in names.items():
        assert len(old) == len(new) and old in payload
        payload = payload.replace(old, new)
    header[24:56] = hashlib.sha256(payload).digest()
    return snnc.Package.from_bytes(bytes(header) + payload)


def check_clean_report(path):
    """The report's text: strict UTF-8, and no control byte but the file's
    own line ends."""
    data = path.read_bytes()
    assert not {b for b in data if (b < 0x20 and b != 0x0A) or b == 0x7F}
    return data.decode("utf-8")


def test_report_names_are_whole_characters_and_one_line(tmp_path):
    long = "a" * 10 + "\u00e9" * 40  # 90 bytes: the cut falls inside an é
    model = tmp_path / "names.onnx"
    fits = "\u00e9" * 38  # as long as a label may be: not shortened
    renamed(SMALL, model, {"/3/LIF": long, "/7/LIF": "bad\n\x1bname\x7f",
                           "/9/Gemm": fits})
    package = snnc.compile(model)
    assert package.layers()[1]["name"] == long
    shown = "bad\\x0a\\x1bname\\x7f"  # escaped by the importer or the report
    package.report_html(small_input(2), tmp_path / "r.html",
                        raster_layers=[package.layers()[2]["name"]])
    text = check_clean_report(tmp_path / "r.html")
    # Shortened on a character boundary, shown whole where there is room.
    assert "&#8230;" + "\u00e9" * 37 + "<" in text
    assert ">" + long + "<" in text
    assert ">" + fits + "</text>" in text
    assert ">" + shown + "<" in text
    assert "<title>Spike raster: " + shown + "</title>" in text


def test_report_escapes_control_characters_a_package_holds(tmp_path):
    names = {b"/3/LIF": b"a\nb\x1bcc", b"/7/LIF": b"\td\x7f\r\x00e"}
    raw = with_raw_names(snnc.compile(SMALL), names)
    assert [layer["name"].encode() for layer in raw.layers()][1:3] == list(names.values())
    raw.report_html(small_input(2), tmp_path / "r.html")
    text = check_clean_report(tmp_path / "r.html")
    for shown in ("a\\x0ab\\x1bcc", "\\x09d\\x7f\\x0d\\x00e"):
        assert "<td>" + shown + "</td>" in text  # the layer table
        assert "<title>Spike raster: " + shown + "</title>" in text  # SVG
        assert ">" + shown + "</text>" in text  # chart labels


# 7. File modes.

def test_files_written_by_the_module_are_not_executable(tmp_path):
    package = snnc.compile(SMALL)
    umask = os.umask(0o022)
    try:
        package.save(tmp_path / "m.snnpkg")
        package.report_html(small_input(1), tmp_path / "r.html")
        snnc.report_html(SMALL, small_input(1), tmp_path / "s.html")
        os.umask(0o077)
        package.save(tmp_path / "private.snnpkg")
    finally:
        os.umask(umask)
    for name, mode in (("m.snnpkg", 0o644), ("r.html", 0o644), ("s.html", 0o644),
                       ("private.snnpkg", 0o600)):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == mode, name
    assert snnc.Package.load(tmp_path / "m.snnpkg").to_bytes() == package.to_bytes()


if __name__ == "__main__":
    globals()[sys.argv[1]]()
