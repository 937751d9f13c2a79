//===- Partition.cpp - a network split across several chips ---------------===//
#include "snnc/Backends/Partition.h"

#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/GoldenEngine.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>
#include <tuple>

using namespace snnc;
using llvm::ArrayRef;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

namespace {
int64_t heightOf(const CorePopulation &p) {
  return p.shape.size() > 1 ? p.shape[1] : 1;
}

bool isWhole(const CoreNetwork &net, const CoreChipSlice &s) {
  const CorePopulation &p = net.populations[s.population];
  return s.firstChannel == 0 && s.channels == p.channels() && s.firstRow == 0 &&
         s.rows == heightOf(p);
}

} // namespace

SourceWindow snnc::sourceWindow(const CoreNetwork &net, const CoreProjection &p,
                                const CoreChipSlice &t) {
  const CorePopulation &src = net.populations[p.source];
  const CorePopulation &dst = net.populations[p.target];
  int64_t py = p.inputPool.empty() ? 1 : p.inputPool[0];
  int64_t pooledH = heightOf(src) / py;
  SourceWindow need{0, src.channels(), 0, heightOf(src)};
  if (p.kind == ProjectionKind::OneToOne) {
    need.chanLo = t.firstChannel;
    need.chanHi = t.firstChannel + t.channels;
  }
  bool allRows = t.firstRow == 0 && t.rows == heightOf(dst);
  if (allRows || p.kind == ProjectionKind::Dense)
    return need;
  int64_t lo = t.firstRow, hi = t.firstRow + t.rows;
  if (p.kind == ProjectionKind::Conv) {
    int64_t s = p.strides[0], kernel = (p.weightShape[2] - 1) * p.dilations[0];
    lo = t.firstRow * s - p.pads[0];
    hi = (t.firstRow + t.rows - 1) * s - p.pads[0] + kernel + 1;
  }
  lo = std::clamp<int64_t>(lo, 0, pooledH);
  hi = std::clamp<int64_t>(hi, lo, pooledH);
  need.rowLo = lo * py;
  need.rowHi = hi * py;
  return need;
}

namespace {
using Need = SourceWindow;
Need needOf(const CoreNetwork &net, const CoreProjection &p,
            const CoreChipSlice &t) {
  return sourceWindow(net, p, t);
}

bool needsAll(const CorePopulation &src, const Need &n) {
  return n.chanLo == 0 && n.chanHi == src.channels() && n.rowLo == 0 &&
         n.rowHi == heightOf(src);
}

/// A slice of a population: its channels' parameters, its rows.
CorePopulation slicePopulation(const CorePopulation &p,
                               const CoreChipSlice &s) {
  CorePopulation q = p;
  auto channels = [&](auto &v) {
    if (int64_t(v.size()) == p.channels())
      v.assign(v.begin() + s.firstChannel,
               v.begin() + s.firstChannel + s.channels);
  };
  channels(q.threshold);
  channels(q.bias);
  channels(q.decay);
  channels(q.unit);
  q.shape[0] = s.channels;
  if (q.shape.size() > 1)
    q.shape[1] = s.rows;
  return q;
}

/// A source the chip does not hold whole: its events arrive, so on the
/// chip it is an input population of the channels and rows needed.
CorePopulation standIn(const CorePopulation &src, const Need &n) {
  CorePopulation q;
  q.name = src.name + " (events in)";
  q.kind = PopulationKind::Input;
  q.standIn = src.kind != PopulationKind::Input;
  q.shape = src.shape;
  q.shape[0] = n.chanHi - n.chanLo;
  if (q.shape.size() > 1)
    q.shape[1] = n.rowHi - n.rowLo;
  return q;
}

/// The projection `p` into the slice `t`, fed by a source whose first row
/// on the chip is `rowLo` of `rows` (source rows, before pooling): the
/// weights of t's channels; a convolution's pads moved to t's rows.
CoreProjection sliceProjection(const CoreNetwork &net, const CoreProjection &p,
                               const CoreChipSlice &t, int64_t rowLo,
                               int64_t rows) {
  CoreProjection q = p;
  int64_t perChannel = int64_t(p.weights.size()) / p.weightShape[0];
  q.weights.assign(p.weights.begin() + t.firstChannel * perChannel,
                   p.weights.begin() +
                       (t.firstChannel + t.channels) * perChannel);
  q.weightShape[0] = t.channels;
  const CorePopulation &dst = net.populations[p.target];
  bool allRows = t.firstRow == 0 && t.rows == heightOf(dst) &&
                 rows == heightOf(net.populations[p.source]);
  if (p.kind != ProjectionKind::Conv || allRows)
    return q;
  int64_t py = p.inputPool.empty() ? 1 : p.inputPool[0];
  int64_t s = p.strides[0], span = (p.weightShape[2] - 1) * p.dilations[0] + 1;
  int64_t top = rowLo / py - (t.firstRow * s - p.pads[0]);
  int64_t bottom = (t.rows - 1) * s + span - rows / py - top;
  q.pads[0] = top;
  q.pads[2] = std::max<int64_t>(0, bottom);
  return q;
}

/// Where a chip's sub-network takes a source from: the source held whole
/// (or the network's input, all of it), or a stand-in for some rows.
using StandInKey = std::tuple<int, int64_t, int64_t>; // source, rows lo, hi

struct ChipBuilder {
  const CoreNetwork &net;
  ArrayRef<CoreChipSlice> held;
  std::vector<ChipPopulation> origins;
  std::vector<int> wholeHere; // held index of a population held whole
  std::map<StandInKey, std::pair<int64_t, int64_t>> channelHull;
  bool realInput = false;

