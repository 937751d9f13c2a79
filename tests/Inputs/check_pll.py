"""Checks a PLL bitstream against icestorm's icepll.

    check_pll.py DIR [--margin PERCENT]

The settings in report.json and in board_top.sv's SB_PLL40_PAD must be what
`icepll -i OSC -o CLOCK` prints, and the link's UART must divide that clock
(board.json) at the FT2232H's 3 Mbaud or the fastest rate below it.  The
baud the host opens is that rate rounded down, as the board reports it
(SerialBus checks --baud against clock_hz / clocks_per_bit): a PLL clock need
not be a multiple of clocks_per_bit, and under a baud lost is far inside a
UART's tolerance.  With --margin (a --clock-mhz auto build): Fmax is at least
that much above the clock, and the PLL's next setting up would not be.
"""
import json
import re
import subprocess
import sys

d = sys.argv[1]
margin = float(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--margin" else None
report = json.load(open(f"{d}/report.json"))
link = json.load(open(f"{d}/board.json"))
osc, clock = report["oscillator_mhz"], report["clock_mhz"]
out = subprocess.run(["icepll", "-i", f"{osc:g}", "-o", f"{clock:g}"],
                     capture_output=True, text=True, check=True).stdout
want = {k: int(v) for k, v in re.findall(r"^(DIVR|DIVF|DIVQ|FILTER_RANGE):\s*(\d+)", out, re.M)}
achieved = float(re.search(r"F_PLLOUT:\s*([\d.]+) MHz \(achieved\)", out).group(1))
pll = report["pll"]
got = {"DIVR": pll["divr"], "DIVF": pll["divf"], "DIVQ": pll["divq"],
       "FILTER_RANGE": pll["filter_range"]}
assert got == want, (got, want)
assert abs(achieved - clock) < 0.0006, (achieved, clock)
top = open(f"{d}/board_top.sv").read()
for key, width in (("DIVR", 4), ("DIVF", 7), ("DIVQ", 3), ("FILTER_RANGE", 3)):
    assert f".{key}({width}'d{want[key]})" in top, (key, want[key])
assert "SB_PLL40_PAD" in open(f"{d}/snn_netlist.v").read()
assert link["clock_hz"] == round(clock * 1e6), (link, clock)
assert link["baud"] == link["clock_hz"] // link["clocks_per_bit"], link
assert link["baud"] <= 3_000_000, link
assert link["clocks_per_bit"] == 4 or \
    link["clock_hz"] / (link["clocks_per_bit"] - 1) > 3_000_000, link
verdict = ""
if margin is not None:
    fmax = report["fmax_mhz"]
    assert fmax >= clock * (1 + margin / 100), (fmax, clock)
    assert abs(report["timing_slack_percent"] - (fmax / clock - 1) * 100) < 1e-6
    # Every output the PLL makes from the oscillator (simple feedback).
    outputs = {osc / (r + 1) * (f + 1) / 2 ** q
               for r in range(16) for f in range(128) for q in range(1, 7)
               if 10 <= osc / (r + 1) <= 133 and 533 <= osc / (r + 1) * (f + 1) <= 1066}
    # The clock is the highest output with the margin below the Fmax it
    # was chosen for (the oscillator probe's, or a PLL run's that fell short).
    chosen_for = report["clock_chosen_for_fmax_mhz"]
    assert clock * (1 + margin / 100) <= chosen_for + 1e-9, (clock, chosen_for)
    higher = sorted(o for o in outputs if o > clock + 1e-9)
    assert not higher or higher[0] * (1 + margin / 100) > chosen_for, (higher[:1], chosen_for)
    verdict = (f"; Fmax {(fmax / clock - 1) * 100:.1f} % above, the highest "
               f"setting with {margin:g} % margin")
print(f"PLL agrees with icepll -i {osc:g} -o {clock:g}: {achieved:.3f} MHz, "
      + ", ".join(f"{k} {v}" for k, v in want.items())
      + f"; link {link['clocks_per_bit']} clocks a bit" + verdict)
