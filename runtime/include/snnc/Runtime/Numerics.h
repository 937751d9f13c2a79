//===- Numerics.h - the integer neuron update of docs/numerics.md -*- C++
//-*-===//
//
// One definition of the LIF neuron update, shared by the golden engine and
// the tests that hold the RTL (hw/rtl/snn_lif_update.sv) to it.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_NUMERICS_H
#define SNNC_RUNTIME_NUMERICS_H

#include <cstdint>

namespace snnc::numerics {

/// What a spike does to the membrane (docs/numerics.md): hard sets it to 0;
/// soft subtracts the threshold before the decay (SpikingJelly), subtract
/// after it (snnTorch).
enum class Reset : uint8_t { Hard, Soft, Subtract };

/// The parameters of one LIF channel.
struct LIFParams {
  int64_t threshold, bias, decay, decayBits, stateBits;
  Reset reset;
  bool fireGe;
};

/// Step 2 of docs/numerics.md for one neuron: the new membrane from the old
/// one, whether it fired in the previous step, and this step's (32-bit)
/// synaptic current.
inline int64_t updateMembrane(int64_t u, bool fired, int32_t current,
                              const LIFParams &p) {
  int64_t r = u, after = 0;
  if (fired && p.reset == Reset::Hard)
    r = 0;
  else if (fired && p.reset == Reset::Soft)
    r -= p.threshold;
  else if (fired)
    after = p.threshold;
  int64_t v =
      ((r * p.decay) >> p.decayBits) - after + int64_t(current) + p.bias;
  int64_t hi = (int64_t(1) << (p.stateBits - 1)) - 1, lo = -hi - 1;
  return v < lo ? lo : (v > hi ? hi : v);
}

/// The firing condition of step 2.
inline bool fires(int64_t u, const LIFParams &p) {
  return p.fireGe ? u >= p.threshold : u > p.threshold;
}

} // namespace snnc::numerics

#endif // SNNC_RUNTIME_NUMERICS_H
