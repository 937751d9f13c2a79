//===- CoreImage.cpp - a CoreNetwork as the RTL core's memories -----------===//
//
// Layout, in two phases: plan() decides every memory's contents as plain
// integers for a lane count; pack() turns them into words of a core's
// widths.  coreParamsFor() sizes a core from the plan, buildCoreImage()
// checks a plan against a given core.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/Json.h"
#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/Files.h"

#include "Addressing.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>

using namespace snnc;
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
Error refuse(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), what);
}

struct Tap {
  int64_t weightOffset, currentOffset;
};
struct ListHead {
  int64_t start, count;
};
struct ParamLane {
  int64_t threshold = 0, bias = 0, decay = 0;
};

/// Every memory's contents as integers, for `lanes` lanes.
struct Plan {
  int64_t lanes = 1;
  std::vector<std::vector<uint32_t>> pops, projs; // descriptor words
  std::vector<std::vector<int8_t>> weights;       // lanes per word
  std::vector<std::vector<ParamLane>> params;     // lanes per word
  std::vector<ListHead> rowIdx, colIdx;
  std::vector<Tap> rowTaps, colTaps;
  int64_t stateWords = 0, currentWords = 0, eventWords = 0, readoutWords = 0;
  int64_t cacheWords = 0;           // input-current cache (direct encoding)
  int64_t slotWords = 0;            // spike-merging slots: one pooled row
  bool merges = false;              // some population merges its pooled spikes
  std::vector<int64_t> inputWindow; // the host merges input events over it
  int64_t maxChannel = 0, maxCoord = 1, valueBits = 2;
  int64_t currentBits = 2;   // stored current width the network needs
  int64_t subtractReset = 0; // 1: a population resets by subtract
  int64_t stateBits = 0, decayBits = 0;
  int64_t maxReadoutBias = 0;
  uint64_t worstCase = 0;
};

int64_t bitsFor(int64_t value) {
  return value < 2 ? 1 : int64_t(llvm::Log2_64_Ceil(uint64_t(value) + 1));
}

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
/// every consumer uses, if they all pool the same way; none otherwise.
/// LIF populations merge in snn_merge, the input on the host.
std::vector<std::vector<int64_t>> mergeWindows(const CoreNetwork &net) {
  std::vector<std::vector<int64_t>> windows(net.populations.size());
  for (size_t i = 0; i < net.populations.size(); ++i) {
    if (net.populations[i].kind == PopulationKind::Readout)
      continue;
    std::optional<std::vector<int64_t>> common;
    bool same = true;
    for (const CoreProjection &p : net.projections) {
      if (p.source != int(i))
        continue;
      if (common && *common != p.inputPool)
        same = false;
      common = p.inputPool;
    }
    if (same && common && !common->empty() && (*common)[0] * (*common)[1] > 1)
      windows[i] = *common;
  }
  return windows;
}

/// A bound on every current of the network: per target population, the
/// sum over its projections of the largest fan-in sum of |weight| times the
/// largest event value times the events one address can receive per step
/// (a pooling window: merged, one event worth up to the window; unmerged,
/// the window's events).  Saturates at 2^40, far past the 32-bit limit.
uint64_t currentBound(const CoreNetwork &net) {
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
    uint64_t window = 1;
    for (int64_t w : p.inputPool)
      window = mul(window, uint64_t(std::max<int64_t>(1, w)));
    uint64_t &total = perPop[p.target];
    total = std::min(cap, total + mul(mul(fanIn, value), window));
  }
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

