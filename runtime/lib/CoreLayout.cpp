//===- CoreLayout.cpp - a CoreNetwork planned for a core's memories ------===//
//
// plan() decides every memory's contents as plain integers for a lane
// count; coreParamsFor() sizes a core from the plan.
//
//===----------------------------------------------------------------------===//
#include "CoreLayout.h"

#include "Addressing.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace snnc;
using namespace snnc::layout;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using snnc::addressing::axisTaps;
using snnc::addressing::Geometry;

// Descriptors hold the CoreNetwork's kinds as they are.
static_assert(uint32_t(PopulationKind::Input) == bus::PopKindInput &&
              uint32_t(PopulationKind::LIF) == bus::PopKindLif &&
              uint32_t(PopulationKind::Readout) == bus::PopKindReadout);
static_assert(uint32_t(ProjectionKind::Conv) == bus::ProjKindConv &&
              uint32_t(ProjectionKind::Dense) == bus::ProjKindDense &&
              uint32_t(ProjectionKind::OneToOne) == bus::ProjKindOneToOne);

namespace {
int64_t groupsOf(int64_t channels, int64_t lanes) {
  return (channels + lanes - 1) / lanes;
}

/// Appends the tap lists of one axis (rows or columns) of a projection.
Error planAxis(const CoreProjection &p, bool rows, int64_t srcExtent,
               int64_t pool, int64_t dstExtent, int64_t groups,
               int64_t pooledOther, std::vector<ListHead> &index,
               std::vector<Tap> &taps, int64_t &maxCount) {
  int64_t pooled = srcExtent / pool;
  int axis = rows ? 0 : 1;
  for (int64_t i = 0; i < srcExtent; ++i) {
    ListHead head{int64_t(taps.size()), 0};
    int64_t pi = i / pool;
    if (pi < pooled) {
      switch (p.kind) {
      case ProjectionKind::Conv: {
        int64_t kw = p.weightShape[3];
        for (auto [k, o] :
             axisTaps(pi, dstExtent, p.weightShape[2 + axis], p.strides[axis],
                      p.pads[axis], p.dilations[axis]))
          taps.push_back(rows ? Tap{k * kw * groups, o * pooledOther * groups}
                              : Tap{k * groups, o * groups});
        break;
      }
      case ProjectionKind::Dense:
        taps.push_back(rows ? Tap{pi * pooledOther * groups, 0}
                            : Tap{pi * groups, 0});
        break;
      case ProjectionKind::OneToOne:
        taps.push_back(rows ? Tap{0, pi * pooledOther * groups}
                            : Tap{0, pi * groups});
        break;
      }
    }
    head.count = int64_t(taps.size()) - head.start;
    if (head.count > 255)
      return refuse(formatv("projection '{0}': {1} kernel taps reach one "
                            "source {2}; the core's tap lists hold 255",
                            p.name, head.count, rows ? "row" : "column"));
    maxCount = std::max(maxCount, head.count);
    index.push_back(head);
  }
  return Error::success();
}

/// Kernels stored once, in the order the tap tables address them.
void planWeights(const CoreProjection &p, int64_t lanes, int64_t groups,
                 std::vector<std::vector<int8_t>> &words) {
  auto lanesOf = [&](auto weightOf, int64_t outputs) {
    for (int64_t g = 0; g < groups; ++g) {
      std::vector<int8_t> word(lanes, 0);
      for (int64_t l = 0; l < lanes && g * lanes + l < outputs; ++l)
        word[l] = weightOf(g * lanes + l);
      words.push_back(std::move(word));
    }
  };
  switch (p.kind) {
  case ProjectionKind::Conv: {
    int64_t o = p.weightShape[0], c = p.weightShape[1], kh = p.weightShape[2],
            kw = p.weightShape[3];
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t ky = 0; ky < kh; ++ky)
        for (int64_t kx = 0; kx < kw; ++kx)
          lanesOf(
              [&](int64_t oi) {
                return p.weights[((oi * c + ci) * kh + ky) * kw + kx];
              },
              o);
    break;
  }
  case ProjectionKind::Dense: {
    int64_t m = p.weightShape[0], k = p.weightShape[1];
    for (int64_t ki = 0; ki < k; ++ki)
      lanesOf([&](int64_t mi) { return p.weights[mi * k + ki]; }, m);
    break;
  }
  case ProjectionKind::OneToOne: {
    int64_t c = p.weightShape[0];
    for (int64_t g = 0; g < groupsOf(c, lanes); ++g) {
      std::vector<int8_t> word(lanes, 0);
      for (int64_t l = 0; l < lanes && g * lanes + l < c; ++l)
        word[l] = p.weights[g * lanes + l];
      words.push_back(std::move(word));
    }
    break;
  }
  }
}

