//===- SystemBitstream.cpp - a bitstream for every chip of a system -------===//
#include "snnc/Backends/SystemBitstream.h"

#include "snnc/Backends/Boards.h"
#include "snnc/Backends/OutputDirectory.h"
#include "snnc/Backends/VerilogEmitter.h"
#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <map>

using namespace snnc;
using llvm::Expected;
using llvm::formatv;

namespace {
std::string chipDir(int64_t chip) { return formatv("chip{0}", chip).str(); }

/// Spikes per inference each link would carry at most (every neuron of a
/// population whose consumers sit on another chip firing every step),
/// counted per (from, to) chip pair: what `compile --chips` prints.
std::map<std::pair<int64_t, int64_t>, int64_t>
linkBounds(const CoreNetwork &net, const PartitionPlan &plan) {
  std::map<std::pair<int64_t, int64_t>, int64_t> links;
  int64_t steps = net.timesteps.value_or(1);
  for (const CoreChipSlice &s : plan.slices) {
    const CorePopulation &p = net.populations[s.population];
    int64_t width = p.shape.size() > 2 ? p.shape[2] : 1;
    int64_t neurons = s.channels * s.rows * width;
    std::vector<int64_t> readers;
    for (const CoreProjection &q : net.projections)
      if (q.source == s.population)
        for (const CoreChipSlice &t : plan.slices)
          if (t.population == q.target && t.chip != s.chip &&
              !llvm::is_contained(readers, t.chip))
            readers.push_back(t.chip);
    for (int64_t to : readers)
      links[{s.chip, to}] += neurons * steps;
  }
  return links;
}

llvm::json::Value systemJson(const CoreNetwork &net, const PartitionPlan &plan,
                             const BoardDescription &board,
                             llvm::StringRef origin,
                             const std::vector<llvm::json::Value> &reports) {
  llvm::json::Array partition, chips, links;
  for (const CoreChipSlice &s : plan.slices)
    partition.push_back(
        llvm::json::Object{{"chip", s.chip},
                           {"population", net.populations[s.population].name},
                           {"first_channel", s.firstChannel},
                           {"channels", s.channels},
                           {"first_row", s.firstRow},
                           {"rows", s.rows}});
  for (size_t k = 0; k < reports.size(); ++k) {
    const llvm::json::Object *r = reports[k].getAsObject();
    chips.push_back(llvm::json::Object{
        {"chip", int64_t(k)},
        {"dir", chipDir(int64_t(k))},
        {"clock_mhz", r ? r->getNumber("clock_mhz").value_or(0) : 0},
        {"fmax_mhz", r ? r->getNumber("fmax_mhz").value_or(0) : 0},
        {"utilization",
         r && r->get("utilization") ? *r->get("utilization") : nullptr}});
  }
  for (auto &[link, events] : linkBounds(net, plan))
    links.push_back(llvm::json::Object{{"from", link.first},
                                       {"to", link.second},
                                       {"events_per_inference_max", events}});
  return llvm::json::Object{
      {"format", "snnc-system"},
      {"version", 1},
      {"model", origin},
      {"board", board.name},
      {"chips", plan.chips},
      {"partition", std::move(partition)},
      {"per_chip", std::move(chips)},
      {"links", std::move(links)},
      // What joins the chips: the host relays their spikes today.
      {"chip_to_chip_link", "not built: the host relays spikes between "
                            "chips (snnc run --engine rtl)"}};
}
} // namespace

Expected<llvm::json::Value>
snnc::buildSystemBitstreams(const CoreNetwork &net, const PartitionPlan &plan,
                            const BoardDescription &board, int64_t lanes,
                            const BitstreamOptions &options,
                            llvm::raw_ostream &os) {
  auto out = OutputDirectory::open(options.dir, "bitstream");
  if (!out)
    return out.takeError();
  auto staging = out->createStaging();
  if (!staging)
    return staging.takeError();
  auto discard = llvm::make_scope_exit(
      [&] { llvm::sys::fs::remove_directories(*staging); });
  std::vector<llvm::json::Value> reports;
  std::vector<std::string> names;
  for (int64_t k = 0; k < plan.chips; ++k) {
    std::vector<CoreChipSlice> held;
    for (const CoreChipSlice &s : plan.slices)
      if (s.chip == k)
        held.push_back(s);
    CoreNetwork sub = chipNetwork(net, held);
    auto fail = [&](llvm::Error err) {
      return prependToError(formatv("chip {0}: ", k).str(), std::move(err));
    };
    auto params = coreParamsFor(sub, lanes, board.narrowSweep);
    if (!params)
      return fail(params.takeError());
    *params = fitCacheToBoard(*params, board);
    auto image = buildCoreImage(sub, *params);
    if (!image)
      return fail(image.takeError());
    BitstreamOptions chip = options;
    llvm::SmallString<256> dir(*staging);
    llvm::sys::path::append(dir, chipDir(k));
    chip.dir = std::string(dir);
    auto report = buildBitstream(*params, *image, board, chip);
    if (!report)
      return fail(report.takeError());
    os << formatv("chip {0}:\n", k);
    printBitstreamReport(*report, os);
    reports.push_back(std::move(*report));
    names.push_back(chipDir(k));
  }
  llvm::json::Value system =
      systemJson(net, plan, board, options.origin, reports);
  if (llvm::Error err = writeFiles(
          *staging,
          {GeneratedFile{"system.json", formatv("{0:2}\n", system).str()}}))
    return std::move(err);
  names.push_back("system.json");
  discard.release();
  if (llvm::Error err = out->commit(*staging, names))
    return std::move(err);
  return system;
}