  ChipBuilder(const CoreNetwork &net, ArrayRef<CoreChipSlice> held)
      : net(net), held(held), wholeHere(net.populations.size(), -1) {
    for (size_t i = 0; i < held.size(); ++i)
      if (isWhole(net, held[i]))
        wholeHere[held[i].population] = int(i);
  }

  template <typename Fn> void forEachInput(Fn fn) const {
    for (size_t i = 0; i < held.size(); ++i)
      for (const CoreProjection &p : net.projections)
        if (p.target == held[i].population)
          fn(int(i), p, needOf(net, p, held[i]));
  }

  /// Whether `p` reads its source as the chip holds it: the network's
  /// input when all of it is read, a population held whole when all its
  /// rows are (a convolution's pads can only shift a row tile's reach
  /// where its first row is the source's).  Otherwise the source arrives
  /// as events of what is read, even if held here (counted twice: on the
  /// safe side).
  bool local(const CoreProjection &p, const Need &n) const {
    const CorePopulation &src = net.populations[p.source];
    if (p.source == 0)
      return needsAll(src, n);
    return wholeHere[p.source] >= 0 && n.rowLo == 0 && n.rowHi == heightOf(src);
  }

  void collectSources() {
    forEachInput([&](int, const CoreProjection &p, const Need &n) {
      if (local(p, n)) {
        realInput |= p.source == 0;
        return;
      }
      auto [it, fresh] = channelHull.try_emplace(
          StandInKey{p.source, n.rowLo, n.rowHi}, n.chanLo, n.chanHi);
      if (!fresh)
        it->second = {std::min(it->second.first, n.chanLo),
                      std::max(it->second.second, n.chanHi)};
    });
  }

