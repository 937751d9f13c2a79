"""Checks a `snnc bitstream --chips` directory against compile's plan.

    check_system.py COMPILE_OUTPUT SYSTEM_DIR

COMPILE_OUTPUT is `snnc compile --chips ...`'s output for the same network
and board.  Every chip's directory holds a bitstream whose report is what
system.json records for it; compile's per-chip block RAM figure is a lower
bound on synthesis's and its SPRAM count synthesis's; system.json's
partition and link bounds are the plan's.
"""
import json
import os
import re
import sys

plan, root = open(sys.argv[1]).read(), sys.argv[2]
system = json.load(open(os.path.join(root, "system.json")))
chips = system["chips"]
m = re.search(r"partition on \S+: (\d+) chips?", plan)
assert m and int(m.group(1)) == chips, ("chips", m and m.group(1), chips)
assert system["format"] == "snnc-system" and system["version"] == 1, system
# The plan's per-chip blocks, in order.
blocks = re.split(r"^chip \d+: ", plan, flags=re.M)[1:]
assert len(blocks) == chips, (len(blocks), chips)
for k in range(chips):
    d = os.path.join(root, f"chip{k}")
    report = json.load(open(os.path.join(d, "report.json")))
    assert os.path.getsize(os.path.join(d, "snn.bin")) > 0, d
    entry = system["per_chip"][k]
    assert entry["chip"] == k and entry["dir"] == f"chip{k}", entry
    assert entry["utilization"] == report["utilization"], (k, entry)
    assert entry["fmax_mhz"] == report["fmax_mhz"], (k, entry)
    used = report["utilization"]
    ebr = int(re.search(r"EBR\s+at least (\d+) /", blocks[k]).group(1))
    spram = int(re.search(r"SPRAM\s+(\d+) /", blocks[k]).group(1))
    assert ebr <= used["ebr"]["used"], ("EBR bound above synthesis", k, ebr, used)
    assert spram == used["spram"]["used"], ("SPRAM", k, spram, used)
links = {(int(a), int(b)): int(n) for a, b, n in
         re.findall(r"^\s+(\d+) -> (\d+): at most (\d+)", plan, re.M)}
got = {(l["from"], l["to"]): l["events_per_inference_max"] for l in system["links"]}
assert links == got, (links, got)
held = {}
for s in system["partition"]:
    held.setdefault(s["chip"], []).append(s["population"])
for k in range(chips):
    names = re.match(r"([^\n]*)", blocks[k]).group(1)
    for name in held[k]:
        assert name in names, (k, name, names)
print(f"system agrees with the plan: {chips} chips, "
      f"{len(links)} link(s), every chip's bitstream and report")
