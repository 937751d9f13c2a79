//===- Svg.cpp - inline SVG charts for the HTML report --------------------===//
#include "Svg.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace snnc;
using llvm::formatv;
using llvm::StringRef;

/// One ASCII character as HTML text: markup as entities, control
/// characters as \xNN (raw, they would break the line or the page), as
/// the ONNX importer writes them in names.
static void appendAscii(std::string &out, char c) {
  switch (c) {
  case '<':
    out += "&lt;";
    return;
  case '>':
    out += "&gt;";
    return;
  case '&':
    out += "&amp;";
    return;
  case '"':
    out += "&quot;";
    return;
  }
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
    out += formatv("\\x{0:x-2}", unsigned(static_cast<unsigned char>(c))).str();
  else
    out += c;
}

std::string svg::escape(StringRef text) {
  std::string out;
  const auto *bytes = reinterpret_cast<const llvm::UTF8 *>(text.data());
  for (size_t i = 0; i < text.size();) {
    if (bytes[i] < 0x80) {
      appendAscii(out, text[i++]);
      continue;
    }
    // A multibyte character whole, or U+FFFD for a byte that starts none.
    unsigned length = llvm::getNumBytesForUTF8(bytes[i]);
    if (i + length <= text.size() &&
        llvm::isLegalUTF8Sequence(bytes + i, bytes + i + length)) {
      out.append(text.data() + i, length);
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string svg::escapeLines(StringRef text) {
  llvm::SmallVector<StringRef> lines;
  text.split(lines, '\n');
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i)
    out += (i ? "\n" : "") + escape(lines[i]);
  return out;
}

namespace {
constexpr int kLabelWidth = 260, kPlotWidth = 420, kRowHeight = 18;

/// The chart's opening tag, its title (for tooltips and the test) and
/// the visible heading.
std::string open(StringRef title, int width, int height) {
  return formatv("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                 "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
                 "role=\"img\"><title>{2}</title>"
                 "<text class=\"chart-title\" x=\"4\" y=\"16\">{2}</text>",
                 width, height, svg::escape(title))
      .str();
}

/// Shortens long layer names from the front (their ends say most), to 38
/// characters.  It counts and cuts characters, not bytes: a cut inside a
/// UTF-8 sequence would leave half a character.
std::string label(StringRef name) {
  constexpr size_t kWidth = 38;
  size_t start = name.size(), kept = 0;
  // Back to the first byte of the last kWidth - 1 characters (bytes that
  // do not continue a sequence each start one).
  while (start > 0 && kept < kWidth) {
    --start;
    if ((static_cast<unsigned char>(name[start]) & 0xC0) != 0x80)
      ++kept;
  }
  if (kept < kWidth || start == 0)
    return svg::escape(name);
  // The kWidth-th character from the end starts at `start`: drop it too.
  size_t from = start + 1;
  while (from < name.size() &&
         (static_cast<unsigned char>(name[from]) & 0xC0) == 0x80)
    ++from;
  return "&#8230;" + svg::escape(name.drop_front(from));
}

/// White to dark blue.
std::string shade(double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  int r = int(std::lround(247 - fraction * (247 - 8)));
  int g = int(std::lround(251 - fraction * (251 - 48)));
  int b = int(std::lround(255 - fraction * (255 - 107)));
  return formatv("rgb({0},{1},{2})", r, g, b).str();
}
} // namespace

std::string svg::barChart(StringRef title, llvm::ArrayRef<std::string> rows,
                          llvm::ArrayRef<Series> series, StringRef format) {
  double max = 0.0;
  for (const Series &s : series)
    for (double v : s.values)
      max = std::max(max, v);
  if (max <= 0.0)
    max = 1.0;
  int barHeight = std::max<int>(4, (kRowHeight - 4) / int(series.size()));
  int top = 28 + (series.size() > 1 ? 16 : 0);
  int height = top + int(rows.size()) * kRowHeight + 8;
  std::string out = open(title, kLabelWidth + kPlotWidth + 90, height);
  for (size_t s = 0; s < series.size() && series.size() > 1; ++s)
    out += formatv("<rect x=\"{0}\" y=\"26\" width=\"10\" height=\"10\" "
                   "fill=\"{1}\"/><text x=\"{2}\" y=\"35\" "
                   "class=\"legend\">{3}</text>",
                   kLabelWidth + int(s) * 140, series[s].colour,
                   kLabelWidth + int(s) * 140 + 14, escape(series[s].name));
  for (size_t r = 0; r < rows.size(); ++r) {
    int y = top + int(r) * kRowHeight;
    out += formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" "
                   "class=\"label\">{2}</text>",
                   kLabelWidth - 6, y + 12, label(rows[r]));
    for (size_t s = 0; s < series.size(); ++s) {
      double v = r < series[s].values.size() ? series[s].values[r] : 0.0;
      int width = int(std::lround(v / max * kPlotWidth));
      int by = y + 2 + int(s) * barHeight;
      std::string text = formatv(format.data(), v).str();
      out += formatv("<rect class=\"bar\" x=\"{0}\" y=\"{1}\" width=\"{2}\" "
                     "height=\"{3}\" fill=\"{4}\"><title>{5}: {6}</title>"
                     "</rect>",
                     kLabelWidth, by, std::max(width, 1), barHeight - 1,
                     series[s].colour, escape(series[s].name), text);
      if (series.size() == 1 || s + 1 == series.size())
        out += formatv("<text x=\"{0}\" y=\"{1}\" class=\"value\">{2}</text>",
                       kLabelWidth + width + 4, y + 12, text);
    }
  }
  return out + "</svg>\n";
}

std::string svg::heatMap(StringRef title, llvm::ArrayRef<std::string> rows,
                         llvm::ArrayRef<std::string> columns,
                         const std::vector<std::vector<double>> &values,
                         StringRef format) {
  double max = 0.0;
  for (const auto &row : values)
    for (double v : row)
      max = std::max(max, v);
  if (max <= 0.0)
    max = 1.0;
  int cell =
      std::clamp(kPlotWidth / std::max<int>(1, int(columns.size())), 12, 48);
  int top = 44;
  int width = kLabelWidth + cell * int(columns.size()) + 150;
  // Tall enough for the scale's five steps too: with two rows the map
  // alone cut it off after its third (0.000, 0.095, 0.191 of 0.382).
  constexpr int kLegendSteps = 5, kLegendStep = 16;
  int height =
      top +
      std::max(int(rows.size()) * kRowHeight, kLegendSteps * kLegendStep) + 8;
  std::string out = open(title, width, height);
  for (size_t c = 0; c < columns.size(); ++c)
    out += formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" "
                   "class=\"label\">{2}</text>",
                   kLabelWidth + int(c) * cell + cell / 2, top - 6,
                   escape(columns[c]));
  for (size_t r = 0; r < rows.size(); ++r) {
    int y = top + int(r) * kRowHeight;
    out += formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" "
                   "class=\"label\">{2}</text>",
                   kLabelWidth - 6, y + 12, label(rows[r]));
    for (size_t c = 0; c < columns.size() && c < values[r].size(); ++c)
      out += formatv("<rect class=\"cell\" x=\"{0}\" y=\"{1}\" width=\"{2}\" "
                     "height=\"{3}\" fill=\"{4}\" stroke=\"#ccc\">"
                     "<title>{5}, {6}: {7}</title></rect>",
                     kLabelWidth + int(c) * cell, y, cell, kRowHeight - 1,
                     shade(values[r][c] / max), escape(rows[r]),
                     escape(columns[c]), formatv(format.data(), values[r][c]));
  }
  // The scale: what the darkest cell means.
  int lx = kLabelWidth + cell * int(columns.size()) + 16;
  for (int i = 0; i < kLegendSteps; ++i) {
    double fraction = double(i) / (kLegendSteps - 1);
    out += formatv("<rect x=\"{0}\" y=\"{1}\" width=\"14\" height=\"14\" "
                   "fill=\"{2}\"/><text x=\"{3}\" y=\"{4}\" "
                   "class=\"legend\">{5}</text>",
                   lx, top + i * kLegendStep, shade(fraction), lx + 18,
                   top + i * kLegendStep + 11,
                   formatv(format.data(), max * fraction));
  }
  return out + "</svg>\n";
}

