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
LABELS = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")

# Measures each chart as laid out: run only in a copy of the report (the
# report itself has no script).
PROBE = """<script>
const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
  const box = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('rect.bar, rect.cell, path.spikes')]
    .map(m => m.getBBox()).filter(b => b.width > 0 && b.height > 0).length;
  // Every text as laid out, in the chart's own units (its viewBox is its
  // size): what lies outside is clipped, invisible.
  const view = svg.viewBox.baseVal;
  const clipped = [...svg.querySelectorAll('text')].filter(t => {
    const b = t.getBBox();
    return b.x < 0 || b.y < 0 || b.x + b.width > view.width + 0.5 ||
           b.y + b.height > view.height + 0.5;
  }).map(t => t.textContent);
  const legends = [...svg.querySelectorAll('text.legend')]
    .map(t => t.textContent);
  return {title: svg.querySelector('title').textContent, width: box.width,
          height: box.height, marks: marks, clipped: clipped,
          legends: legends};
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
    "Firing rate: float and golden", "Estimated energy per inference (nJ)",
    "Confusion matrix (golden): samples per true and predicted class",
    "Accuracy per class (golden)"
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
    np.save(tmp / "y.npy", snnc.load_labels(LABELS)[:16])
    out = subprocess.run([SNNC, "report", EXAMPLE, "--input", str(tmp / "x.npy"),
                          "--labels", str(tmp / "y.npy"), "--board", "icebreaker",
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


def measure(report):
    """Each chart of the report as Chromium lays it out, by title."""
    probe = report.with_name("probe.html")
    probe.write_text(report.read_text().replace("</body>", PROBE + "</body>"))
    dom = chromium("--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stderr[-2000:]
    return {c["title"]: c for c in json.loads(html.unescape(found.group(1)))}


@pytest.fixture(scope="module")
def charts(report):
    return measure(report)


def test_charts_render_in_chromium(charts):
    for title in EXPECTED:
        assert title in charts, sorted(charts)
        assert charts[title]["width"] > 100 and charts[title]["height"] > 40
        assert charts[title]["marks"] > 0, title


def test_every_text_and_legend_is_inside_its_chart(charts):
    """Nothing is clipped: the heat map's scale showed 3 of its 5 steps."""
    for title, chart in charts.items():
        assert chart["clipped"] == [], (title, chart["clipped"])
    # The firing-rate scale: five steps, from 0 to the hottest cell.
    scale = charts["Firing rate per layer and step"]["legends"]
    assert len(scale) == 5 and float(scale[0]) == 0.0, scale
    assert [float(v) for v in scale] == sorted(float(v) for v in scale)
    assert len(charts["Confusion matrix (golden): samples per true and "
                      "predicted class"]["legends"]) == 5


def test_the_checks_see_a_clipped_legend(report, tmp_path):
    """The measurement fails on the old layout: a heat map whose height
    leaves out the last steps of its scale."""
    text = report.read_text()
    start = text.index("<title>Firing rate per layer and step</title>")
    head = text.rindex("<svg", 0, start)
    height = re.search(r'height="(\d+)" viewBox="0 0 (\d+) (\d+)"', text[head:])
    shrunk = int(height.group(1)) - 60
    old = (text[:head] + text[head:].replace(
        height.group(0), f'height="{shrunk}" viewBox="0 0 {height.group(2)} {shrunk}"', 1))
    clipped_report = tmp_path / "clipped.html"
    clipped_report.write_text(old)
    chart = measure(clipped_report)["Firing rate per layer and step"]
    assert len(chart["clipped"]) >= 2, chart


def test_accuracy_latency_and_raster_are_reported(report):
    text = report.read_text()
    golden = re.search(r"Golden \(the integer network, as every device runs it\): "
                       r"<b>\d+\.\d\d% \((\d+) / 16\)</b>", text)
    assert "<h2>Accuracy</h2>" in text and golden
    if golden.group(1) == "16":
        assert "No sample is confused with another class" in text
    else:
        assert "Most confused pairs (golden)" in text
    assert re.search(r"est\. latency at icebreaker \(12 MHz\)<b>\d+\.\d{3} ms</b>", text)
    assert "most active, most spikes first" in text
    assert "<pre>" not in text  # the memory chart is not repeated as a table


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
