//===- RandomNetwork.h - random valid core networks for testing -*- C++ -*-===//
#ifndef SNNC_TESTS_SIM_RANDOMNETWORK_H
#define SNNC_TESTS_SIM_RANDOMNETWORK_H

#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/NDArray.h"

#include <cstdint>
#include <string>

namespace snnc::randomnet {

/// A random network that passes validateNetwork and fits `core`: conv
/// (kernels, strides, pads, dilations), dense and one-to-one projections,
/// input pooling (including windows that do not divide the input; sums,
/// and max pools of spikes where a population's readers pool alike),
/// residual projections into one population, direct or events encoding,
/// 2..8-bit weights and inputs, random thresholds, biases, decays, resets
/// and firing modes; on cores with ReadoutModes, readouts by a LIF layer's
/// membranes and of the last step.  The same seed gives the same network.
CoreNetwork randomNetwork(uint64_t seed, const CoreParams &core);

/// `samples` random inputs for `network`: [N, C, H, W] for direct
/// encoding, [T, N, C, H, W] for events.
NDArray randomInputs(uint64_t seed, const CoreNetwork &network,
                     int64_t samples);

/// One line per population and projection, for failure messages.
std::string describe(const CoreNetwork &network);

} // namespace snnc::randomnet

#endif // SNNC_TESTS_SIM_RANDOMNETWORK_H