/// The pooling window a population's events may be merged over: the one
/// every consumer uses, if they all pool the same way (window, and sum or
/// max); none otherwise. LIF populations merge in snn_merge, the input on
/// the host. `maxes[i]`: population i's window is a max pool.
std::vector<std::vector<int64_t>> mergeWindows(const CoreNetwork &net,
                                               std::vector<bool> &maxes) {
  std::vector<std::vector<int64_t>> windows(net.populations.size());
  maxes.assign(net.populations.size(), false);
  for (size_t i = 0; i < net.populations.size(); ++i) {
    if (net.populations[i].kind == PopulationKind::Readout)
      continue;
    std::optional<std::pair<std::vector<int64_t>, bool>> common;
    bool same = true;
    for (const CoreProjection &p : net.projections) {
      if (p.source != int(i))
        continue;
      std::pair<std::vector<int64_t>, bool> pool{p.inputPool, p.inputPoolMax};
      if (common && *common != pool)
        same = false;
      common = pool;
    }
    if (same && common && !common->first.empty() &&
        common->first[0] * common->first[1] > 1) {
      windows[i] = common->first;
      maxes[i] = common->second;
    }
  }
  return windows;
}

/// A max pool of spikes is exact only as one event per window: the core
/// must merge every population a max-pooled projection reads.
Error checkMaxPoolsMerge(const CoreNetwork &net,
                         const std::vector<std::vector<int64_t>> &windows,
                         bool merge) {
  for (const CoreProjection &p : net.projections) {
    if (!p.inputPoolMax || p.inputPool[0] * p.inputPool[1] == 1)
      continue;
    const CorePopulation &src = net.populations[p.source];
    if (src.kind == PopulationKind::Input && !src.standIn)
      return refuse(formatv("projection '{0}' max-pools the network input; "
                            "the core max-pools spikes only",
                            p.name));
    if (windows[p.source].empty())
      return refuse(formatv(
          "projection '{0}' max-pools the spikes of '{1}', which the core "
          "cannot merge into one event per window: {2}",
          p.name, src.name,
          merge ? "its consumers pool it differently"
                : "the core has no merge slots for it (SlotDepth)"));
  }
  return Error::success();
}