  CoreNetwork build() {
    collectSources();
    CoreNetwork sub;
    sub.target = net.target;
    sub.lanes = net.lanes;
    sub.timesteps = net.timesteps;
    sub.input = net.input;
    sub.readoutLast = net.readoutLast;
    std::map<StandInKey, int> standIns;
    std::vector<int> heldIndex(held.size(), -1);
    for (size_t src = 0; src < net.populations.size(); ++src) {
      if (src == 0 && realInput) {
        sub.populations.push_back(net.populations[0]);
        origins.push_back({0, false, 0, 0});
      }
      for (auto &[key, hull] : channelHull)
        if (std::get<0>(key) == int(src)) {
          standIns[key] = int(sub.populations.size());
          sub.populations.push_back(standIn(
              net.populations[src],
              {hull.first, hull.second, std::get<1>(key), std::get<2>(key)}));
          origins.push_back({int(src), true, hull.first, std::get<1>(key)});
        }
      for (size_t i = 0; i < held.size(); ++i)
        if (held[i].population == int(src)) {
          heldIndex[i] = int(sub.populations.size());
          if (int(src) == net.readout)
            sub.readout = heldIndex[i];
          sub.populations.push_back(
              slicePopulation(net.populations[src], held[i]));
          origins.push_back(
              {int(src), false, held[i].firstChannel, held[i].firstRow});
        }
    }
    // Only what comes from the network's input is cached on the chip.
    bool fromInput = realInput || (!standIns.empty() &&
                                   std::get<0>(standIns.begin()->first) == 0);
    sub.encoding = fromInput ? net.encoding : InputEncoding::Events;
    addProjections(sub, standIns, heldIndex);
    if (!fromInput)
      sub.input.bits = spikeInputBits(sub);
    return sub;
  }

  /// A chip that never sees the network's input holds only spikes (and
  /// pooled counts of them): its input-like populations are sized as
  /// spikes of value 1 (bits 1), or, where a consumer pools them, with
  /// room for a window's count (bits 2: the count's width as snn_merge's,
  /// the currents one bit wider than a spike's).
  static int64_t spikeInputBits(const CoreNetwork &sub) {
    for (const CoreProjection &p : sub.projections)
      if (sub.populations[p.source].kind == PopulationKind::Input &&
          !p.inputPool.empty() && p.inputPool[0] * p.inputPool[1] > 1)
        return 2;
    return 1;
  }

  void addProjections(CoreNetwork &sub,
                      const std::map<StandInKey, int> &standIns,
                      const std::vector<int> &heldIndex) {
    std::vector<std::pair<int, CoreProjection>> projections;
    forEachInput([&](int i, const CoreProjection &p, const Need &n) {
      const CorePopulation &src = net.populations[p.source];
      int64_t rowLo = 0, rows = heightOf(src);
      int source;
      if (local(p, n)) {
        source = p.source == 0 ? 0 : heldIndex[wholeHere[p.source]];
      } else {
        source = standIns.at(StandInKey{p.source, n.rowLo, n.rowHi});
        rowLo = n.rowLo;
        rows = n.rowHi - n.rowLo;
      }
      CoreProjection q = sliceProjection(net, p, held[i], rowLo, rows);
      q.source = source;
      q.target = heldIndex[i];
      projections.push_back({q.target, std::move(q)});
    });
    // The core reads a population's projections as one run.
    std::stable_sort(projections.begin(), projections.end(),
                     [](auto &a, auto &b) { return a.first < b.first; });
    for (auto &entry : projections)
      sub.projections.push_back(std::move(entry.second));
  }
};
} // namespace

ChipNetwork snnc::buildChipNetwork(const CoreNetwork &net,
                                   ArrayRef<CoreChipSlice> held) {
  ChipBuilder builder(net, held);
  CoreNetwork sub = builder.build();
  return {std::move(sub), std::move(builder.origins)};
}

CoreNetwork snnc::chipNetwork(const CoreNetwork &net,
                              ArrayRef<CoreChipSlice> held) {
  return buildChipNetwork(net, held).net;
}

Expected<std::string> snnc::checkChipFit(const CoreNetwork &net,
                                         ArrayRef<CoreChipSlice> held,
                                         const BoardDescription &board,
                                         StringRef target) {
  CoreNetwork sub = chipNetwork(net, held);
  auto params = coreParamsFor(sub, net.lanes, board.narrowSweep);
  if (!params)
    return params.takeError();
  return checkMemoryFit(fitCacheToBoard(*params, board), board, target);
}

namespace {
/// The greedy placement: populations in program order, each chip filled
/// before the next is opened.
class Partitioner {
public:
  Partitioner(const CoreNetwork &net, const BoardDescription &board,
              StringRef target)
      : net(net), board(board), target(target) {}

