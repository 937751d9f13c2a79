"""Checks a PLL bitstream against icestorm's icepll.

    check_pll.py DIR [--margin PERCENT]

The settings in report.json and in board_top.sv's SB_PLL40_PAD must be what
`icepll -i OSC -o CLOCK` prints, and the link's UART must run at least 4
clocks a bit, at the fewest clocks whose rate the FT2232H makes within 1 %
(12 MHz over 1, 1.5, or 2 and up in eighths).  The baud the host opens is
that rate rounded down, as the board reports it (SerialBus checks --baud
against clock_hz / clocks_per_bit).  With --margin (a --clock-mhz auto
build): Fmax is at least that much above the clock, and the clock is what
`--clock-mhz auto` picks for the Fmax it was chosen for: within 5 % of the
highest setting with the margin, the one whose link runs fastest.
"""
import json
import re
import subprocess
import sys


def ftdi_rate(baud):
    """What the FT2232H makes for a requested rate (Linux's ftdi_sio)."""
    eighths = round(8 * 12e6 / baud)
    if baud > 12e6 or (eighths not in (8, 12) and eighths < 16):
        return None
    return 8 * 12e6 / eighths


def ftdi_makes(baud):
    made = ftdi_rate(baud)
    return made is not None and abs(made - baud) <= 0.01 * baud


def clocks_per_bit(clock_hz):
    """The link's clocks a bit at a clock: at least 4, the FTDI makes it."""
    return next(c for c in range(4, 1000) if ftdi_makes(clock_hz / c))


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
cpb = link["clocks_per_bit"]
assert link["baud"] == link["clock_hz"] // cpb, link
assert cpb == clocks_per_bit(link["clock_hz"]), link
verdict = ""
if margin is not None:
    fmax = report["fmax_mhz"]
    assert fmax >= clock * (1 + margin / 100), (fmax, clock)
    assert abs(report["timing_slack_percent"] - (fmax / clock - 1) * 100) < 1e-6
    # Every output the PLL makes from the oscillator (simple feedback).
    outputs = {osc / (r + 1) * (f + 1) / 2 ** q
               for r in range(16) for f in range(128) for q in range(1, 7)
               if 10 <= osc / (r + 1) <= 133 and 533 <= osc / (r + 1) * (f + 1) <= 1066}
    # The clock is, among the outputs with the margin below the Fmax it was
    # chosen for (the run's before it), those within 5 % of the highest,
    # the one whose link is fastest, then the higher.
    chosen_for = report["clock_chosen_for_fmax_mhz"]
    assert clock * (1 + margin / 100) <= chosen_for + 1e-9, (clock, chosen_for)
    allowed = [o for o in outputs if o * (1 + margin / 100) <= chosen_for + 1e-9]
    top = max(allowed)
    window = [o for o in allowed if o >= 0.95 * top - 1e-9]
    want_clock = max(window, key=lambda o: (o / clocks_per_bit(o * 1e6), o))
    assert abs(want_clock - clock) < 1e-6, (want_clock, clock, chosen_for)
    verdict = (f"; Fmax {(fmax / clock - 1) * 100:.1f} % above; the fastest "
               f"link within 5 % of the highest setting with {margin:g} % margin")
print(f"PLL agrees with icepll -i {osc:g} -o {clock:g}: {achieved:.3f} MHz, "
      + ", ".join(f"{k} {v}" for k, v in want.items())
      + f"; link {link['clocks_per_bit']} clocks a bit" + verdict)
