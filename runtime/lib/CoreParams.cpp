//===- CoreParams.cpp - the parameters of one build of snn_core -----------===//
//
// CoreParams' Verilog parameters, JSON and bounds.  Every list of the
// parameters iterates SNNC_CORE_PARAMS, generated from snn_core.sv.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/CoreParams.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Json.h"

#include "CoreLayout.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using snnc::layout::refuse;

int64_t CoreParams::addressBits(int64_t depth) {
  return depth > 1 ? int64_t(llvm::Log2_64_Ceil(uint64_t(depth))) : 1;
}

std::vector<std::pair<std::string, int64_t>>
CoreParams::verilogParameters() const {
  return {
#define SNNC_CORE_PARAM_PAIR(field, name, value) {#name, field},
      SNNC_CORE_PARAMS(SNNC_CORE_PARAM_PAIR)
#undef SNNC_CORE_PARAM_PAIR
  };
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
    if (!v &&
        (name == "SubtractReset" || name == "PoolCurrents" ||
         name == "ReadoutModes" || name == "NarrowSweep" || name == "StandIns"))
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
#define SNNC_CORE_PARAM_ADDRESS(field, name, value) &params.field,
      SNNC_CORE_PARAMS(SNNC_CORE_PARAM_ADDRESS)
#undef SNNC_CORE_PARAM_ADDRESS
  };
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
Error layout::checkParams(const CoreParams &p, bool regions) {
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
  // Features a core builds or not.
  for (auto [name, value] : {std::pair{"SubtractReset", p.subtractReset},
                             std::pair{"PoolCurrents", p.poolCurrents},
                             std::pair{"ReadoutModes", p.readoutModes},
                             std::pair{"NarrowSweep", p.narrowSweep},
                             std::pair{"StandIns", p.standIns}})
    if (value != 0 && value != 1)
      return refuse(formatv("core parameter {0} is 0 or 1", name));
  if (p.narrowSweep && p.poolCurrents)
    return refuse("a core with a narrow sweep (NarrowSweep) cannot pool "
                  "currents (PoolCurrents)");
  for (auto &[name, value] : p.verilogParameters()) {
    // SlotDepth 0: a core without merge slots (no population's spikes
    // merge); CacheDepth 0: without the input-current cache (the input is
    // delivered at every step); SubtractReset, PoolCurrents and ReadoutModes 0:
    // a core without the subtract reset, the current pooler or the readout
    // modes.
    int64_t low = name == "SlotDepth" || name == "CacheDepth" ||
                          name == "SubtractReset" || name == "PoolCurrents" ||
                          name == "ReadoutModes" || name == "NarrowSweep" ||
                          name == "StandIns"
                      ? 0
                      : 1;
    auto [high, why] = parameterBound(name, p.sweepLanes(), regions);
    if (value < low || value > high)
      return refuse(formatv("core parameter {0} = {1} is out of range: "
                            "{2}..{3}{4}",
                            name, value, low, high, why));
  }
  int64_t widest =
      std::max({p.paramLaneBits() * p.sweepLanes(), 8 * p.lanes, p.eventBits(),
                p.tapBits(), p.rowTapAW() + 8, p.colTapAW() + 8});
  if (widest > 32 * int64_t(bus::MaxSlices))
    return refuse(formatv("a {0}-bit memory word is wider than the bus can "
                          "write ({1} bits)",
                          widest, 32 * bus::MaxSlices));
  return Error::success();
}

Error CoreParams::validate() const {
  return layout::checkParams(*this, /*regions=*/true);
}
