//===- Session.h - the host API: run compiled packages on a device -*- C++
//-*-===//
//
// The entry point for applications.  A Session holds one compiled network
// (a .snnpkg) loaded onto one device and runs inferences on it:
//
//   auto session = snnc::Session::open("model.snnpkg");
//   if (!session) ...;                        // llvm::Error says why
//   auto scores = session->infer(images);     // [N, K], mean over T
//
// Devices: the golden engine (the bit-exact software model of the core)
// today; the Verilator model of the RTL and FPGA boards plug in behind the
// same interface.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_SESSION_H
#define SNNC_RUNTIME_SESSION_H

#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/GoldenEngine.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <optional>

namespace snnc {

enum class DeviceKind { Golden };

class Session {
public:
  /// Loads and validates a package and attaches it to a device.
  static llvm::Expected<Session> open(llvm::StringRef packagePath,
                                      DeviceKind device = DeviceKind::Golden);
  /// Attaches an in-memory network (validated) to a device.
  static llvm::Expected<Session> create(CoreNetwork network,
                                        DeviceKind device = DeviceKind::Golden);

  /// Runs `input` ([N, ...] direct, [T, N, ...] events) for `timesteps`
  /// steps (default: the package's); returns [N, K] readout means.
  llvm::Expected<NDArray>
  infer(const NDArray &input, std::optional<int64_t> timesteps = std::nullopt);

  /// Argmax of each row of infer()'s result.
  static std::vector<int64_t> classes(const NDArray &scores);

  const CoreNetwork &network() const { return net; }
  /// Activity of every inference so far (spikes, synaptic ops).
  const RunStats &stats() const { return golden->stats(); }

private:
  Session() = default;
  CoreNetwork net;
  FloatGraph signature;
  std::unique_ptr<GoldenEngine> golden;
};

} // namespace snnc

#endif // SNNC_RUNTIME_SESSION_H
