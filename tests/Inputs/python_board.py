"""A compiled package on a (simulated) board through Python's snnc.Session,
against the golden engine: the same scores, spike counts and link stats.

    python_board.py PORT MODEL X.npy
"""
import sys

import numpy as np

import snnc

port, model, inputs = sys.argv[1:]
package = snnc.compile(model)
x = np.load(inputs)
board = snnc.Session(package, device="board:" + port)
golden = snnc.Session(package, device="golden", record_spikes=True)
scores, expected = board.infer(x), golden.infer(x)
stats = board.stats()
print("device:", board.device)
print("scores identical:", np.array_equal(scores, expected))
print("spikes counted on both:", stats["spikes"] == len(golden.spikes()))
print("link frames:", stats["link"]["frames"] > 0,
      "retransmissions:", stats["link"]["retransmissions"])
try:
    board.spikes()
    snnc.Session(package, device="board:" + port, record_spikes=True)
except snnc.Error as error:
    print("trace refused:", error)
