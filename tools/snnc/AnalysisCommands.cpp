//===- AnalysisCommands.cpp - compare, report --------------------------===//
#include "Driver.h"

#include "snnc/Pipeline/Compare.h"
#include "snnc/Pipeline/HtmlReport.h"
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Npy.h"

#include "llvm/Support/FormatVariadic.h"

namespace snnc::driver {

cl::opt<double> agreementThreshold(
    cl::cat(outputOptions), "threshold",
    cl::desc("Spike agreement below which a layer is reported as where "
             "float and golden part (default 0.95)"),
    cl::init(0.95), cl::sub(compareCmd));
cl::opt<bool> simulateRtl(cl::cat(engineOptions), "simulate",
                          cl::desc("Also run the raster's sample on the RTL "
                                   "core for measured cycles"),
                          cl::sub(reportCmd));
IntOption rasterSample(cl::cat(outputOptions), "raster-sample",
                       cl::desc("The input sample whose spikes the "
                                "raster shows (default 0)"),
                       cl::init(0), cl::sub(reportCmd));
cl::list<std::string> rasterLayers(
    cl::cat(outputOptions), "raster-layers",
    cl::desc("Layers the raster shows (default: every spiking layer)"),
    cl::value_desc("name,name"), cl::CommaSeparated, cl::sub(reportCmd));
cl::opt<std::string> rasterNeurons(
    cl::cat(outputOptions), "raster-neurons",
    cl::desc("Neurons A to B - 1 of each raster layer (default: the 400 "
             "most active)"),
    cl::value_desc("A:B"), cl::sub(reportCmd));
// bitstream's --board (Options.cpp) defaults to a board; the report's
// shows latency only when one is named.
cl::opt<std::string> reportBoard(
    cl::cat(boardOptions), "board",
    cl::desc("A board of backends/boards (icebreaker, hx8k-breakout): "
             "latency in milliseconds at its clock"),
    cl::value_desc("name"), cl::sub(reportCmd));
cl::opt<std::string> bitstreamReport(
    cl::cat(boardOptions), "bitstream-report",
    cl::desc("report.json of snnc bitstream: show the FPGA resources"),
    cl::value_desc("report.json"), cl::sub(reportCmd));

int runCompare() {
  if (inputPath.empty())
    return usage("compare: --input X.npy is required");
  if (!(agreementThreshold >= 0.0 && agreementThreshold <= 1.0))
    return usage("compare: --threshold must be in [0, 1]");
  if (int rc = checkInputRange())
    return rc;
  auto input = readModelInput();
  if (!input)
    return report(input.takeError());
  pipeline::CompareOptions options;
  options.threshold = agreementThreshold;
  options.timesteps = requestedSteps();
  options.threads = goldenThreads();
  auto compared =
      pipeline::compareModel(modelPath, *input, compileOptions(), options);
  if (!compared)
    return report(compared.takeError());
  if (!reportPath.empty())
    if (llvm::Error err =
            writeFileAtomically(reportPath, [&](llvm::raw_ostream &os) {
              os << llvm::formatv("{0:2}",
                                  pipeline::comparisonToJson(*compared))
                 << "\n";
            }))
      return report(std::move(err));
  pipeline::printComparison(*compared, llvm::outs());
  return 0;
}

int runReport() {
  if (inputPath.empty())
    return usage("report: --input X.npy is required");
  if (outputPath == "-")
    return usage("report: -o report.html is required");
  if (int rc = checkInputRange())
    return rc;
  auto input = readModelInput();
  if (!input)
    return report(input.takeError());
  pipeline::HtmlReportOptions options;
  options.lanes = lanes;
  options.simulate = simulateRtl;
  options.rasterSample = rasterSample;
  options.rasterLayers.assign(rasterLayers.begin(), rasterLayers.end());
  options.bitstreamReport = bitstreamReport;
  options.timesteps = requestedSteps();
  options.board = reportBoard;
  if (!rasterNeurons.empty()) {
    auto range = pipeline::parseRasterNeurons(rasterNeurons);
    if (!range)
      return report(range.takeError());
    options.rasterNeurons = *range;
  }
  if (!labelsPath.empty()) {
    auto labels = loadLabels(labelsPath);
    if (!labels)
      return report(labels.takeError());
    options.labels = std::move(*labels);
  }
  if (llvm::Error err = pipeline::writeHtmlReport(
          modelPath, *input, compileOptions(), options, outputPath))
    return report(std::move(err));
  llvm::outs() << "wrote " << outputPath << "\n";
  return 0;
}

} // namespace snnc::driver
