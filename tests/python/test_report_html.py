"""`snnc report` renders in headless Chromium: every chart is drawn, with
its title, and the page is a picture, not a blank."""

import html
import json
import os
import re
import shutil
import subprocess

import numpy as np
import pytest

from helpers import ROOT, SNNC

EXAMPLE = os.path.join(ROOT, "examples", "fashion_mnist", "fashion_mnist.onnx")
IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")

# Measures each chart as laid out: run only in a copy of the report (the
# report itself has no script).
PROBE = """<script>
const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('rect.bar, rect.cell, path.spikes')]
    .map(m => m.getBBox()).filter(b => b.width > 0 && b.height > 0).length;
  return {title: svg.querySelector('title').textContent, width: box.width,
          height: box.height, marks: marks};
});
const out = document.createElement('pre');
out.id = 'probe';
out.textContent = JSON.stringify(charts);
document.body.appendChild(out);
</script>"""

EXPECTED = [
    "Firing rate per layer and step", "Mean firing rate per layer",
    "Spike raster: /lif1/LIF", "Synaptic operations per inference",
    "Estimated RTL cycles per inference (8 lanes)", "Core memories (kbit)",
    "Spike agreement per layer (float vs golden)",
    "Firing rate: float and golden", "Estimated energy per inference (nJ)"
]


def chromium(*args):
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    import snnc
    np.save(tmp / "x.npy", snnc.load_images(IMAGES)[:16])
    out = subprocess.run([SNNC, "report", EXAMPLE, "--input", str(tmp / "x.npy"),
                          "-o", str(tmp / "report.html")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return tmp / "report.html"


def test_self_contained(report):
    text = report.read_text()
    assert "<script" not in text
    # Nothing is fetched: no src or href at all, and the only URL is SVG's
    # namespace.
    assert not re.search(r"\b(src|href)=", text)
    assert set(re.findall(r"https?://[^\"' ]+", text)) == {"http://www.w3.org/2000/svg"}


def test_charts_render_in_chromium(report):
    probe = report.with_name("probe.html")
    probe.write_text(report.read_text().replace("</body>", PROBE + "</body>"))
    dom = chromium("--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stderr[-2000:]
    charts = {c["title"]: c for c in json.loads(html.unescape(found.group(1)))}
    for title in EXPECTED:
        assert title in charts, sorted(charts)
        assert charts[title]["width"] > 100 and charts[title]["height"] > 40
        assert charts[title]["marks"] > 0, title


def test_screenshot_is_a_picture(report):
    import matplotlib.image
    shot = report.with_name("report.png")
    chromium("--window-size=1200,3000", f"--screenshot={shot}", report.as_uri())
    pixels = matplotlib.image.imread(str(shot))[:, :, :3]
    assert pixels.shape[:2] == (3000, 1200)
    ink = (pixels.min(axis=2) < 0.9).mean(axis=1)  # per row
    # Text and charts down the page, not one heading on a blank.
    rows = np.array_split(ink, 6)
    assert all(part.mean() > 0.01 for part in rows), [p.mean() for p in rows]
    # The dark blue of bars, heat map and raster is there.
    blue = (pixels[:, :, 2] > 0.3) & (pixels[:, :, 0] < 0.2)
    assert blue.mean() > 0.005
