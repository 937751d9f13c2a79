//===- HtmlReport.cpp - snnc report: one self-contained HTML file ---------===//
#include "snnc/Pipeline/HtmlReport.h"
#include "snnc/Runtime/Errors.h"

#include "ReportSections.h"
#include "Svg.h"
#include "snnc/Backends/Boards.h"
#include "snnc/Pipeline/Compare.h"
#include "snnc/Pipeline/Compile.h"
#include "snnc/Pipeline/Report.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Json.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Package.h"
#include "snnc/Runtime/Session.h"
#include "snnc/Sim/RtlEngine.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstdio>
#include <map>
#include <set>

using namespace snnc;
using namespace snnc::pipeline;
using llvm::formatv;
using llvm::StringRef;

llvm::ArrayRef<EnergyFigure> pipeline::energyFigures() {
  // Energy per synaptic operation as each chip's paper reports it.
  static const EnergyFigure figures[] = {
      {"ODIN (28 nm)",
       "C. Frenkel et al., IEEE Trans. Biomed. Circuits Syst. 13(1), 2019",
       12.7},
      {"Loihi (14 nm)", "M. Davies et al., IEEE Micro 38(1), 2018", 23.6},
      {"TrueNorth (28 nm)", "P. A. Merolla et al., Science 345(6197), 2014",
       26.0}};
  return figures;
}