Expected<Plan> plan(const CoreNetwork &net, int64_t lanes, bool merge) {
  Plan plan;
  plan.lanes = lanes;
  plan.valueBits = std::max<int64_t>(2, net.input.bits);
  std::vector<std::vector<int64_t>> windows(net.populations.size());
  if (merge)
    windows = mergeWindows(net);
  uint64_t worst = 0;
  for (size_t i = 0; i < net.populations.size(); ++i) {
    const CorePopulation &pop = net.populations[i];
    Geometry g(pop.shape);
    plan.maxChannel = std::max(plan.maxChannel, g.c - 1);
    plan.maxCoord = std::max({plan.maxCoord, g.h, g.w});
    int64_t groups = groupsOf(g.c, lanes), words = g.h * g.w * groups;
    std::vector<uint32_t> desc(bus::DescWords, 0);
    desc[bus::PopKind] = uint32_t(pop.kind);
    desc[bus::PopGroups] = uint32_t(groups);
    desc[bus::PopLastLanes] = uint32_t(g.c - (groups - 1) * lanes);
    desc[bus::PopHeight] = uint32_t(g.h);
    desc[bus::PopWidth] = uint32_t(g.w);
    desc[bus::PopFlags] = uint32_t(pop.reset == numerics::Reset::Soft)
                              << bus::PopFlagSoftReset |
                          uint32_t(pop.reset == numerics::Reset::Subtract)
                              << bus::PopFlagSubtractReset |
                          uint32_t(pop.fireGe) << bus::PopFlagFireGe;
    if (pop.reset == numerics::Reset::Subtract)
      plan.subtractReset = 1;
    // Spikes in one window of the consumers' pooling become one event.
    const std::vector<int64_t> &window = windows[i];
    int64_t wy = window.empty() ? 1 : window[0];
    int64_t wx = window.empty() ? 1 : window[1];
    desc[bus::PopPoolY] = uint32_t(wy);
    desc[bus::PopPoolX] = uint32_t(wx);
    desc[bus::PopPooledH] = uint32_t(g.h / wy);
    desc[bus::PopPooledW] = uint32_t(g.w / wx);
    if (!window.empty() && pop.kind == PopulationKind::Input) {
      // Merged on the host: a window's graded values add up.
      plan.inputWindow = window;
      plan.merges = true;
      int64_t level = (int64_t(1) << (net.input.bits - 1)) - 1;
      plan.valueBits = std::max(plan.valueBits, bitsFor(wy * wx * level) + 1);
    } else if (!window.empty()) {
      desc[bus::PopFlags] |= 1u << bus::PopFlagMerge;
      plan.merges = true;
      plan.slotWords = std::max(plan.slotWords, (g.w / wx) * groups);
      plan.valueBits = std::max(plan.valueBits, bitsFor(wy * wx) + 1);
    }
    if (pop.kind != PopulationKind::Readout) {
      desc[bus::PopEventBase] = uint32_t(plan.eventWords);
      plan.eventWords += g.c * g.h * g.w;
    }
    if (pop.kind != PopulationKind::Input) {
      plan.currentWords = std::max(plan.currentWords, words);
      desc[bus::PopParamBase] = uint32_t(plan.params.size());
      for (int64_t gi = 0; gi < groups; ++gi) {
        std::vector<ParamLane> word(lanes);
        for (int64_t l = 0; l < lanes && gi * lanes + l < g.c; ++l) {
          int64_t c = gi * lanes + l;
          word[l].bias = pop.bias[c];
          if (pop.kind == PopulationKind::LIF)
            word[l] = {pop.threshold[c], pop.bias[c], pop.decay[c]};
          else
            plan.maxReadoutBias =
                std::max(plan.maxReadoutBias, std::abs(pop.bias[c]));
        }
        plan.params.push_back(std::move(word));
      }
      worst += uint64_t(words) * uint64_t(lanes + 1) + 64;
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
    if (pop.kind == PopulationKind::Readout)
      plan.readoutWords = words;
    plan.pops.push_back(std::move(desc));
  }
  for (size_t j = 0; j < net.projections.size(); ++j) {
    const CoreProjection &p = net.projections[j];
    Geometry src(net.populations[p.source].shape);
    Geometry dst(net.populations[p.target].shape);
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

/// Little-endian bit packing into 32-bit slices.
class WordPacker {
public:
  explicit WordPacker(int64_t width) : slices((width + 31) / 32, 0) {}
  void put(int64_t value, int64_t bits) {
    for (int64_t b = 0; b < bits; ++b, ++pos)
      if ((uint64_t(value) >> b) & 1)
        slices[pos / 32] |= uint32_t(1) << (pos % 32);
  }
  std::vector<uint32_t> take() { return std::move(slices); }

private:
  std::vector<uint32_t> slices;
  int64_t pos = 0;
};

MemoryImage pack(llvm::StringRef name, uint32_t region, int64_t width,
                 size_t count,
                 llvm::function_ref<void(size_t, WordPacker &)> fill) {
  MemoryImage image{name.str(), region, width, {}};
  for (size_t i = 0; i < count; ++i) {
    WordPacker packer(width);
    fill(i, packer);
    image.words.push_back(packer.take());
  }
  return image;
}

} // namespace

int64_t CoreParams::addressBits(int64_t depth) {
  return depth > 1 ? int64_t(llvm::Log2_64_Ceil(uint64_t(depth))) : 1;
}

std::vector<std::pair<std::string, int64_t>>
CoreParams::verilogParameters() const {
  return {{"Lanes", lanes},
          {"StateBits", stateBits},
          {"DecayBits", decayBits},
          {"ValueBits", valueBits},
          {"ChanBits", chanBits},
          {"CoordBits", coordBits},
          {"MaxPops", maxPops},
          {"MaxProjs", maxProjs},
          {"WeightDepth", weightDepth},
          {"ParamDepth", paramDepth},
          {"StateDepth", stateDepth},
          {"CurrentDepth", currentDepth},
          {"EventDepth", eventDepth},
          {"RowIdxDepth", rowIdxDepth},
          {"RowTapDepth", rowTapDepth},
          {"ColIdxDepth", colIdxDepth},
          {"ColTapDepth", colTapDepth},
          {"ReadoutWords", readoutWords},
          {"CacheDepth", cacheDepth},
          {"SlotDepth", slotDepth},
          {"CurrentBits", currentBits},
          {"SubtractReset", subtractReset}};
}

llvm::json::Value CoreParams::toJson() const {
  llvm::json::Object object;
  for (auto &[name, value] : verilogParameters())
    object[name] = value;
  return object;
}

Expected<CoreParams> CoreParams::fromJson(const llvm::json::Value &value) {
  const llvm::json::Object *object = value.getAsObject();
  if (!object)
    return refuse("a core description is a JSON object");
  std::vector<int64_t> values;
  for (auto &[name, unused] : CoreParams().verilogParameters()) {
    std::optional<int64_t> v = object->getInteger(name);
    // Descriptions written before the subtract reset existed lack it.
    if (!v && name == "SubtractReset")
      v = 0;
    if (!v)
      return refuse(
          formatv("the core description lacks the integer '{0}'", name));
    values.push_back(*v);
  }
  return fromValues(values);
}

Expected<CoreParams> CoreParams::fromValues(llvm::ArrayRef<int64_t> values) {
  CoreParams params;
  int64_t *fields[] = {
      &params.lanes,        &params.stateBits,   &params.decayBits,
      &params.valueBits,    &params.chanBits,    &params.coordBits,
      &params.maxPops,      &params.maxProjs,    &params.weightDepth,
      &params.paramDepth,   &params.stateDepth,  &params.currentDepth,
      &params.eventDepth,   &params.rowIdxDepth, &params.rowTapDepth,
      &params.colIdxDepth,  &params.colTapDepth, &params.readoutWords,
      &params.cacheDepth,   &params.slotDepth,   &params.currentBits,
      &params.subtractReset};
  if (values.size() != std::size(fields))
    return refuse(formatv("{0} core parameters, expected {1}", values.size(),
                          std::size(fields)));
  for (size_t i = 0; i < values.size(); ++i)
    *fields[i] = values[i];
  if (Error err = params.validate())
    return std::move(err);
  return params;
}

Expected<CoreParams> CoreParams::readFile(llvm::StringRef path) {
  if (Error err = requireRegularFile(path))
    return std::move(err);
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return refuse(formatv("{0}: {1}", path, buffer.getError().message()));
  auto json = snnc::parseJson((*buffer)->getBuffer());
  if (!json)
    return refuse(formatv("{0}: {1}", path, llvm::toString(json.takeError())));
  auto params = fromJson(*json);
  if (!params)
    return refuse(
        formatv("{0}: {1}", path, llvm::toString(params.takeError())));
  return params;
}

/// The largest value of a core parameter (with `lanes` lanes) and why: a
/// host-written memory or table is a bus region, whose word count must
/// fit bus::MaxRegionWords (snn_board's RegionWords are emitted from
/// them); the other memories are bounded at 2^24 words.
static std::pair<int64_t, std::string>
parameterBound(llvm::StringRef name, int64_t lanes, bool regions) {
  const int64_t region = bus::MaxRegionWords;
  if (!regions)
    return {int64_t(1) << 24, ""};
  static const llvm::StringRef memories[] = {
      "WeightDepth", "ParamDepth",  "EventDepth", "RowIdxDepth",
      "RowTapDepth", "ColIdxDepth", "ColTapDepth"};
  if (name == "MaxPops" || name == "MaxProjs")
    return {region / bus::DescWords,
            formatv(" ({0} descriptor words each in a bus region of {1} "
                    "words)",
                    bus::DescWords, region)
                .str()};
  if (name == "ReadoutWords")
    return {
        region / lanes,
        formatv(" (x {0} lanes in a bus region of {1} words)", lanes, region)
            .str()};
  if (llvm::is_contained(memories, name))
    return {region, " (the words of a bus region)"};
  return {int64_t(1) << 24, ""};
}

/// CoreParams::validate; without `regions`, the bus regions' bounds are
/// left out (coreParamsFor: compile reports the memories of a network too
/// large for the bus, which every command that builds its core refuses).
static Error checkParams(const CoreParams &p, bool regions) {
  if (p.lanes < 1 || p.lanes > 8 || !llvm::isPowerOf2_64(uint64_t(p.lanes)))
    return refuse(formatv("the core has 1, 2, 4 or 8 lanes, not {0}", p.lanes));
  if (p.stateBits < 4 || p.stateBits > 32 || p.decayBits < 0 ||
      p.decayBits > 16)
    return refuse("the core's state width is 4..32 bits, its decay width "
                  "0..16 bits");
  if (p.currentBits < 2 || p.currentBits > 32)
    return refuse("the core's stored currents are 2..32 bits");
  if (p.valueBits < 2 || p.valueBits > 24 || p.chanBits > 16 ||
      p.coordBits > 16)
    return refuse("the core's event fields are at most 24-bit values and "
                  "16-bit channels and coordinates");
  if (p.subtractReset != 0 && p.subtractReset != 1)
    return refuse("core parameter SubtractReset is 0 or 1");
  for (auto &[name, value] : p.verilogParameters()) {
    // SlotDepth 0: a core without merge slots (no population's spikes
    // merge); SubtractReset 0: a core without the subtract reset.
    int64_t low = name == "SlotDepth" || name == "SubtractReset" ? 0 : 1;
    auto [high, why] = parameterBound(name, p.lanes, regions);
    if (value < low || value > high)
      return refuse(formatv("core parameter {0} = {1} is out of range: "
                            "{2}..{3}{4}",
                            name, value, low, high, why));
  }
  int64_t widest =
      std::max({p.paramLaneBits() * p.lanes, 8 * p.lanes, p.eventBits(),
                p.tapBits(), p.rowTapAW() + 8, p.colTapAW() + 8});
  if (widest > 32 * int64_t(bus::MaxSlices))
    return refuse(formatv("a {0}-bit memory word is wider than the bus can "
                          "write ({1} bits)",
                          widest, 32 * bus::MaxSlices));
  return Error::success();
}

Error CoreParams::validate() const {
  return checkParams(*this, /*regions=*/true);
}

Expected<CoreParams> snnc::coreParamsFor(const CoreNetwork &network,
                                         int64_t lanes) {
  CoreParams probe;
  probe.lanes = lanes;
  if (Error err = probe.validate())
    return std::move(err);
  auto p = plan(network, lanes, /*merge=*/true);
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
  if (Error err = checkParams(params, /*regions=*/false))
    return std::move(err);
  return params;
}

/// Every limit of the core the plan must respect, with the message users see.
static Error checkPlan(const Plan &p, const CoreNetwork &net,
                       const CoreParams &c) {
  auto over = [](llvm::StringRef what, int64_t need, int64_t have) {
    return refuse(formatv("the network needs {0} {1}; the core has {2}", need,
                          what, have));
  };
  struct Limit {
    const char *what;
    int64_t need, have;
  } limits[] = {
      {"populations", int64_t(p.pops.size()), c.maxPops},
      {"projections", int64_t(p.projs.size()), c.maxProjs},
      {"weight words", int64_t(p.weights.size()), c.weightDepth},
      {"parameter words", int64_t(p.params.size()), c.paramDepth},
      {"state words", p.stateWords, c.stateDepth},
      {"current words", p.currentWords, c.currentDepth},
      {"event words", p.eventWords, c.eventDepth},
      {"row index entries", int64_t(p.rowIdx.size()), c.rowIdxDepth},
      {"row taps", int64_t(p.rowTaps.size()), c.rowTapDepth},
      {"column index entries", int64_t(p.colIdx.size()), c.colIdxDepth},
      {"column taps", int64_t(p.colTaps.size()), c.colTapDepth},
      {"readout words", p.readoutWords, c.readoutWords},
      {"channel bits", bitsFor(p.maxChannel), c.chanBits},
      {"coordinate bits", bitsFor(p.maxCoord), c.coordBits},
      {"event value bits", p.valueBits, c.valueBits},
      {"bits of stored current", p.currentBits, c.currentBits},
      {"subtract-reset neurons (SubtractReset)", p.subtractReset,
       c.subtractReset},
  };
  for (const Limit &limit : limits)
    if (limit.need > limit.have)
      return over(limit.what, limit.need, limit.have);
  if (p.stateBits && (p.stateBits != c.stateBits || p.decayBits != c.decayBits))
    return refuse(formatv("the network has {0}-bit state and {1}-bit decay; "
                          "the core has {2} and {3}",
                          p.stateBits, p.decayBits, c.stateBits, c.decayBits));
  if (p.maxReadoutBias > (int64_t(1) << (c.stateBits - 1)) - 1)
    return refuse(formatv("readout '{0}': a bias does not fit the core's "
                          "{1}-bit parameter field",
                          net.populations[net.readout].name, c.stateBits));
  return Error::success();
}

Expected<CoreImage> snnc::buildCoreImage(const CoreNetwork &network,
                                         const CoreParams &params) {
  if (Error err = params.validate())
    return std::move(err);
  auto p = plan(network, params.lanes, /*merge=*/true);
  if (!p)
    return p.takeError();
  // Merging pooled spikes only saves work: a core without the slots (or
  // the event value bits) for it runs the network unmerged.
  if (p->merges &&
      (p->slotWords > params.slotDepth || p->valueBits > params.valueBits)) {
    p = plan(network, params.lanes, /*merge=*/false);
    if (!p)
      return p.takeError();
  }
  if (Error err = checkPlan(*p, network, params))
    return std::move(err);
  // The cache only saves work: without room for it, the input is delivered
  // at every step instead.
  bool caches = p->cacheWords > 0 && p->cacheWords <= params.cacheDepth;
  if (!caches) {
    for (auto &d : p->projs)
      d[bus::ProjCached] = 0;
    for (auto &d : p->pops) {
      d[bus::PopFlags] &= ~(1u << bus::PopFlagCached);
      d[bus::PopCacheBase] = 0;
    }
  }
  CoreImage image;
  image.params = params;
  image.numPops = int64_t(p->pops.size());
  for (auto &d : p->pops)
    image.popDescriptors.insert(image.popDescriptors.end(), d.begin(), d.end());
  for (auto &d : p->projs)
    image.projDescriptors.insert(image.projDescriptors.end(), d.begin(),
                                 d.end());
  int64_t lanes = params.lanes, s = params.stateBits;
  image.weights = pack("weights", bus::RegionWeight, 8 * lanes,
                       p->weights.size(), [&](size_t i, WordPacker &w) {
                         for (int8_t v : p->weights[i])
                           w.put(v, 8);
                       });
  image.channelParams =
      pack("params", bus::RegionParam, params.paramLaneBits() * lanes,
           p->params.size(), [&](size_t i, WordPacker &w) {
             for (const ParamLane &l : p->params[i]) {
               w.put(l.threshold, s);
               w.put(l.bias, s);
               w.put(l.decay, params.decayBits + 1);
             }
           });
  auto packIndex = [&](llvm::StringRef name, uint32_t region,
                       const std::vector<ListHead> &heads, int64_t aw) {
    return pack(name, region, aw + 8, heads.size(),
                [&](size_t i, WordPacker &w) {
                  w.put(heads[i].start, aw);
                  w.put(heads[i].count, 8);
                });
  };
  auto packTaps = [&](llvm::StringRef name, uint32_t region,
                      const std::vector<Tap> &taps) {
    return pack(name, region, params.tapBits(), taps.size(),
                [&](size_t i, WordPacker &w) {
                  w.put(taps[i].currentOffset, params.currentAW());
                  w.put(taps[i].weightOffset, params.weightAW());
                });
  };
  image.rowIdx =
      packIndex("row_idx", bus::RegionRowIdx, p->rowIdx, params.rowTapAW());
  image.colIdx =
      packIndex("col_idx", bus::RegionColIdx, p->colIdx, params.colTapAW());
  image.rowTaps = packTaps("row_taps", bus::RegionRowTap, p->rowTaps);
  image.colTaps = packTaps("col_taps", bus::RegionColTap, p->colTaps);
  image.cachesInput = caches;
  image.mergesPooledSpikes = p->merges;
  image.inputWindow = p->inputWindow;
  image.worstCaseStepCycles = p->worstCase;
  return image;
}

std::vector<BusWrite> snnc::configurationWrites(const CoreImage &image) {
  std::vector<BusWrite> writes;
  writes.push_back({bus::address(bus::RegionCtrl, bus::CtrlNumPops),
                    uint32_t(image.numPops)});
  for (size_t i = 0; i < image.popDescriptors.size(); ++i)
    writes.push_back(
        {bus::address(bus::RegionPop, uint32_t(i)), image.popDescriptors[i]});
  for (size_t i = 0; i < image.projDescriptors.size(); ++i)
    writes.push_back(
        {bus::address(bus::RegionProj, uint32_t(i)), image.projDescriptors[i]});
  for (const MemoryImage *memory : image.memories())
    for (size_t w = 0; w < memory->words.size(); ++w)
      for (size_t s = 0; s < memory->words[w].size(); ++s)
        writes.push_back(
            {bus::address(memory->region, uint32_t(w), uint32_t(s)),
             memory->words[w][s]});
  return writes;
}

std::vector<uint32_t> snnc::encodeEventWord(const CoreParams &params, int64_t c,
                                            int64_t y, int64_t x,
                                            int64_t value) {
  WordPacker packer(params.eventBits());
  packer.put(x, params.coordBits);
  packer.put(y, params.coordBits);
  packer.put(c, params.chanBits);
  packer.put(value, params.valueBits);
  return packer.take();
}

std::vector<CoreMemory> snnc::coreMemories(const CoreParams &p) {
  // The widths of hw/rtl/snn_core.sv, snn_merge.sv and snn_perf.sv.
  int64_t eventAW = CoreParams::addressBits(p.eventDepth);
  int64_t popAW = CoreParams::addressBits(p.maxPops);
  // {tag, event index, count}
  int64_t slotEntry = popAW + 16 + p.coordBits + eventAW + p.valueBits;
  // snn_core's descriptor RAM holds its widest field.
  auto bits = [](int64_t depth) { return CoreParams::addressBits(depth); };
  int64_t fieldBits =
      std::max<int64_t>({4, p.currentAW(), bits(p.stateDepth),
                         bits(p.paramDepth), eventAW, bits(p.cacheDepth),
                         p.weightAW(), bits(p.rowIdxDepth), bits(p.colIdxDepth),
                         p.coordBits, bits(p.maxProjs) + 1, bits(p.lanes + 1)});
  using SinglePort = CoreMemory::SinglePort;
  std::vector<CoreMemory> memories{
      {"weights", 8 * p.lanes, p.weightDepth, SinglePort::AsIs, "WeightSpram"},
      {"per-channel parameters", p.paramLaneBits() * p.lanes, p.paramDepth},
      {"neuron state", (p.stateBits + 1) * p.lanes, p.stateDepth,
       SinglePort::Banked, "StateSpram"},
      {"currents", p.currentBits * p.lanes, p.currentDepth},
      {"input-current cache", p.currentBits * p.lanes, p.cacheDepth},
      {"events", p.eventBits(), p.eventDepth, SinglePort::AsIs, "EventSpram"},
      {"row tap lists", p.tapBits(), p.rowTapDepth},
      {"column tap lists", p.tapBits(), p.colTapDepth},
      {"row tap index", p.rowTapAW() + 8, p.rowIdxDepth},
      {"column tap index", p.colTapAW() + 8, p.colIdxDepth},
      {"merge slots", slotEntry * p.lanes, p.slotDepth},
      {"readout accumulators", int64_t(bus::ReadoutBits) * p.lanes,
       p.readoutWords},
      {"SOP counts", 32, p.maxProjs},
      {"descriptors", fieldBits,
       (p.maxPops + p.maxProjs) * int64_t(bus::DescWords)}};
  // A memory of no words is not built (SlotDepth 0).
  llvm::erase_if(memories, [](const CoreMemory &m) { return m.depth == 0; });
  return memories;
}
