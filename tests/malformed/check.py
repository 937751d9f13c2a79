"""Runs the malformed corpus (generate.py) and judges every run.

    check.py CORPUS --snnc PATH [--jobs N] [--timeout S] [--memory-mb M]
                    [--sanitized]

A run passes when snnc
- exits 1 or 2 with exactly one stderr line of the form "snnc: error: ...",
  having written none of its outputs and no temporary file; or
- exits 0 (where the case allows it) with every output written, .npy
  outputs finite and .json outputs free of NaN and Infinity.
It fails on a signal (crash, abort, sanitizer report), a timeout (hang),
any other status or more than one line of complaint.  Each run gets an
address-space limit (not with --sanitized: ASan reserves terabytes of
shadow; its own reports and the time limit judge those runs).
Prints "N passed, N failed".
"""
import argparse
import concurrent.futures
import glob
import json
import re
import os
import resource
import subprocess
import sys

import numpy as np


def limit_memory(megabytes):
    def apply():
        size = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    return apply


def finite_json(path):
    def refuse(token):
        raise ValueError("non-finite number " + token)
    with open(path) as f:
        json.load(f, parse_constant=refuse)


def judge(run, proc, timed_out):
    """Why the run failed, or None."""
    if timed_out:
        return "hung (timeout)"
    rc = proc.returncode
    if rc < 0:
        return "killed by signal %d" % -rc
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    temps = [p for o in run["outputs"] for p in glob.glob(o + ".tmp-*")]
    if temps:
        return "left temporary files %s" % temps
    if rc in (1, 2):
        # One error line; an MLIR diagnostic may add its notes, each on a
        # line of its own with its location.
        notes = all(re.match(r'^loc\(.*\): note: ', line) for line in lines[1:])
        if not lines or not lines[0].startswith("snnc: error: ") or not notes:
            return "exit %d with %d stderr lines: %r" % (rc, len(lines), lines[:4])
        left = [o for o in run["outputs"] if os.path.exists(o)]
        if left:
            return "failed but left %s" % left
        return None
    if rc != 0:
        return "exit status %d" % rc
    if run["expect"] == "fail":
        return "exit 0, but this input must be refused"
    for out in run["outputs"]:
        if not os.path.exists(out):
            return "exit 0 without writing " + out
        try:
            if out.endswith(".npy") and not np.isfinite(np.load(out)).all():
                return out + " holds NaN or Inf"
            if out.endswith(".json"):
                finite_json(out)
        except ValueError as err:
            return "%s: %s" % (out, err)
    return None


def execute(run, snnc, timeout, memory_mb, env):
    for out in run["outputs"]:
        if os.path.isfile(out):
            os.remove(out)
    argv = [snnc] + run["argv"][1:]
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, env=env,
                              preexec_fn=limit_memory(memory_mb) if memory_mb else None)
        return run, judge(run, proc, False)
    except subprocess.TimeoutExpired:
        return run, judge(run, None, True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--snnc", required=True)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--memory-mb", type=int, default=6144)
    parser.add_argument("--sanitized", action="store_true")
    args = parser.parse_args()
    with open(os.path.join(args.corpus, "manifest.json")) as f:
        manifest = json.load(f)
    env = dict(os.environ)
    memory = args.memory_mb
    if args.sanitized:
        memory = 0
        # Any report is a failure: UBSan aborts, ASan's allocator refuses
        # more than the limit instead of trying to map it.
        env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=1:max_allocation_size_mb=%d:" \
                              "allocator_may_return_null=0" % args.memory_mb
        env["UBSAN_OPTIONS"] = "halt_on_error=1:abort_on_error=1:print_stacktrace=1"
    failures = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = [pool.submit(execute, run, args.snnc, args.timeout, memory, env)
                for run in manifest["runs"]]
        for job in concurrent.futures.as_completed(jobs):
            run, why = job.result()
            if why:
                failures.append((run, why))
    for run, why in sorted(failures, key=lambda f: (f[0]["class"], f[0]["case"])):
        print("FAIL %s/%s: %s\n     %s" % (run["class"], run["case"], why, " ".join(run["argv"])))
    total = len(manifest["runs"])
    print("%d passed, %d failed" % (total - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
