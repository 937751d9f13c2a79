"""Writes the malformed-input corpus: hostile models, packages, arrays,
datasets and command lines, each with the snnc commands that must survive
it (docs/reliability.md).

    generate.py OUT --snnc PATH [--seed N]

OUT/manifest.json lists the runs: {"class", "case", "argv", "outputs",
"expect"}.  argv[0] is "snnc"; outputs are the files the command would
write; expect is "fail" where the input must be refused, "any" where a
clean exit 0 with finite outputs is also right.  check.py runs them.
"""
import argparse
import glob
import importlib
import json
import os
import random
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import mutations  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "models")
TEXT_MODELS = os.path.join(HERE, "..", "frontend")


class Corpus:
    def __init__(self, out, snnc):
        self.out, self.snnc = out, snnc
        self.runs, self.classes = [], {}
        os.makedirs(os.path.join(out, "runs"), exist_ok=True)

    def path(self, cls, name):
        folder = os.path.join(self.out, cls)
        os.makedirs(folder, exist_ok=True)
        return os.path.join(folder, name)

    def write(self, cls, name, data):
        path = self.path(cls, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def run(self, cls, case, args, outputs=(), expect="any"):
        """One snnc command over a case; outputs go to a fresh folder."""
        self.classes[cls] = self.classes.get(cls, 0) + 1
        self.runs.append({"class": cls, "case": case, "argv": ["snnc"] + args,
                          "outputs": list(outputs), "expect": expect})

    def out_file(self, name):
        return os.path.join(self.out, "runs", "%05d-%s" % (len(self.runs), name))

    # The commands each kind of input goes through.
    def model_runs(self, cls, case, path, expect="any", float_too=True):
        pkg, report = self.out_file("c.snnpkg"), self.out_file("r.json")
        self.run(cls, case, ["compile", path, "-o", pkg, "--report", report],
                 [pkg, report], expect)
        y, stats = self.out_file("y.npy"), self.out_file("s.json")
        self.run(cls, case, ["run", path, "--engine", "golden", "--input",
                             self.x8, "-o", y, "--stats", stats], [y, stats], expect)
        if float_too:
            y = self.out_file("y.npy")
            self.run(cls, case, ["run", path, "--input", self.x8, "-o", y], [y], expect)

    def package_runs(self, cls, case, path, expect="fail"):
        y, stats = self.out_file("y.npy"), self.out_file("s.json")
        self.run(cls, case, ["run", path, "--engine", "golden", "--input",
                             self.x8, "-o", y, "--stats", stats], [y, stats], expect)

    def npy_runs(self, cls, case, path, expect="fail"):
        y = self.out_file("y.npy")
        self.run(cls, case, ["run", self.good_pkg, "--engine", "golden",
                             "--input", path, "-o", y], [y], expect)
        self.run(cls, case, ["eval", self.good_onnx, "--engine", "golden",
                             "--images", path, "--labels", self.labels3], [], expect)

    def dataset_runs(self, cls, case, path, expect="fail"):
        self.run(cls, case, ["eval", self.good_pkg, "--engine", "golden",
                             "--images", path, "--labels", self.labels3], [], expect)
        self.run(cls, case, ["eval", self.good_pkg, "--engine", "golden",
                             "--images", self.x8, "--labels", path], [], expect)


def prepare(corpus, rng):
    """The good inputs every case starts from."""
    c = corpus
    c.good_onnx = os.path.join(MODELS, "conv_pool_negscale.onnx")
    base = c.path("base", "")
    np.save(os.path.join(base, "x8.npy"), rng.random((3, 1, 8, 8), dtype=np.float32))
    np.save(os.path.join(base, "labels3.npy"), np.array([0, 1, 2], dtype=np.int64))
    c.x8 = os.path.join(base, "x8.npy")
    c.labels3 = os.path.join(base, "labels3.npy")
    c.good_pkg = os.path.join(base, "good.snnpkg")
    subprocess.run([c.snnc, "compile", c.good_onnx, "-o", c.good_pkg],
                   check=True, stdout=subprocess.DEVNULL)
    c.onnx_bytes = {name: open(os.path.join(MODELS, name), "rb").read()
                    for name in sorted(os.listdir(MODELS)) if name.endswith(".onnx")}
    c.texts = {name: open(os.path.join(TEXT_MODELS, name)).read()
               for name in ("import-conv.onnxtxt", "import-dense.onnxtxt")}


def generators():
    """mutations.GENERATORS, then those of every cases_*.py beside it (one
    module a hostile-input campaign or area)."""
    found = list(mutations.GENERATORS)
    for path in sorted(glob.glob(os.path.join(HERE, "cases_*.py"))):
        module = importlib.import_module(os.path.basename(path)[:-3])
        found += module.GENERATORS
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    random.seed(args.seed)
    corpus = Corpus(os.path.abspath(args.out), args.snnc)
    prepare(corpus, rng)
    for generate in generators():
        generate(corpus, rng)
    with open(os.path.join(corpus.out, "manifest.json"), "w") as f:
        json.dump({"runs": corpus.runs, "classes": corpus.classes}, f, indent=1)
    cases = {(r["class"], r["case"]) for r in corpus.runs}
    print("%d cases in %d classes, %d runs" % (len(cases), len(corpus.classes),
                                                len(corpus.runs)))


if __name__ == "__main__":
    main()
