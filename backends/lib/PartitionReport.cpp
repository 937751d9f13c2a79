//===- PartitionReport.cpp - what compile prints of a partition -----------===//
//
// Per chip: the slices it holds, its memories against the device (the fit
// check's lines), its events in and out per inference; then each link's
// load.  Events are the golden engine's spikes on calibration inputs (a
// slice's share prorated by its neurons) or upper bounds: every neuron of
// a slice whose consumers sit on another chip firing every step.
//
//===----------------------------------------------------------------------===//
#include "snnc/Backends/Partition.h"

#include "snnc/Runtime/GoldenEngine.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace snnc;
using llvm::formatv;
using llvm::StringRef;

namespace {
int64_t heightOf(const CorePopulation &p) {
  return p.shape.size() > 1 ? p.shape[1] : 1;
}
int64_t widthOf(const CorePopulation &p) {
  return p.shape.size() > 2 ? p.shape[2] : 1;
}

using Window = SourceWindow;

int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1) {
  return std::max<int64_t>(0, std::min(a1, b1) - std::max(a0, b0));
}

/// Events a slice sends per inference when `neurons` of its neurons are
/// read elsewhere.
struct EventCounter {
  const CoreNetwork &net;
  const RunStats *measured;
  int64_t timesteps;

  double operator()(int pop, int64_t neurons) const {
    const CorePopulation &p = net.populations[pop];
    if (!measured || measured->samples == 0 ||
        size_t(pop) >= measured->populations.size())
      return double(neurons) * double(timesteps);
    int64_t spikes = 0;
    for (int64_t n : measured->populations[pop].eventsPerStep)
      spikes += n;
    return double(spikes) / double(measured->samples) * double(neurons) /
           double(std::max<int64_t>(1, p.size()));
  }
};

/// Events per inference on every link (source chip, target chip).
std::map<std::pair<int64_t, int64_t>, double>
linkEvents(const CoreNetwork &net, const PartitionPlan &plan,
           const EventCounter &count) {
  std::map<std::pair<int64_t, int64_t>, double> links;
  for (const CoreChipSlice &u : plan.slices) {
    const CorePopulation &src = net.populations[u.population];
    // Per destination chip, the hull of what its slices read of u's
    // population.
    std::map<int64_t, Window> reads;
    for (const CoreProjection &p : net.projections) {
      if (p.source != u.population)
        continue;
      for (const CoreChipSlice &v : plan.slices) {
        if (v.population != p.target || v.chip == u.chip)
          continue;
        Window w = sourceWindow(net, p, v);
        auto [it, fresh] = reads.try_emplace(v.chip, w);
        if (!fresh)
          it->second = {std::min(it->second.chanLo, w.chanLo),
                        std::max(it->second.chanHi, w.chanHi),
                        std::min(it->second.rowLo, w.rowLo),
                        std::max(it->second.rowHi, w.rowHi)};
      }
    }
    for (auto &[chip, w] : reads) {
      int64_t neurons =
          overlap(u.firstChannel, u.firstChannel + u.channels, w.chanLo,
                  w.chanHi) *
          overlap(u.firstRow, u.firstRow + u.rows, w.rowLo, w.rowHi) *
          widthOf(src);
      if (neurons > 0)
        links[{u.chip, chip}] += count(u.population, neurons);
    }
  }
  return links;
}

std::string describe(const CoreNetwork &net, const CoreChipSlice &s) {
  const CorePopulation &p = net.populations[s.population];
  std::string text = p.name;
  bool allChannels = s.channels == p.channels();
  bool allRows = s.rows == heightOf(p);
  if (allChannels && allRows)
    return text;
  text +=
      s.channels == 1
          ? formatv(" [channel {0} of {1}", s.firstChannel, p.channels()).str()
          : formatv(" [channels {0}-{1} of {2}", s.firstChannel,
                    s.firstChannel + s.channels - 1, p.channels())
                .str();
  if (!allRows)
    text += formatv(", rows {0}-{1} of {2}", s.firstRow,
                    s.firstRow + s.rows - 1, heightOf(p));
  return text + "]";
}

std::string number(double events) {
  return formatv("{0}", int64_t(events + 0.5)).str();
}
} // namespace

std::string snnc::printPartition(const CoreNetwork &net,
                                 const PartitionPlan &plan,
                                 const RunStats *measured, StringRef target) {
  int64_t timesteps = net.timesteps.value_or(1);
  EventCounter count{net, measured, timesteps};
  auto links = linkEvents(net, plan, count);
  const char *bound = measured ? "" : "at most ";
  std::string text;
  llvm::raw_string_ostream os(text);
  os << formatv("partition on {0}: {1} chip{2} (greedy, in program order",
                target, plan.chips, plan.chips == 1 ? "" : "s");
  if (plan.lowerBound)
    os << formatv("; at least {0} by memory alone", *plan.lowerBound);
  os << ")\n";
  os << (measured ? formatv("events per inference: measured on {0} "
                            "calibration inputs (a slice's share prorated)\n",
                            measured->samples)
                        .str()
                  : formatv("events per inference: upper bounds (every "
                            "neuron firing each of {0} steps)\n",
                            timesteps)
                        .str());
  for (int64_t c = 0; c < plan.chips; ++c) {
    std::string holds;
    for (const CoreChipSlice &s : plan.slices)
      if (s.chip == c)
        holds += (holds.empty() ? "" : ", ") + describe(net, s);
    double in = 0, out = 0;
    for (auto &[link, events] : links) {
      in += link.second == c ? events : 0;
      out += link.first == c ? events : 0;
    }
    os << formatv("chip {0}: {1}\n", c, holds);
    os << formatv("  events per inference: {0}{1} in, {0}{2} out\n", bound,
                  number(in), number(out));
    os << plan.fits[size_t(c)];
  }
  if (links.empty())
    os << "links: none (no events cross chips)\n";
  else
    os << "links (chip -> chip: events per inference, per step):\n";
  for (auto &[link, events] : links)
    os << formatv("  {0} -> {1}: {2}{3}, {2}{4} per step\n", link.first,
                  link.second, bound, number(events),
                  number(events / double(timesteps)));
  os << "the chip-to-chip link is not built yet: the plan is checked "
        "against each chip's memories, and `snnc run --engine rtl` runs it "
        "as a system of cores, the host relaying spikes between them\n";
  return os.str();
}
