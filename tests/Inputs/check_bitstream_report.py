"""Checks a bitstream directory's report.json against the tools' logs.

    check_bitstream_report.py DIR

Every utilisation figure must be nextpnr's (its log's utilisation table),
Fmax the log's, the EBR and SPRAM counts yosys's block RAM cells, and the
report must name the tool versions and the four stages.
"""
import json
import re
import sys

d = sys.argv[1]
report = json.load(open(f"{d}/report.json"))
log = open(f"{d}/nextpnr.log").read()
util = {m[0]: (int(m[1]), int(m[2])) for m in re.findall(r"(ICESTORM_\w+):\s+(\d+)/\s*(\d+)", log)}
names = {"lc": "ICESTORM_LC", "ebr": "ICESTORM_RAM", "spram": "ICESTORM_SPRAM", "dsp": "ICESTORM_DSP"}
for key, cell in names.items():
    got = report["utilization"][key]
    if cell in util:
        assert got["used"] == util[cell][0], (key, got, util[cell])
    else:
        assert got["used"] == 0, (key, got)
lc = report["utilization"]["lc"]
assert lc["used"] <= lc["available"], lc
fmax = [float(f) for f in re.findall(r"Max frequency for clock .*?: ([\d.]+) MHz", log)]
assert fmax and abs(min(fmax[-1:]) - report["fmax_mhz"]) < 0.01, (fmax, report["fmax_mhz"])
assert report["fmax_mhz"] >= report["clock_mhz"] and report["timing_met"]
stat = open(f"{d}/synth_stat.txt").read()
brams = sum(int(n) for n in re.findall(r"SB_RAM40_4K\s+(\d+)", stat)[-1:])
assert report["utilization"]["ebr"]["used"] == brams, (report["utilization"]["ebr"], brams)
sprams = sum(int(n) for n in re.findall(r"SB_SPRAM256KA\s+(\d+)", stat)[-1:])
assert report["utilization"]["spram"]["used"] == sprams, (report["utilization"]["spram"], sprams)
assert all(report["tools"].values()) and "Yosys" in report["tools"]["yosys"], report["tools"]
# --clock-mhz auto: the runs on other clocks come first, as probes.
stages = [s["stage"] for s in report["stages"]]
assert stages[-4:] == ["emit", "synth", "place and route", "pack"], stages
assert all(s.startswith("probe at ") for s in stages[:-4]), stages
import os
assert os.path.getsize(f"{d}/snn.bin") == report["bitstream_bytes"]
print(f"report agrees with nextpnr: lc {lc['used']}/{lc['available']}, "
      f"ebr {report['utilization']['ebr']['used']}/{report['utilization']['ebr']['available']}, "
      f"fmax {report['fmax_mhz']:.2f} MHz")
