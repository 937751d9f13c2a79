//===- HtmlReport.h - snnc report: one self-contained HTML file -*- C++ -*-===//
//
// What a compiled network does on given inputs, for a person: the
// per-layer table, firing rates per layer and step, a spike raster, SOPs
// and cycles, memory against the target, float-versus-golden agreement
// and an energy estimate.  One file with inline SVG: no script, no
// network access.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_PIPELINE_HTMLREPORT_H
#define SNNC_PIPELINE_HTMLREPORT_H

#include "snnc/Pipeline/Pipeline.h"

namespace snnc::pipeline {

struct HtmlReportOptions {
  /// RTL lanes the per-layer cycle estimates assume (0: the network's).
  int64_t lanes = 0;
  /// Also run the raster's sample on the RTL core (Verilator): measured
  /// cycles and efficiency.
  bool simulate = false;
  /// The sample whose spikes the raster shows, and the layers it shows
  /// (empty: every spiking layer).
  int64_t rasterSample = 0;
  std::vector<std::string> rasterLayers;
  /// The raster's neurons, [first, last) of each layer (none: the layer's
  /// most active neurons, at most kMaxRasterRows).
  std::optional<std::pair<int64_t, int64_t>> rasterNeurons;
  /// The class of each input sample (empty: none): accuracy, a confusion
  /// matrix, per-class accuracy and the most confused pairs.
  std::vector<int64_t> labels;
  /// A board of backends/boards (empty: none): latency in milliseconds at
  /// its clock.
  std::string board;
  /// report.json of `snnc bitstream`: the FPGA resources it used.
  std::string bitstreamReport;
  std::optional<int64_t> timesteps;
};

/// The most neurons a raster shows per layer.
constexpr int64_t kMaxRasterRows = 400;

/// Parses --raster-neurons "A:B" (neurons A to B - 1, at most
/// kMaxRasterRows of them).
llvm::Expected<std::pair<int64_t, int64_t>>
parseRasterNeurons(llvm::StringRef text);

/// Published energy per synaptic operation of neuromorphic chips, which
/// the report multiplies by the measured SOPs (labelled as estimates).
struct EnergyFigure {
  const char *chip, *source;
  double picojoulesPerSop;
};
llvm::ArrayRef<EnergyFigure> energyFigures();

/// The report on `input` ([N, ...] direct, [T, N, ...] events) as HTML.
/// A compiled package has no float form: its report leaves out the
/// agreement section.
llvm::Expected<std::string> buildHtmlReport(llvm::StringRef modelPath,
                                            const NDArray &input,
                                            const CompileOptions &compile,
                                            const HtmlReportOptions &options);

/// buildHtmlReport written to `outputPath` whole or not at all.
llvm::Error writeHtmlReport(llvm::StringRef modelPath, const NDArray &input,
                            const CompileOptions &compile,
                            const HtmlReportOptions &options,
                            llvm::StringRef outputPath);

/// What a report is drawn from: a compiled network, the compiler's memory
/// lines, and the float form of the model it was compiled from (none for a
/// package read from a file).  `name` titles the report.
struct ReportSubject {
  std::string name;
  CoreNetwork network;
  std::string memories;
  std::optional<FloatGraph> floatGraph;
};

/// The report of a network already in memory (snnc.Package.report_html):
/// nothing is read from disk, so it shows exactly the network it is given.
llvm::Expected<std::string> buildHtmlReport(ReportSubject subject,
                                            const NDArray &input,
                                            const HtmlReportOptions &options);
llvm::Error writeHtmlReport(ReportSubject subject, const NDArray &input,
                            const HtmlReportOptions &options,
                            llvm::StringRef outputPath);

} // namespace snnc::pipeline

#endif // SNNC_PIPELINE_HTMLREPORT_H