namespace {

/// Everything the report shows, measured before anything is drawn.
struct ReportData {
  std::string model;
  CoreNetwork network;
  CompileReport table;
  std::string memories;
  RunStats stats; // the golden engine over every input
  NDArray scores; // the golden engine's [N, K] scores
  int64_t steps = 0;
  std::vector<svg::RasterLayer> rasters;
  std::optional<FloatGraph> floatGraph; // none for a package
  std::optional<Comparison> comparison;
  std::optional<CoreRunStats> rtl;
  std::optional<llvm::json::Value> bitstream;
  std::vector<int64_t> labels;
  std::optional<BoardDescription> board; // --board: latency at its clock
};

llvm::Error reportError(const llvm::Twine &what) { return plainError(what); }

/// The network of a model file: compiled from the model, with its float
/// form, or a package as it is.
llvm::Expected<ReportSubject> loadSubject(StringRef path,
                                          const CompileOptions &compile) {
  ReportSubject subject;
  subject.name = llvm::sys::path::filename(path).str();
  if (path.endswith(".snnpkg")) {
    auto network = readPackage(path);
    if (!network)
      return network.takeError();
    subject.network = std::move(*network);
    return std::move(subject);
  }
  mlir::MLIRContext context;
  auto module = loadModel(path, context, compile.nir);
  if (!module)
    return module.takeError();
  // The float graph first (for the agreement section): compiling rewrites
  // the module in place.
  auto graph = lowerForFloat(**module);
  if (!graph)
    return inFile(path, graph.takeError());
  subject.floatGraph = std::move(*graph);
  auto compiled = compilePackage(**module, path, compile, nullptr);
  if (!compiled)
    return compiled.takeError();
  subject.network = std::move(compiled->network);
  subject.memories = std::move(compiled->memories);
  return std::move(subject);
}

/// The raster's layers: the named ones (each must exist), else every
/// spiking layer.
llvm::Expected<std::vector<int>> rasterPopulations(const CoreNetwork &net,
                                                   const HtmlReportOptions &o) {
  std::vector<int> chosen;
  for (const std::string &name : o.rasterLayers) {
    auto it = llvm::find_if(net.populations, [&](const CorePopulation &p) {
      return p.name == name && p.kind == PopulationKind::LIF;
    });
    if (it == net.populations.end())
      return reportError("report: no spiking layer named '" + name +
                         "' (see the layer table of snnc compile)");
    chosen.push_back(int(it - net.populations.begin()));
  }
  if (chosen.empty())
    for (size_t p = 0; p < net.populations.size(); ++p)
      if (net.populations[p].kind == PopulationKind::LIF)
        chosen.push_back(int(p));
  return chosen;
}

/// The neurons a raster shows, in row order: the chosen range, or the most
/// active (most spikes first; ties in index order), at most
/// kMaxRasterRows.
std::vector<int64_t>
rasterRows(const std::map<int64_t, std::vector<int64_t>> &byNeuron,
           int64_t neurons, const HtmlReportOptions &options,
           std::string &selection) {
  std::vector<int64_t> rows;
  if (options.rasterNeurons) {
    auto [first, last] = *options.rasterNeurons;
    for (int64_t n = first; n < std::min(last, neurons); ++n)
      rows.push_back(n);
    selection = formatv("neurons {0} to {1} (--raster-neurons)", first,
                        std::min(last, neurons) - 1);
    return rows;
  }
  std::vector<std::pair<int64_t, int64_t>> activity; // (-spikes, neuron)
  for (const auto &[neuron, steps] : byNeuron)
    activity.emplace_back(-int64_t(steps.size()), neuron);
  std::sort(activity.begin(), activity.end());
  for (size_t i = 0; i < activity.size() && int64_t(i) < kMaxRasterRows; ++i)
    rows.push_back(activity[i].second);
  selection = formatv("the {0} most active, most spikes first", rows.size());
  return rows;
}

/// One sample's spikes per chosen layer, for the neurons rasterRows
/// picks.
llvm::Error recordRasters(const FloatGraph &signature, const NDArray &input,
                          const HtmlReportOptions &options, ReportData &data) {
  auto chosen = rasterPopulations(data.network, options);
  if (!chosen)
    return chosen.takeError();
  size_t axis = signature.encoding == InputEncoding::Events ? 1 : 0;
  NDArray sample = sliceSamples(input, axis, options.rasterSample, 1);
  auto golden = Session::create(data.network);
  if (!golden)
    return golden.takeError();
  if (llvm::Error err = golden->recordSpikes(true))
    return err;
  if (auto out = golden->infer(sample, data.steps); !out)
    return out.takeError();
  for (int p : *chosen) {
    const CorePopulation &pop = data.network.populations[p];
    int64_t h = pop.shape.size() == 3 ? pop.shape[1] : 1;
    int64_t w = pop.shape.size() == 3 ? pop.shape[2] : 1;
    std::map<int64_t, std::vector<int64_t>> byNeuron; // neuron -> steps
    for (const SpikeRecord &s : golden->spikes())
      if (s.population == p)
        byNeuron[(s.c * h + s.y) * w + s.x].push_back(s.step);
    svg::RasterLayer layer;
    layer.name = pop.name;
    layer.neurons = pop.size();
    layer.steps = data.steps;
    if (options.rasterNeurons && options.rasterNeurons->first >= pop.size())
      return reportError(formatv("report: --raster-neurons {0}:{1} starts "
                                 "past the neurons of layer '{2}' (0 to {3})",
                                 options.rasterNeurons->first,
                                 options.rasterNeurons->second, pop.name,
                                 pop.size() - 1));
    layer.rows = rasterRows(byNeuron, pop.size(), options, layer.selection);
    for (int64_t neuron : layer.rows) {
      auto found = byNeuron.find(neuron);
      if (found != byNeuron.end())
        for (int64_t t : found->second)
          layer.spikes.push_back({layer.shown, t});
      ++layer.shown;
    }
    data.rasters.push_back(std::move(layer));
  }
  return llvm::Error::success();
}

llvm::Error runRtl(const FloatGraph &signature, const NDArray &input,
                   const HtmlReportOptions &options, ReportData &data) {
  sim::RtlOptions rtl;
  rtl.lanes = options.lanes;
  auto session = Session::create(data.network, sim::rtlDevice(rtl));
  if (!session)
    return session.takeError();
  size_t axis = signature.encoding == InputEncoding::Events ? 1 : 0;
  NDArray sample = sliceSamples(input, axis, options.rasterSample, 1);
  if (auto out = session->infer(sample, data.steps); !out)
    return out.takeError();
  data.rtl = *session->coreStats();
  return llvm::Error::success();
}

llvm::Error readBitstreamReport(StringRef path, ReportData &data) {
  if (llvm::Error err = requireRegularFile(path))
    return err;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return reportError(path + ": cannot read: " + buffer.getError().message());
  auto json = snnc::parseJson((*buffer)->getBuffer());
  if (!json)
    return reportError(
        path + ": not a bitstream report: " + llvm::toString(json.takeError()));
  data.bitstream = std::move(*json);
  return llvm::Error::success();
}

/// An upper bound on the bytes the page takes while it is rendered.  The
/// page grows with the steps it draws: a heat-map cell and a column label
/// per layer and step (about 200 bytes), and in each raster (at most 400
/// rows) a spike mark per row and step (about 30 bytes) with the recorded
/// spike behind it.  Counted three times: the sections, the page they are
/// joined into, and the stream that writes it.  At T = 100,000 a small
/// model's page was 332 MB and its rendering peaked at 1.6 GB, past
/// --max-memory, before this estimate was checked.
static uint64_t renderingBytes(const CoreNetwork &net, int64_t steps,
                               size_t rasters) {
  uint64_t rows = 0;
  for (const CorePopulation &pop : net.populations)
    rows = std::max<uint64_t>(rows,
                              uint64_t(std::min(pop.size(), kMaxRasterRows)));
  uint64_t perStep = addBytes(mulBytes(net.populations.size(), 200),
                              mulBytes(mulBytes(rasters, rows), 30 + 32));
  return mulBytes(mulBytes(perStep, uint64_t(steps)), 3);
}

llvm::Expected<ReportData> gather(ReportSubject subject, const NDArray &input,
                                  const HtmlReportOptions &options) {
  ReportData data;
  data.model = std::move(subject.name);
  data.network = std::move(subject.network);
  data.memories = std::move(subject.memories);
  data.floatGraph = std::move(subject.floatGraph);
  FloatGraph signature = inputSignature(data.network);
  auto steps = resolveTimesteps(signature, input, options.timesteps, "input");
  if (!steps)
    return steps.takeError();
  data.steps = *steps;
  auto rasters = rasterPopulations(data.network, options);
  if (!rasters)
    return rasters.takeError();
  if (llvm::Error err = checkMemory(
          renderingBytes(data.network, data.steps, rasters->size()),
          "the report's page (" + llvm::Twine(data.steps) + " steps drawn)"))
    return std::move(err);
  int64_t samples = sampleCount(input, signature.encoding);
  if (options.rasterSample < 0 || options.rasterSample >= samples)
    return reportError(formatv("report: --raster-sample {0} is not one of "
                               "the input's {1} samples",
                               options.rasterSample, samples));
  if (!options.labels.empty()) {
    int64_t classes = data.network.populations[data.network.readout].channels();
    if (llvm::Error err = checkReportLabels(options.labels, samples, classes))
      return std::move(err);
    data.labels = options.labels;
  }
  if (!options.board.empty()) {
    auto board = findBoard(options.board);
    if (!board)
      return prependToError("report: --board: ", board.takeError());
    data.board = std::move(*board);
  }
  // The golden engine's activity: the comparison's run when the model has
  // a float form, else a run of its own.
  if (data.floatGraph) {
    CompareOptions compare;
    compare.timesteps = options.timesteps;
    auto compared =
        compareNetworks(*data.floatGraph, data.network, input, compare);
    if (!compared)
      return compared.takeError();
    data.comparison = std::move(*compared);
    data.stats = data.comparison->golden;
    data.scores = data.comparison->goldenScores;
  } else {
    auto golden = Session::create(data.network);
    if (!golden)
      return golden.takeError();
    auto out = golden->infer(input, data.steps);
    if (!out)
      return out.takeError();
    data.stats = *golden->goldenStats();
    data.scores = std::move(*out);
  }
  data.table = buildReport(data.network, data.steps, &data.stats);
  if (llvm::Error err = recordRasters(signature, input, options, data))
    return std::move(err);
  if (options.simulate)
    if (llvm::Error err = runRtl(signature, input, options, data))
      return std::move(err);
  if (!options.bitstreamReport.empty())
    if (llvm::Error err = readBitstreamReport(options.bitstreamReport, data))
      return std::move(err);
  return std::move(data);
}

//===----------------------------------------------------------------------===//
// Rendering
//===----------------------------------------------------------------------===//

constexpr const char *kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;
color:#1b1b1b;padding:0 16px}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;
border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;
min-width:150px}.card b{display:block;font-size:20px}
table{border-collapse:collapse;font-size:13px}
td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}
.chart-title{font-weight:600;font-size:13px}.label,.value,.legend{
font-size:11px;fill:#333}.note{color:#555;font-size:12px}
.bad{color:#b00020;font-weight:600}.good{color:#1b7f3b;font-weight:600}
)";

std::string card(StringRef title, StringRef value) {
  return formatv("<div class=\"card\">{0}<b>{1}</b></div>", svg::escape(title),
                 svg::escape(value))
      .str();
}

int64_t totalSops(const CompileReport &table) {
  int64_t sops = 0;
  for (const LayerReport &l : table.layers)
    sops += l.synapticOps;
  return sops;
}

int64_t totalCycles(const CompileReport &table) {
  int64_t cycles = 0;
  for (const LayerReport &l : table.layers)
    cycles += l.cycles;
  return cycles;
}

/// Milliseconds `cycles` take at the board's clock.
double milliseconds(int64_t cycles, const BoardDescription &board) {
  return 1000.0 * double(cycles) / double(std::max<int64_t>(1, board.clockHz));
}

std::string summary(const ReportData &d) {
  int64_t neurons = 0, synapses = 0, cycles = totalCycles(d.table);
  for (const LayerReport &l : d.table.layers) {
    neurons += l.neurons;
    synapses += l.storedSynapses;
  }
  std::string out = "<div class=\"cards\">";
  out += card("inputs", std::to_string(d.stats.samples));
  out += card("time steps T", std::to_string(d.steps));
  out += card("neurons", std::to_string(neurons));
  out += card("stored synapses", std::to_string(synapses));
  out += card("SOPs per inference", std::to_string(totalSops(d.table)));
  out += card(formatv("est. cycles ({0} lanes)", d.table.lanes).str(),
              std::to_string(cycles));
  if (d.board)
    out += card(formatv("est. latency at {0} ({1:F0} MHz)", d.board->name,
                        double(d.board->clockHz) / 1e6)
                    .str(),
                formatv("{0:F3} ms", milliseconds(cycles, *d.board)).str());
  if (!d.labels.empty())
    out += card("accuracy (golden)", accuracyCard(d.scores, d.labels));
  if (d.comparison)
    out += card("argmax agreement (float)",
                formatv("{0:F1}%",
                        100.0 * double(d.comparison->argmaxAgreements) /
                            double(std::max<int64_t>(1, d.comparison->samples)))
                    .str());
  return out + "</div>";
}

/// A LIF layer's threshold in the source model's float units, and the
/// float value of one integer unit of its state (per channel: the
/// quantizer scales each channel on its own), from the float form or,
/// for a package, the threshold it keeps; "-" without either (a package
/// older than the field).
std::string floatThreshold(const ReportData &d, const LayerReport &l) {
  if (l.kind == "readout" || l.thresholdMin <= 0)
    return "-";
  std::optional<double> source = l.vThreshold;
  if (d.floatGraph) {
    auto op = llvm::find_if(d.floatGraph->ops, [&](const FloatOp &o) {
      return o.kind == FloatOpKind::LIF && o.name == l.name;
    });
    if (op != d.floatGraph->ops.end())
      source = op->vThreshold;
  }
  if (!source)
    return "-";
  double theta = *source;
  double small = theta / double(l.thresholdMax),
         large = theta / double(l.thresholdMin);
  std::string unit = l.thresholdMin == l.thresholdMax
                         ? formatv("{0:E2}", small).str()
                         : formatv("{0:E2}..{1:E2}", small, large).str();
  // As the model states it: 1, 0.6, 0.125.
  char shortest[32];
  std::snprintf(shortest, sizeof shortest, "%g", theta);
  return formatv("{0} (1 unit = {1})", shortest, unit).str();
}

std::string layerTable(const ReportData &d) {
  std::string out =
      "<h2>Layers</h2><table><tr><th>layer</th><th>kind</th><th>neurons</th>"
      "<th>synapses</th><th>bits</th><th>threshold</th><th>threshold "
      "(float)</th><th>decay</th><th>SOPs / inference</th><th>est. "
      "cycles</th></tr>";
  for (const LayerReport &l : d.table.layers) {
    std::string threshold =
        l.kind == "readout"
            ? "-"
            : formatv("{0}..{1}", l.thresholdMin, l.thresholdMax).str();
    out += formatv("<tr><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}</td>"
                   "<td>{4}</td><td>{5}</td><td>{6}</td><td>{7}</td>"
                   "<td>{8}</td><td>{9}</td></tr>\n",
                   svg::escape(l.name), l.kind, l.neurons, l.storedSynapses,
                   l.weightBits, threshold, floatThreshold(d, l),
                   svg::escape(l.decay), l.synapticOps, l.cycles);
  }
  out += "</table><p class=\"note\">Thresholds and decays are the integer "
         "values the core uses (docs/numerics.md); the float threshold is the "
         "source model's, with the float value of one integer unit of the "
         "membrane per channel";
  if (!d.floatGraph)
    out += " (a package keeps the model's threshold; one written before it "
           "did shows -)";
  out += ". SOPs are measured by the golden engine on these inputs; cycles "
         "are the core's lower bound (docs/core.md).</p>";
  return out;
}

std::string firingSection(const ReportData &d) {
  // The heat map shows the spiking layers; the input's graded events
  // (every non-zero pixel, with direct encoding) would set its scale.
  std::vector<std::string> rows, columns, allRows;
  std::vector<std::vector<double>> rates;
  std::vector<double> mean;
  for (const RunStats::Population &p : d.stats.populations) {
    auto population = llvm::find_if(
        d.network.populations, [&](const auto &q) { return q.name == p.name; });
    bool readout = population != d.network.populations.end() &&
                   population->kind == PopulationKind::Readout;
    if (p.neurons == 0 || readout) // the readout does not spike
      continue;
    std::vector<double> row;
    double sum = 0.0;
    for (int64_t events : p.eventsPerStep) {
      double rate = double(events) /
                    double(std::max<int64_t>(1, d.stats.samples * p.neurons));
      row.push_back(rate);
      sum += rate;
    }
    mean.push_back(row.empty() ? 0.0 : sum / double(row.size()));
    bool spiking = population != d.network.populations.end() &&
                   population->kind == PopulationKind::LIF;
    allRows.push_back(spiking ? p.name : p.name + " (input events)");
    if (spiking) {
      rows.push_back(p.name);
      rates.push_back(std::move(row));
    }
  }
  for (int64_t t = 0; t < d.steps; ++t)
    columns.push_back("t=" + std::to_string(t));
  std::string out = "<h2>Activity</h2>";
  out += svg::heatMap("Firing rate per layer and step", rows, columns, rates);
  out += svg::barChart("Mean firing rate per layer", allRows,
                       {svg::Series{"golden", "#2171b5", mean}}, "{0:F3}");
  out += "<p class=\"note\">Spikes per neuron and step, on the golden "
         "engine. With direct encoding every non-zero input value is a "
         "graded event. A layer near 0 is silent (its successors get no "
         "input); near 1, saturated.</p>";
  return out;
}

std::string rasterSection(const ReportData &d,
                          const HtmlReportOptions &options) {
  std::string out =
      formatv("<h2>Spike raster (sample {0})</h2>", options.rasterSample);
  for (const svg::RasterLayer &layer : d.rasters)
    out += svg::raster("Spike raster: " + layer.name, layer);
  if (!options.rasterNeurons)
    out += "<p class=\"note\">Each layer's most active neurons (silent ones "
           "are left out); <code>--raster-neurons A:B</code> shows neurons A "
           "to B - 1 instead.</p>";
  return out;
}

std::string costSection(const ReportData &d) {
  std::vector<std::string> rows;
  std::vector<double> sops, cycles;
  for (const LayerReport &l : d.table.layers) {
    rows.push_back(l.name);
    sops.push_back(double(l.synapticOps));
    cycles.push_back(double(l.cycles));
  }
  std::string out = "<h2>Work and cycles</h2>";
  out += svg::barChart("Synaptic operations per inference", rows,
                       {svg::Series{"SOPs", "#238b45", sops}}, "{0:F0}");
  out += svg::barChart(
      formatv("Estimated RTL cycles per inference ({0} lanes)", d.table.lanes)
          .str(),
      rows, {svg::Series{"cycles", "#6a51a3", cycles}}, "{0:F0}");
  if (d.board)
    out += formatv("<p>Latency at {0}'s {1:F0} MHz clock: <b>{2:F3} ms</b> per "
                   "inference (the estimated cycles; the host link's transfer "
                   "time is not counted).</p>",
                   svg::escape(d.board->name), double(d.board->clockHz) / 1e6,
                   milliseconds(totalCycles(d.table), *d.board));
  if (d.rtl) {
    out += formatv("<p>RTL core (Verilator), one sample on {0} lanes: "
                   "<b>{1}</b> cycles, lower bound {2}, efficiency "
                   "<b>{3:F3}</b>, {4} SOPs.</p>",
                   d.rtl->lanes, d.rtl->cycles, d.rtl->lowerBound,
                   d.rtl->efficiency(), d.rtl->synapticOps);
    if (d.board)
      out += formatv("<p>Measured latency at {0}'s clock: <b>{1:F3} ms</b> "
                     "for that sample.</p>",
                     svg::escape(d.board->name),
                     milliseconds(int64_t(d.rtl->cycles), *d.board));
  } else
    out += "<p class=\"note\">Cycles are estimates; <code>snnc report "
           "--simulate</code> measures one sample on the RTL core.</p>";
  if (!d.board)
    out += "<p class=\"note\">Latency in milliseconds: <code>snnc report "
           "--board B</code> (a board of backends/boards) divides the cycles "
           "by its clock.</p>";
  return out;
}

std::string memorySection(const ReportData &d) {
  std::vector<std::string> rows;
  std::vector<double> kbits;
  for (const CoreMemory &m : d.table.memories) {
    rows.push_back(formatv("{0} ({1} x {2})", m.name, m.depth, m.width));
    kbits.push_back(double(m.width) * double(m.depth) / 1024.0);
  }
  std::string out = "<h2>Memory</h2>";
  // The chart holds each memory's size; the compiler's memory lines would
  // repeat it as a text table.
  out += svg::barChart("Core memories (kbit)", rows,
                       {svg::Series{"kbit", "#d94801", kbits}}, "{0:F1}");
  if (!d.bitstream)
    return out;
  const llvm::json::Object *report = d.bitstream->getAsObject();
  const llvm::json::Object *used =
      report ? report->getObject("utilization") : nullptr;
  if (!used)
    return out + "<p class=\"bad\">The bitstream report has no "
                 "utilization.</p>";
  std::vector<std::string> resources;
  std::vector<double> fractions;
  for (const char *name : {"lc", "ebr", "spram", "dsp"}) {
    const llvm::json::Object *r = used->getObject(name);
    if (!r)
      continue;
    double u = r->getNumber("used").value_or(0);
    double a = r->getNumber("available").value_or(0);
    resources.push_back(formatv("{0}: {1:F0} of {2:F0}", name, u, a));
    fractions.push_back(a > 0 ? u / a : 0.0);
  }
  out += svg::barChart("FPGA resources used (place and route)", resources,
                       {svg::Series{"fraction used", "#cb181d", fractions}},
                       "{0:P0}");
  if (auto fmax = report->getNumber("fmax_mhz"))
    out += formatv("<p>Fmax {0:F1} MHz.</p>", *fmax);
  return out;
}

std::string agreementSection(const ReportData &d) {
  if (!d.comparison)
    return "<h2>Float versus golden</h2><p class=\"note\">A compiled package "
           "has no float form; report the model (.onnx) to see where the "
           "integer spikes leave the float ones.</p>";
  const Comparison &c = *d.comparison;
  std::vector<std::string> rows;
  std::vector<double> agreement, floatRate, goldenRate;
  for (const LayerComparison &l : c.layers) {
    rows.push_back(l.name);
    agreement.push_back(l.agreement);
    floatRate.push_back(l.floatRate);
    goldenRate.push_back(l.goldenRate);
  }
  std::string out = "<h2>Float versus golden</h2>";
  out +=
      svg::barChart("Spike agreement per layer (float vs golden)", rows,
                    {svg::Series{"agreement", "#2171b5", agreement}}, "{0:F4}");
  out += svg::barChart("Firing rate: float and golden", rows,
                       {svg::Series{"float", "#fd8d3c", floatRate},
                        svg::Series{"golden", "#2171b5", goldenRate}},
                       "{0:F3}");
  if (c.firstBelow)
    out += formatv("<p class=\"bad\">First layer below {0:F2} agreement: "
                   "{1}</p>",
                   c.threshold, svg::escape(*c.firstBelow));
  else
    out += formatv("<p class=\"good\">Every layer agrees at {0:F2} or "
                   "better.</p>",
                   c.threshold);
  out += formatv("<p>Readout: argmax agreement {0} of {1}; logit error max "
                 "{2:F4}, mean {3:F4} (largest |logit| {4:F4}).</p>",
                 c.argmaxAgreements, c.samples, c.maxLogitError,
                 c.meanLogitError, c.maxLogit);
  return out;
}

std::string energySection(const ReportData &d) {
  double sops = double(totalSops(d.table));
  std::vector<std::string> rows;
  std::vector<double> nanojoules;
  std::string sources;
  for (const EnergyFigure &f : energyFigures()) {
    rows.push_back(formatv("{0}, {1:F1} pJ/SOP", f.chip, f.picojoulesPerSop));
    nanojoules.push_back(sops * f.picojoulesPerSop / 1000.0);
    sources += formatv("<li>{0}: {1:F1} pJ per SOP, {2}</li>\n", f.chip,
                       f.picojoulesPerSop, f.source);
  }
  std::string out = "<h2>Energy (estimate)</h2>";
  out += svg::barChart("Estimated energy per inference (nJ)", rows,
                       {svg::Series{"nJ", "#737373", nanojoules}}, "{0:F1}");
  out += formatv("<p class=\"note\">Estimates only: {0} SOPs per inference "
                 "times each chip's published energy per synaptic "
                 "operation. Neuron updates, memory traffic and I/O are not "
                 "counted, and this core is none of these chips.</p><ul "
                 "class=\"note\">{1}</ul>",
                 int64_t(sops), sources);
  return out;
}

std::string render(const ReportData &d, const HtmlReportOptions &options) {
  std::string out = "<!DOCTYPE html><html lang=\"en\"><head><meta "
                    "charset=\"utf-8\"><title>snnc report: " +
                    svg::escape(d.model) + "</title><style>" + kStyle +
                    "</style></head><body>";
  out += "<h1>snnc report: " + svg::escape(d.model) + "</h1>";
  out += formatv(
      "<p class=\"sub\">target {0}, {1} lanes, T = {2}, {3} "
      "inputs, {4} encoding</p>",
      svg::escape(d.table.target), d.table.lanes, d.steps, d.stats.samples,
      d.network.encoding == InputEncoding::Events ? "event" : "direct");
  // One section a line or more: the file stays readable as text.
  std::string accuracy =
      d.labels.empty()
          ? std::string("<h2>Accuracy</h2><p class=\"note\">Give the "
                        "inputs' labels (<code>snnc report --labels "
                        "FILE</code>, Python <code>labels=</code>) for "
                        "accuracy and a confusion matrix.</p>")
          : accuracySection(d.scores,
                            d.comparison ? &d.comparison->floatScores : nullptr,
                            d.labels);
  for (const std::string &section :
       {summary(d), accuracy, layerTable(d), firingSection(d),
        rasterSection(d, options), costSection(d), memorySection(d),
        agreementSection(d), energySection(d)})
    out += section + "\n";
  return out + "<p class=\"note\">Written by snnc.</p></body></html>\n";
}

} // namespace