  Error place(int pop);
  std::vector<std::vector<CoreChipSlice>> chips{{}};

private:
  const CoreNetwork &net;
  const BoardDescription &board;
  StringRef target;
  std::string lastRefusal;

  bool fitsWith(const CoreChipSlice &s) {
    std::vector<CoreChipSlice> held = chips.back();
    held.push_back(s);
    auto fit = checkChipFit(net, held, board, target);
    if (fit)
      return true;
    lastRefusal = llvm::toString(fit.takeError());
    return false;
  }
  bool fitsAlone(const CoreChipSlice &s) {
    auto fit = checkChipFit(net, {s}, board, target);
    if (fit)
      return true;
    llvm::consumeError(fit.takeError());
    return false;
  }
  bool tryAdd(const CoreChipSlice &s) {
    if (!fitsWith(s))
      return false;
    chips.back().push_back(s);
    return true;
  }
  void newChip() {
    if (!chips.back().empty())
      chips.emplace_back();
  }
  /// The most channels from `c0` (at most `limit`) of rows [r0, r0 + rows)
  /// that fit beside what the current chip holds.
  int64_t maxChannels(int pop, int64_t c0, int64_t limit, int64_t r0,
                      int64_t rows) {
    int64_t lo = 0, hi = limit;
    while (lo < hi) {
      int64_t mid = (lo + hi + 1) / 2;
      if (fitsWith({pop, 0, c0, mid, r0, rows}))
        lo = mid;
      else
        hi = mid - 1;
    }
    return lo;
  }
  Error tileRows(int pop, int64_t c0);
  Error placeTile(const CoreChipSlice &tile);
  Error refuse(int pop, StringRef what) {
    int64_t before = int64_t(chips.size()) - (chips.back().empty() ? 1 : 0);
    return makeError<LimitError>(
        formatv("population '{0}' (after {1} chips for the populations "
                "before it): {2} does not fit one chip of {3}: {4}",
                net.populations[pop].name, before, what, target, lastRefusal));
  }
};

Error Partitioner::place(int pop) {
  const CorePopulation &p = net.populations[pop];
  int64_t c0 = 0, channels = p.channels(), height = heightOf(p);
  while (c0 < channels) {
    CoreChipSlice rest{pop, 0, c0, channels - c0, 0, height};
    if (tryAdd(rest)) {
      // Its consumers read it whole, as stand-ins fed by these chips: on
      // later chips, never beside its last slice.
      if (c0 > 0)
        newChip();
      return Error::success();
    }
    // Whole on a new chip rather than split: no chip-to-chip traffic for
    // it, and its consumers may join it there.
    if (c0 == 0 && !chips.back().empty() && fitsAlone(rest)) {
      newChip();
      continue;
    }
    if (pop == net.readout) {
      // The readout stays whole: its accumulators are read as one.
      if (chips.back().empty())
        return refuse(pop, "the readout");
      newChip();
      continue;
    }
    int64_t k = maxChannels(pop, c0, channels - c0 - 1, 0, height);
    if (k > 0) {
      chips.back().push_back({pop, 0, c0, k, 0, height});
      c0 += k;
      newChip();
      continue;
    }
    if (!chips.back().empty()) {
      newChip();
      continue;
    }
    return tileRows(pop, c0);
  }
  return Error::success();
}

/// One channel of a population does not fit an empty chip: tiles of
/// channels x rows, the row count (halved from the height) that puts the
/// most neurons on one chip, measured on a tile away from the edges (it
/// needs the most source rows).
Error Partitioner::tileRows(int pop, int64_t c0) {
  const CorePopulation &p = net.populations[pop];
  int64_t channels = p.channels() - c0, height = heightOf(p);
  int64_t bestRows = 0, bestChannels = 0;
  for (int64_t rows = height / 2; rows >= 1; rows = rows / 2) {
    int64_t r0 = std::min(rows, height - rows);
    int64_t k = maxChannels(pop, c0, channels, r0, rows);
    if (k * rows > bestChannels * bestRows) {
      bestRows = rows;
      bestChannels = k;
    }
  }
  if (bestRows == 0)
    return refuse(pop, height > 1 ? "one row of one channel" : "one neuron");
  for (int64_t c = c0; c < p.channels(); c += bestChannels)
    for (int64_t r = 0; r < height; r += bestRows)
      if (Error err =
              placeTile({pop, 0, c, std::min(bestChannels, p.channels() - c), r,
                         std::min(bestRows, height - r)}))
        return err;
  newChip();
  return Error::success();
}

/// A tile on the current chip, or the next; halved (channels, then rows)
/// where even an empty chip cannot hold it: tiles differ (their weights
/// set the currents' width, the edges read fewer source rows).
Error Partitioner::placeTile(const CoreChipSlice &tile) {
  if (tryAdd(tile))
    return Error::success();
  newChip();
  if (tryAdd(tile))
    return Error::success();
  CoreChipSlice first = tile, second = tile;
  if (tile.channels > 1) {
    first.channels = tile.channels / 2;
    second.firstChannel += first.channels;
    second.channels -= first.channels;
  } else if (tile.rows > 1) {
    first.rows = tile.rows / 2;
    second.firstRow += first.rows;
    second.rows -= first.rows;
  } else {
    return refuse(tile.population, "one row of one channel");
  }
  if (Error err = placeTile(first))
    return err;
  return placeTile(second);
}

/// All the network's core memories over one chip's bits (the block RAMs
/// beside the host link's two buffers, and the SPRAMs).
std::optional<int64_t> memoryBound(const CoreNetwork &net,
                                   const BoardDescription &board) {
  auto params = coreParamsFor(net, net.lanes, board.narrowSweep);
  if (!params) {
    llvm::consumeError(params.takeError());
    return std::nullopt;
  }
  int64_t bits = 0;
  for (const CoreMemory &m : coreMemories(*params))
    bits += m.width * m.depth;
  const DeviceResources &r = board.resources;
  int64_t linkBlocks = 2 * ebrBlocks(8, board.linkBufferBytes);
  int64_t chip = (r.ebr - linkBlocks) * 4096 + r.spram * 16384 * 16;
  if (chip <= 0)
    return std::nullopt;
  return (bits + chip - 1) / chip;
}
} // namespace

