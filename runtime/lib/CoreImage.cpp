//===- CoreImage.cpp - a CoreNetwork as the RTL core's memories -----------===//
//
// Layout, phase two (CoreLayout.h has phase one): a plan checked against a
// core and packed into words of its widths, and the bus writes that load
// it.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/CoreImage.h"

#include "CoreLayout.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace snnc;
using namespace snnc::layout;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;

namespace {

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
      {"max pooling of currents (PoolCurrents)", p.poolCurrents,
       c.poolCurrents},
      {"membrane or last-step readouts (ReadoutModes)", p.readoutModes,
       c.readoutModes},
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
  auto p = plan(network, params.lanes, params.sweepLanes(), /*merge=*/true);
  if (!p)
    return p.takeError();
  // Merging pooled spikes only saves work: a core without the slots (or
  // the event value bits) for it runs the network unmerged.
  if (p->merges &&
      (p->slotWords > params.slotDepth || p->valueBits > params.valueBits)) {
    p = plan(network, params.lanes, params.sweepLanes(), /*merge=*/false);
    if (!p)
      return p.takeError();
  }
  if (Error err = checkPlan(*p, network, params))
    return std::move(err);
  if (!params.standIns && layout::needsStandIns(network))
    return refuse("the network has stand-ins for other chips' populations, "
                  "or populations nothing reads; the core is built without "
                  "them (StandIns 0)");
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
  image.channelParams = pack("params", bus::RegionParam,
                             params.paramLaneBits() * params.sweepLanes(),
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