std::string svg::raster(StringRef title, const RasterLayer &layer) {
  int column =
      std::clamp(kPlotWidth / std::max<int>(1, int(layer.steps)), 16, 80);
  int row = layer.shown > 200 ? 1 : layer.shown > 60 ? 2 : 4;
  int top = 30, left = 100;
  int plotHeight = std::max<int>(row * int(layer.shown), 20);
  std::string out =
      // Wide enough for the line below that says which neurons are shown.
      open(title, std::max(left + column * int(layer.steps) + 40, 680),
           top + plotHeight + 36);
  out += formatv("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" "
                 "fill=\"#fafafa\" stroke=\"#999\"/>",
                 left, top, column * layer.steps, plotHeight);
  for (int64_t t = 0; t < layer.steps; ++t)
    out +=
        formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\" "
                "class=\"label\">t={2}</text>",
                left + int(t) * column + column / 2, top + plotHeight + 14, t);
  // The first and last row's neuron (their index in the layer).
  if (!layer.rows.empty()) {
    out += formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" "
                   "class=\"label\">neuron {2}</text>",
                   left - 4, top + 10, layer.rows.front());
    if (layer.rows.size() > 1)
      out += formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" "
                     "class=\"label\">neuron {2}</text>",
                     left - 4, top + plotHeight, layer.rows.back());
  }
  // One path for all spikes: thousands of marks stay a small file.
  std::string path;
  for (auto [neuron, step] : layer.spikes)
    path += formatv("M{0} {1}h{2}v{3}h-{2}z", left + int(step) * column + 2,
                    top + int(neuron) * row, column - 4, row)
                .str();
  if (!path.empty())
    out += "<path class=\"spikes\" fill=\"#08306b\" d=\"" + path + "\"/>";
  out += formatv("<text x=\"{0}\" y=\"{1}\" class=\"legend\">{2} spikes; "
                 "{3} of {4} neurons shown: {5}</text>",
                 4, top + plotHeight + 30, layer.spikes.size(), layer.shown,
                 layer.neurons, escape(layer.selection));
  return out + "</svg>\n";
}