/// A bound on every current of the network: per target population, the
/// sum over its projections of the largest fan-in sum of |weight| times the
/// largest event value times the events one address can receive per step
/// (a pooling window: merged, one event worth up to the window; unmerged,
/// the window's events; a max pool: one).  Saturates at 2^40, far past
/// the 32-bit limit.
std::vector<uint64_t> boundsPerPopulation(const CoreNetwork &net) {
  const uint64_t cap = uint64_t(1) << 40;
  auto mul = [&](uint64_t a, uint64_t b) {
    return (a && b > cap / a) ? cap : std::min(cap, a * b);
  };
  std::vector<uint64_t> perPop(net.populations.size(), 0);
  for (const CoreProjection &p : net.projections) {
    // Rows of the weight tensor: one per target channel (OIHW, [M, K]);
    // one-to-one weights are one per channel.
    int64_t rows = p.kind == ProjectionKind::OneToOne
                       ? int64_t(p.weights.size())
                       : p.weightShape.at(0);
    int64_t rowSize = rows ? int64_t(p.weights.size()) / rows : 0;
    uint64_t fanIn = 0;
    for (int64_t r = 0; r < rows; ++r) {
      uint64_t sum = 0;
      for (int64_t k = 0; k < rowSize; ++k)
        sum += uint64_t(std::abs(int64_t(p.weights[r * rowSize + k])));
      fanIn = std::max(fanIn, sum);
    }
    uint64_t value = net.populations[p.source].kind == PopulationKind::Input
                         ? uint64_t(1)
                               << (std::max<int64_t>(1, net.input.bits) - 1)
                         : 1;
    uint64_t window = uint64_t(std::max<int64_t>(1, p.pooledEventBound()));
    uint64_t &total = perPop[p.target];
    total = std::min(cap, total + mul(mul(fanIn, value), window));
  }
  return perPop;
}

/// The largest current of the network.
uint64_t currentBound(const CoreNetwork &net) {
  std::vector<uint64_t> perPop = boundsPerPopulation(net);
  return *std::max_element(perPop.begin(), perPop.end());
}

/// The stored current width a network needs: its currents never leave
/// (-2^(B-1), 2^(B-1)) (currentBound), so B-bit sums equal the numerics'
/// 32-bit ones; 32 where the bound allows wrapping, as the numerics do.
int64_t currentBitsFor(const CoreNetwork &net) {
  uint64_t bound = currentBound(net);
  if (bound >= (uint64_t(1) << 31))
    return 32;
  return std::max<int64_t>(2, bitsFor(int64_t(bound)) + 1);
}

} // namespace

bool layout::needsStandIns(const CoreNetwork &net) {
  for (size_t i = 1; i < net.populations.size(); ++i) {
    const CorePopulation &pop = net.populations[i];
    if (pop.kind == PopulationKind::Input)
      return true;
    bool read = llvm::any_of(net.projections, [&](const CoreProjection &p) {
      return p.source == int(i);
    });
    if (pop.kind != PopulationKind::Readout && !read)
      return true;
  }
  return false;
}

std::vector<uint64_t> snnc::currentBounds(const CoreNetwork &network) {
  return boundsPerPopulation(network);
}

