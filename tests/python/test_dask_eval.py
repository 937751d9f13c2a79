"""snnc.eval and snnc.sweep on a dask.distributed cluster (a LocalCluster of
two worker processes): the same result as one process, even when a worker is
killed in the middle of the run."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from helpers import ROOT

import snnc

distributed = pytest.importorskip("distributed")

EXAMPLE = os.path.join(ROOT, "examples", "fashion_mnist", "fashion_mnist.onnx")
DATA = "/usr/share/datasets/fashion-mnist"
IMAGES = os.path.join(DATA, "t10k-images-idx3-ubyte.gz")
LABELS = os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                       processes=True, dashboard_address=None,
                                       silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def package():
    return snnc.compile(EXAMPLE)


@pytest.fixture(scope="module")
def data():
    return snnc.load_images(IMAGES)[:2000], snnc.load_labels(LABELS)[:2000]


def test_dask_eval_equals_single_process(client, package, data):
    images, labels = data
    local = snnc.eval(package, images, labels, threads=1, shard_size=2000)
    spread = snnc.eval(package, images, labels, client=client, shard_size=125)
    assert spread.shards == 16 and local.shards == 1
    assert (spread.correct, spread.total) == (local.correct, local.total)
    np.testing.assert_array_equal(spread.scores, local.scores)
    assert spread.stats == local.stats


def test_a_killed_worker_changes_nothing(client, package, data):
    """A worker is killed (SIGKILL) while shards run: dask runs its shards
    again on the other worker and the nanny restarts it."""
    images, labels = data
    images = np.concatenate([images] * 3)  # ~6 s of work on two workers
    labels = np.concatenate([labels] * 3)
    expected = snnc.eval(package, images, labels, threads=2)
    pids = client.run(os.getpid)
    result = {}
    run = threading.Thread(target=lambda: result.update(
        r=snnc.eval(package, images, labels, client=client, shard_size=100)))
    run.start()
    # Wait until shards are done on the workers, then kill one mid-run.
    deadline = time.time() + 60
    while time.time() < deadline:
        done = client.run_on_scheduler(
            lambda dask_scheduler: sum(ts.state == "memory" and
                                       str(ts.key).startswith("run_shard")
                                       for ts in dask_scheduler.tasks.values()))
        if done >= 4:
            break
        time.sleep(0.05)
    victim = next(iter(pids.values()))
    assert run.is_alive(), "the evaluation ended before the kill: make it longer"
    os.kill(victim, signal.SIGKILL)
    run.join(timeout=300)
    assert not run.is_alive()
    r = result["r"]
    assert victim not in client.run(os.getpid).values()  # it really died
    assert (r.correct, r.total) == (expected.correct, expected.total)
    np.testing.assert_array_equal(r.scores, expected.scores)
    assert r.stats == expected.stats


def test_dask_sweep_equals_local_sweep(client, data):
    images, labels = data[0][:200], data[1][:200]
    grid = {"weight_bits": [4, 8]}
    assert snnc.sweep(EXAMPLE, grid, images, labels, client=client) == \
        snnc.sweep(EXAMPLE, grid, images, labels)
