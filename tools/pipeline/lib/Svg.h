//===- Svg.h - inline SVG charts for the HTML report ------------*- C++ -*-===//
//
// Static charts, drawn as SVG elements with no script, so that the report
// is one file that renders anywhere without a network.  Every chart is an
// <svg class="chart"> with a <title> naming it, which the report's test
// looks for in the rendered page.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_PIPELINE_SVG_H
#define SNNC_PIPELINE_SVG_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <utility>
#include <vector>

namespace snnc::svg {

/// Text made safe for HTML and SVG, on one line: markup characters as
/// entities, control characters (bytes below 0x20, and 0x7f) written out
/// as \xNN (\x0a, \x1b), and bytes that are not UTF-8 as U+FFFD.
/// Layer names come from the model file, which may hold any bytes.
std::string escape(llvm::StringRef text);

/// escape() of each line of a multi-line text, the newlines kept.
std::string escapeLines(llvm::StringRef text);

/// One series of a bar chart: its name (legend), colour and one value per
/// row.
struct Series {
  std::string name, colour;
  std::vector<double> values;
};

/// Horizontal bars, one group per row label; values formatted with
/// `format` (an llvm::formatv pattern such as "{0:F3}").
std::string barChart(llvm::StringRef title,
                     llvm::ArrayRef<std::string> rowLabels,
                     llvm::ArrayRef<Series> series, llvm::StringRef format);

/// A heat map: rows x columns of values in [0, max], darker is higher,
/// with its scale beside it (values and scale formatted with `format`).
std::string heatMap(llvm::StringRef title,
                    llvm::ArrayRef<std::string> rowLabels,
                    llvm::ArrayRef<std::string> columnLabels,
                    const std::vector<std::vector<double>> &values,
                    llvm::StringRef format = "{0:F3}");

/// A spike raster of one layer: one row per neuron shown, `steps`
/// columns; each spike a mark at (step, row).  `rows` holds the layer's
/// index of each row's neuron; `selection` says how they were chosen.
struct RasterLayer {
  std::string name, selection;
  int64_t neurons = 0, shown = 0, steps = 0;
  std::vector<int64_t> rows;
  std::vector<std::pair<int64_t, int64_t>> spikes; // (row, step)
};
std::string raster(llvm::StringRef title, const RasterLayer &layer);

} // namespace snnc::svg

#endif // SNNC_PIPELINE_SVG_H
