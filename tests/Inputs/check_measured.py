"""Checks the `measured` object of a bitstream directory's report.json.

    check_measured.py DIR GOLDEN_STATS IMAGES

GOLDEN_STATS: `snnc run --engine golden --stats` of the same package on the
same input.  The figures must agree with each other, with golden's synaptic
operations, and with the line time of the bytes the link carried (a board
cannot be faster than its UART).  Prints the issue-23 targets' verdicts.
"""
import json
import sys

d, golden_path, images = sys.argv[1], sys.argv[2], int(sys.argv[3])
report = json.load(open(f"{d}/report.json"))
m = report["measured"]
link = json.load(open(f"{d}/board.json"))
golden = json.load(open(golden_path))
clock = m["clock_mhz"] * 1e6


def close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


assert m["images"] == images == golden["samples"], (m["images"], images)
assert m["bit_exact_with_golden"] is True, m
assert m["clock_mhz"] == report["clock_mhz"], (m["clock_mhz"], report["clock_mhz"])
assert m["baud"] == link["baud"], (m["baud"], link)
assert close(m["sops_per_inference"], golden["synaptic_ops"] / images), \
    (m["sops_per_inference"], golden["synaptic_ops"] / images)
assert close(m["sop_per_second"], m["sops_per_inference"] * clock / m["cycles_per_inference"])
assert close(m["inferences_per_second"], clock / m["board_cycles_per_inference"])
# A byte is 10 bits of clocks_per_bit cycles on the line, and the UART
# carries one byte a direction at a time: the board's time covers its core's
# cycles, and the line time of the busier direction (more if the two never
# overlap, as today).
line_cycles = m["link_bytes_per_inference"] / 2 * 10 * link["clocks_per_bit"]
assert m["board_cycles_per_inference"] >= max(m["cycles_per_inference"], line_cycles), m
assert 0 < m["latency_ms"] * clock / 1e3 <= m["board_cycles_per_inference"] * images, m
assert m["link_bytes_per_inference"] > 0 and m["retransmissions"] == 0, m
print(f"measured figures agree: {m['cycles_per_inference']:.0f} cycles, "
      f"{m['sops_per_inference']:.0f} SOPs per inference, golden's SOPs, bit-exact")
targets = [("sop_per_second >= 150 M", m["sop_per_second"] >= 150e6),
           ("inferences_per_second >= 200", m["inferences_per_second"] >= 200)]
for name, met in targets:
    print(f"issue-23 target {name}: {'met' if met else 'not met'}")
