"""Checks compile's memory figures against what synthesis used.

    check_memory_counts.py COMPILE_OUTPUT BITSTREAM_DIR

COMPILE_OUTPUT is `snnc compile --target ...`'s output, BITSTREAM_DIR the
`snnc bitstream` directory of the same network and board.  The block RAM
figure is a lower bound (yosys mixes block shapes), the SPRAM one exact.
"""
import json
import re
import sys

text = open(sys.argv[1]).read()
used = json.load(open(f"{sys.argv[2]}/report.json"))["utilization"]
ebr = re.search(r"EBR\s+at least (\d+) /", text)
spram = re.search(r"SPRAM\s+(\d+) /", text)
assert ebr and spram, "compile printed no EBR or SPRAM line"
ebr, spram = int(ebr.group(1)), int(spram.group(1))
assert ebr <= used["ebr"]["used"], ("EBR bound above synthesis", ebr, used["ebr"])
assert spram == used["spram"]["used"], ("SPRAM", spram, used["spram"])
print(f"compile's memory figures hold: EBR at least {ebr} (used {used['ebr']['used']}), "
      f"SPRAM {spram}")