Expected<PartitionPlan> snnc::partitionNetwork(const CoreNetwork &net,
                                               const BoardDescription &board,
                                               StringRef target,
                                               int64_t maxChips) {
  // A slice of such a population would need its rows' windows of currents
  // (qy rows each) from the chips before it: not planned yet.
  for (const CorePopulation &p : net.populations)
    if (!p.currentPool.empty())
      return makeError<LimitError>(
          formatv("population '{0}' max-pools its currents before the neuron; "
                  "--chips cannot split such a network yet",
                  p.name));
  // A readout (of currents or of a LIF's membranes, summed or the last
  // step's) stays whole on one chip (Partitioner::place), which reads it as
  // a single chip's core would.
  Partitioner partitioner(net, board, target);
  for (size_t pop = 1; pop < net.populations.size(); ++pop)
    if (Error err = partitioner.place(int(pop)))
      return std::move(err);
  std::vector<std::vector<CoreChipSlice>> &chips = partitioner.chips;
  if (chips.back().empty())
    chips.pop_back();
  PartitionPlan plan;
  plan.chips = int64_t(chips.size());
  plan.lowerBound = memoryBound(net, board);
  if (maxChips > 0 && plan.chips > maxChips)
    return makeError<LimitError>(formatv(
        "the network needs {0} chips of {1} (a greedy plan; at least {2} by "
        "memory); --chips {3} allows {3}",
        plan.chips, target,
        plan.lowerBound ? std::to_string(*plan.lowerBound) : "?", maxChips));
  for (size_t c = 0; c < chips.size(); ++c) {
    auto fit = checkChipFit(net, chips[c], board, target);
    if (!fit)
      return fit.takeError();
    plan.fits.push_back(std::move(*fit));
    for (CoreChipSlice s : chips[c]) {
      s.chip = int64_t(c);
      plan.slices.push_back(s);
    }
  }
  return plan;
}
