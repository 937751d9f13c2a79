//===- Trace.h - spikes recorded by the engines -----------------*- C++ -*-===//
//
// Every spike of every population at every step, in emission order, so
// that two engines can be compared spike for spike.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_TRACE_H
#define SNNC_RUNTIME_TRACE_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snnc {

struct SpikeRecord {
  int32_t sample = 0, step = 0, population = 0;
  int32_t c = 0, y = 0, x = 0;
  bool operator==(const SpikeRecord &o) const {
    return sample == o.sample && step == o.step && population == o.population &&
           c == o.c && y == o.y && x == o.x;
  }
};

/// The first place two traces differ, described for a test failure; none
/// when they are identical.
std::optional<std::string> firstDifference(const std::vector<SpikeRecord> &a,
                                           const std::vector<SpikeRecord> &b);

} // namespace snnc

#endif // SNNC_RUNTIME_TRACE_H