Expected<Plan> layout::plan(const CoreNetwork &net, int64_t lanes,
                            int64_t sweepLanes, bool merge) {
  Plan plan;
  plan.lanes = lanes;
  plan.sweepLanes = sweepLanes;
  plan.valueBits = std::max<int64_t>(2, net.input.bits);
  std::vector<std::vector<int64_t>> windows(net.populations.size());
  std::vector<bool> maxes(net.populations.size(), false);
  if (merge)
    windows = mergeWindows(net, maxes);
  if (Error err = checkMaxPoolsMerge(net, windows, merge))
    return std::move(err);
  uint64_t worst = 0;
  for (size_t i = 0; i < net.populations.size(); ++i) {
    const CorePopulation &pop = net.populations[i];
    Geometry g(pop.shape);
    plan.maxChannel = std::max(plan.maxChannel, g.c - 1);
    plan.maxCoord = std::max({plan.maxCoord, g.h, g.w});
    // The sweep's words (state, parameters, readout, slots), and the
    // delivery's (currents, cache).
    int64_t groups = groupsOf(g.c, sweepLanes), words = g.h * g.w * groups;
    int64_t currentGroups = groupsOf(g.c, lanes);
    std::vector<uint32_t> desc(bus::DescWords, 0);
    // A readout by membranes, and one that keeps the last step, need a
    // core built with ReadoutModes.
    bool readoutLast = int(i) == net.readout && net.readoutLast;
    desc[bus::PopKind] =
        pop.membraneReadout ? bus::PopKindMembrane : uint32_t(pop.kind);
    if (pop.membraneReadout || readoutLast)
      plan.readoutModes = 1;
    desc[bus::PopGroups] = uint32_t(groups);
    desc[bus::PopLastLanes] = uint32_t(g.c - (groups - 1) * sweepLanes);
    desc[bus::PopHeight] = uint32_t(g.h);
    desc[bus::PopWidth] = uint32_t(g.w);
    desc[bus::PopFlags] = uint32_t(pop.reset == numerics::Reset::Soft)
                              << bus::PopFlagSoftReset |
                          uint32_t(pop.reset == numerics::Reset::Subtract)
                              << bus::PopFlagSubtractReset |
                          uint32_t(pop.fireGe) << bus::PopFlagFireGe |
                          uint32_t(readoutLast) << bus::PopFlagReadoutLast;
    if (pop.reset == numerics::Reset::Subtract)
      plan.subtractReset = 1;
    // Each neuron reads the max of a window of a finer grid of currents
    // (snn_pool_max), which its projections deliver to.
    Geometry grid(pop.currentShape());
    int64_t gridWords = grid.h * grid.w * currentGroups;
    if (!pop.currentPool.empty()) {
      desc[bus::PopFlags] |=
          1u << bus::PopFlagPoolCurrents |
          uint32_t(pop.currentPool[0]) << bus::PopFlagPoolYShift |
          uint32_t(pop.currentPool[1]) << bus::PopFlagPoolXShift;
      plan.poolCurrents = 1;
      plan.maxCoord = std::max({plan.maxCoord, grid.h, grid.w});
    }
    // Spikes in one window of the consumers' pooling become one event.
    const std::vector<int64_t> &window = windows[i];
    int64_t wy = window.empty() ? 1 : window[0];
    int64_t wx = window.empty() ? 1 : window[1];
    desc[bus::PopPoolY] = uint32_t(wy);
    desc[bus::PopPoolX] = uint32_t(wx);
    desc[bus::PopPooledH] = uint32_t(g.h / wy);
    desc[bus::PopPooledW] = uint32_t(g.w / wx);
    if (!window.empty() && pop.kind == PopulationKind::Input) {
      // Merged on the host: a window's graded values add up (the network
      // input's by CoreEngine::writeInputs, a chip's stand-in for another
      // chip's population by writePopulationEvents, from its descriptor).
      if (i == 0)
        plan.inputWindow = window;
      plan.merges = true;
      // A stand-in's max-pooled window is worth 1 (the OR of its spikes).
      desc[bus::PopFlags] |= uint32_t(maxes[i]) << bus::PopFlagMergeMax;
      int64_t level = (int64_t(1) << (net.input.bits - 1)) - 1;
      if (!maxes[i])
        plan.valueBits = std::max(plan.valueBits, bitsFor(wy * wx * level) + 1);
    } else if (!window.empty()) {
      desc[bus::PopFlags] |= 1u << bus::PopFlagMerge;
      // A max-pooled window's event is worth 1 (the OR of its spikes).
      desc[bus::PopFlags] |= uint32_t(maxes[i]) << bus::PopFlagMergeMax;
      plan.merges = true;
      plan.slotWords = std::max(plan.slotWords, (g.w / wx) * groups);
      if (!maxes[i])
        plan.valueBits = std::max(plan.valueBits, bitsFor(wy * wx) + 1);
    }
    // A merged population writes at most one event per whole window and
    // channel (snn_merge drops the spikes past the last whole window; the
    // host merges the input alike); a core that cannot merge plans again
    // unmerged, and checkPlan holds that plan to its event memory.
    // A population nothing reads (a chip's slice whose consumers are on
    // other chips, a readout by membranes) stores no events: its base lies
    // past the event memory, and its spikes leave by the AER monitor.
    bool read = llvm::any_of(net.projections, [&](const CoreProjection &p) {
      return p.source == int(i);
    });
    if (pop.kind != PopulationKind::Readout && !read) {
      desc[bus::PopEventBase] = bus::NoEvents;
    } else if (pop.kind != PopulationKind::Readout) {
      desc[bus::PopEventBase] = uint32_t(plan.eventWords);
      plan.eventWords += g.c * (g.h / wy) * (g.w / wx);
    }
    if (pop.kind != PopulationKind::Input) {
      plan.currentWords = std::max(plan.currentWords, gridWords);
      desc[bus::PopParamBase] = uint32_t(plan.params.size());
      for (int64_t gi = 0; gi < groups; ++gi) {
        std::vector<ParamLane> word(sweepLanes);
        for (int64_t l = 0; l < sweepLanes && gi * sweepLanes + l < g.c; ++l) {
          int64_t c = gi * sweepLanes + l;
          word[l].bias = pop.bias[c];
          if (pop.kind == PopulationKind::LIF)
            word[l] = {pop.threshold[c], pop.bias[c], pop.decay[c]};
          else
            plan.maxReadoutBias =
                std::max(plan.maxReadoutBias, std::abs(pop.bias[c]));
        }
        plan.params.push_back(std::move(word));
      }
      worst += uint64_t(gridWords + words) * uint64_t(sweepLanes + 1) + 64;
    }
    if (pop.kind == PopulationKind::LIF) {
      desc[bus::PopStateBase] = uint32_t(plan.stateWords);
      plan.stateWords += words;
      if (plan.stateBits &&
          (plan.stateBits != pop.stateBits || plan.decayBits != pop.decayBits))
        return refuse(formatv("population '{0}': the core has one state and "
                              "decay width for all populations",
                              pop.name));
      plan.stateBits = pop.stateBits;
      plan.decayBits = pop.decayBits;
    }
    if (int(i) == net.readout)
      plan.readoutWords = words;
    plan.pops.push_back(std::move(desc));
  }
  for (size_t j = 0; j < net.projections.size(); ++j) {
    const CoreProjection &p = net.projections[j];
    Geometry src(net.populations[p.source].shape);
    Geometry dst(net.populations[p.target].currentShape());
    int64_t groups = groupsOf(dst.c, lanes);
    int64_t py = p.inputPool.empty() ? 1 : p.inputPool[0];
    int64_t px = p.inputPool.empty() ? 1 : p.inputPool[1];
    if (!windows[p.source].empty()) {
      // The source's events already carry pooled addresses.
      src.h /= py;
      src.w /= px;
      py = px = 1;
    }
    std::vector<uint32_t> desc(bus::DescWords, 0);
    std::vector<uint32_t> &target = plan.pops[p.target];
    if (target[bus::PopProjCount] == 0)
      target[bus::PopProjFirst] = uint32_t(j);
    ++target[bus::PopProjCount];
    desc[bus::ProjKind] = uint32_t(p.kind);
    desc[bus::ProjSource] = uint32_t(p.source);
    desc[bus::ProjWeightBase] = uint32_t(plan.weights.size());
    desc[bus::ProjGroups] = uint32_t(groups);
    desc[bus::ProjLastLanes] = uint32_t(dst.c - (groups - 1) * lanes);
    desc[bus::ProjRowIdxBase] = uint32_t(plan.rowIdx.size());
    desc[bus::ProjColIdxBase] = uint32_t(plan.colIdx.size());
    int64_t sh = src.h / py, sw = src.w / px;
    if (p.kind == ProjectionKind::Conv)
      desc[bus::ProjChanStride] =
          uint32_t(p.weightShape[2] * p.weightShape[3] * groups);
    else if (p.kind == ProjectionKind::Dense)
      desc[bus::ProjChanStride] = uint32_t(sh * sw * groups);
    int64_t rowMax = 0, colMax = 0;
    // Row offsets step over whole output rows: the pooled source width
    // (dense) or the target width (conv, one-to-one).
    int64_t rowStride = p.kind == ProjectionKind::Dense ? sw : dst.w;
    if (Error err = planAxis(p, true, src.h, py, dst.h, groups, rowStride,
                             plan.rowIdx, plan.rowTaps, rowMax))
      return std::move(err);
    if (Error err = planAxis(p, false, src.w, px, dst.w, groups, 1, plan.colIdx,
                             plan.colTaps, colMax))
      return std::move(err);
    planWeights(p, lanes, groups, plan.weights);
    // Direct encoding: the input's projections deliver once per sample into
    // the target's region of the input-current cache.
    if (p.source == 0 && net.encoding == InputEncoding::Direct) {
      desc[bus::ProjCached] = 1;
      if (!(target[bus::PopFlags] & 1u << bus::PopFlagCached)) {
        target[bus::PopFlags] |= 1u << bus::PopFlagCached;
        target[bus::PopCacheBase] = uint32_t(plan.cacheWords);
        plan.cacheWords += dst.h * dst.w * groups;
      }
    }
    int64_t perEvent =
        p.kind == ProjectionKind::OneToOne ? 1 : rowMax * colMax * groups;
    worst += uint64_t(src.c * src.h * src.w) * uint64_t(perEvent + 4) + 64;
    plan.projs.push_back(std::move(desc));
  }
  plan.currentBits = currentBitsFor(net);
  // Entries are rebased: list heads point into the shared tap memories.
  plan.worstCase = 2 * worst + 1024;
  return plan;
}