llvm::Expected<std::pair<int64_t, int64_t>>
pipeline::parseRasterNeurons(StringRef text) {
  auto [a, b] = text.split(':');
  int64_t first = 0, last = 0;
  if (a.trim().getAsInteger(10, first) || b.trim().getAsInteger(10, last) ||
      first < 0 || last <= first)
    return makeError<InputError>("report: --raster-neurons must be A:B, "
                                 "neurons A to B - 1 (0 <= A < B), got '" +
                                 text + "'");
  if (last - first > kMaxRasterRows)
    return makeError<InputError>(
        formatv("report: --raster-neurons {0}:{1} asks for {2} neurons; a "
                "raster shows at most {3}",
                first, last, last - first, kMaxRasterRows));
  return std::make_pair(first, last);
}

llvm::Expected<std::string>
pipeline::buildHtmlReport(ReportSubject subject, const NDArray &input,
                          const HtmlReportOptions &options) {
  auto data = gather(std::move(subject), input, options);
  if (!data)
    return data.takeError();
  return render(*data, options);
}

llvm::Expected<std::string>
pipeline::buildHtmlReport(StringRef modelPath, const NDArray &input,
                          const CompileOptions &compile,
                          const HtmlReportOptions &options) {
  auto subject = loadSubject(modelPath, compile);
  if (!subject)
    return subject.takeError();
  return buildHtmlReport(std::move(*subject), input, options);
}

/// The report written to `outputPath` whole or not at all.
static llvm::Error writeReport(llvm::Expected<std::string> html,
                               StringRef outputPath) {
  if (!html)
    return html.takeError();
  return writeFileAtomically(outputPath,
                             [&](llvm::raw_ostream &os) { os << *html; });
}

llvm::Error pipeline::writeHtmlReport(StringRef modelPath, const NDArray &input,
                                      const CompileOptions &compile,
                                      const HtmlReportOptions &options,
                                      StringRef outputPath) {
  return writeReport(buildHtmlReport(modelPath, input, compile, options),
                     outputPath);
}

llvm::Error pipeline::writeHtmlReport(ReportSubject subject,
                                      const NDArray &input,
                                      const HtmlReportOptions &options,
                                      StringRef outputPath) {
  return writeReport(buildHtmlReport(std::move(subject), input, options),
                     outputPath);
}
