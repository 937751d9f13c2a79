//===- ReportAccuracy.cpp - the report's accuracy on labelled inputs ------===//
#include "ReportSections.h"

#include "Svg.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Session.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <tuple>

using namespace snnc;
using llvm::formatv;

llvm::Error pipeline::checkReportLabels(llvm::ArrayRef<int64_t> labels,
                                        int64_t samples, int64_t classes) {
  if (int64_t(labels.size()) != samples)
    return makeError<InputError>(
        formatv("report: {0} labels for the input's {1} samples", labels.size(),
                samples));
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= classes)
      return makeError<InputError>(
          formatv("report: label {0} of sample {1} is not a class of this "
                  "model (0..{2})",
                  labels[i], i, classes - 1));
  return llvm::Error::success();
}

namespace {

/// counts[true][predicted] over the samples.
using Confusion = std::vector<std::vector<int64_t>>;

Confusion confusion(const NDArray &scores, llvm::ArrayRef<int64_t> labels) {
  int64_t classes = scores.shape.size() == 2 ? scores.shape[1] : 0;
  Confusion counts(classes, std::vector<int64_t>(classes, 0));
  std::vector<int64_t> predicted = Session::classes(scores);
  for (size_t i = 0; i < labels.size() && i < predicted.size(); ++i)
    ++counts[labels[i]][predicted[i]];
  return counts;
}

int64_t diagonal(const Confusion &counts) {
  int64_t correct = 0;
  for (size_t c = 0; c < counts.size(); ++c)
    correct += counts[c][c];
  return correct;
}

std::string percentOf(int64_t part, int64_t whole) {
  return formatv("{0:F2}% ({1} / {2})",
                 whole ? 100.0 * double(part) / double(whole) : 0.0, part,
                 whole)
      .str();
}

/// The off-diagonal cells with the most samples, largest first (ties: by
/// true class, then predicted class), at most `count`.
std::vector<std::tuple<int64_t, size_t, size_t>>
mostConfused(const Confusion &counts, size_t count) {
  std::vector<std::tuple<int64_t, size_t, size_t>> pairs;
  for (size_t t = 0; t < counts.size(); ++t)
    for (size_t p = 0; p < counts.size(); ++p)
      if (t != p && counts[t][p] > 0)
        pairs.emplace_back(-counts[t][p], t, p);
  std::sort(pairs.begin(), pairs.end());
  if (pairs.size() > count)
    pairs.resize(count);
  for (auto &pair : pairs)
    std::get<0>(pair) = -std::get<0>(pair);
  return pairs;
}

std::string confusedPairs(const Confusion &counts) {
  auto pairs = mostConfused(counts, 5);
  if (pairs.empty())
    return "<p class=\"good\">No sample is confused with another class.</p>";
  std::string out = "<p>Most confused pairs (golden):</p><table><tr><th>true "
                    "class</th><th>predicted</th><th>samples</th><th>of the "
                    "class</th></tr>";
  for (auto [n, t, p] : pairs) {
    int64_t total = 0;
    for (int64_t v : counts[t])
      total += v;
    out += formatv("<tr><td>{0}</td><td>{1}</td><td>{2}</td><td>{3:F1}%</td>"
                   "</tr>",
                   t, p, n, total ? 100.0 * double(n) / double(total) : 0.0);
  }
  return out + "</table>";
}

} // namespace

std::string pipeline::accuracyCard(const NDArray &scores,
                                   llvm::ArrayRef<int64_t> labels) {
  return percentOf(diagonal(confusion(scores, labels)), int64_t(labels.size()));
}

std::string pipeline::accuracySection(const NDArray &goldenScores,
                                      const NDArray *floatScores,
                                      llvm::ArrayRef<int64_t> labels) {
  Confusion counts = confusion(goldenScores, labels);
  int64_t samples = int64_t(labels.size());
  std::string out = "<h2>Accuracy</h2><p>Golden (the integer network, as "
                    "every device runs it): <b>" +
                    percentOf(diagonal(counts), samples) + "</b>";
  if (floatScores)
    out += "; float (the source model): <b>" +
           percentOf(diagonal(confusion(*floatScores, labels)), samples) +
           "</b>";
  out += ".</p>";
  std::vector<std::string> classes, predicted, rows;
  std::vector<std::vector<double>> cells;
  std::vector<double> perClass;
  for (size_t c = 0; c < counts.size(); ++c) {
    int64_t total = 0;
    for (int64_t v : counts[c])
      total += v;
    classes.push_back("true " + std::to_string(c));
    predicted.push_back(std::to_string(c));
    cells.emplace_back(counts[c].begin(), counts[c].end());
    rows.push_back(formatv("class {0} ({1} samples)", c, total));
    perClass.push_back(total ? double(counts[c][c]) / double(total) : 0.0);
  }
  out += svg::heatMap("Confusion matrix (golden): samples per true and "
                      "predicted class",
                      classes, predicted, cells, "{0:F0}");
  out +=
      svg::barChart("Accuracy per class (golden)", rows,
                    {svg::Series{"accuracy", "#1b7f3b", perClass}}, "{0:P1}");
  return out + confusedPairs(counts);
}