Expected<CoreParams> snnc::coreParamsFor(const CoreNetwork &network,
                                         int64_t lanes, bool narrowSweep) {
  CoreParams probe;
  probe.lanes = lanes;
  if (Error err = probe.validate())
    return std::move(err);
  // A narrow sweep only where it differs from the full one and the
  // network pools no currents (snn_pool_max feeds a sweep as wide as it).
  narrowSweep = narrowSweep && lanes > 1;
  auto p = plan(network, lanes, narrowSweep ? 1 : lanes, /*merge=*/true);
  if (p && narrowSweep && p->poolCurrents) {
    narrowSweep = false;
    p = plan(network, lanes, lanes, /*merge=*/true);
  }
  if (!p)
    return p.takeError();
  auto depth = [](size_t n) { return std::max<int64_t>(2, int64_t(n)); };
  CoreParams params;
  params.lanes = lanes;
  params.stateBits = p->stateBits ? p->stateBits : 24;
  params.decayBits = p->decayBits ? p->decayBits : 8;
  params.valueBits = p->valueBits;
  params.chanBits = bitsFor(p->maxChannel);
  params.coordBits = bitsFor(p->maxCoord);
  params.maxPops = depth(p->pops.size());
  params.maxProjs = depth(p->projs.size());
  params.weightDepth = depth(p->weights.size());
  params.paramDepth = depth(p->params.size());
  params.stateDepth = depth(size_t(p->stateWords));
  params.currentDepth = depth(size_t(p->currentWords));
  params.eventDepth = depth(size_t(p->eventWords));
  params.rowIdxDepth = depth(p->rowIdx.size());
  params.rowTapDepth = depth(p->rowTaps.size());
  params.colIdxDepth = depth(p->colIdx.size());
  params.colTapDepth = depth(p->colTaps.size());
  params.readoutWords = depth(size_t(p->readoutWords));
  params.cacheDepth = depth(size_t(p->cacheWords));
  // No slot table at all where no population merges (snn_merge without
  // its block RAMs and tag logic).
  params.slotDepth = p->slotWords == 0 ? 0 : depth(size_t(p->slotWords));
  params.currentBits = p->currentBits;
  params.subtractReset = p->subtractReset;
  params.poolCurrents = p->poolCurrents;
  params.readoutModes = p->readoutModes;
  params.narrowSweep = narrowSweep;
  params.standIns = layout::needsStandIns(network);
  if (Error err = checkParams(params, /*regions=*/false))
    return std::move(err);
  return params;
}
