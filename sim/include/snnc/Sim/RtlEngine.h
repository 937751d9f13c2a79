//===- RtlEngine.h - the cycle-accurate engine ------------------*- C++ -*-===//
//
// `--engine rtl`: the network's core is emitted (backends/), built with
// Verilator once per core configuration and cached, and run as a child
// process behind the host bus.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIM_RTLENGINE_H
#define SNNC_SIM_RTLENGINE_H

#include "snnc/Runtime/CoreEngine.h"
#include "snnc/Runtime/Session.h"

#include <optional>
#include <string>

namespace snnc::sim {

struct RtlOptions {
  int64_t lanes = 0;        // 0: the network's mapping, at most 8
  std::string vcdPath;      // non-empty: write a waveform
  std::string cacheDir;     // empty: $SNNC_CACHE_DIR, else ~/.cache/snnc
  uint64_t cycleBudget = 0; // per step; 0: the worst case at full activity
  /// An already emitted core to run on; none: a core sized to the network.
  std::optional<CoreParams> core;
};

/// The rtl fields of a Device's options.
RtlOptions rtlOptions(const DeviceOptions &device);

/// The root of snnc's build cache: `requested`, else $SNNC_CACHE_DIR, else
/// $XDG_CACHE_HOME/snnc or ~/.cache/snnc.
std::string cacheRoot(llvm::StringRef requested);
/// Identifies a build of a core: its parameters, every source, `variant`.
std::string buildKey(const CoreParams &params, llvm::StringRef variant);

/// Builds (or finds in the cache) the simulator of a core; returns the
/// path of its executable.  `tracing` builds it with waveform dumping
/// (slower; a separate cache entry).
llvm::Expected<std::string> buildSimulator(const CoreParams &params,
                                           llvm::StringRef cacheDir,
                                           bool tracing = false);

/// A host bus to a simulator process started from `executable`.
llvm::Expected<std::unique_ptr<CoreBus>>
startSimulator(llvm::StringRef executable, llvm::StringRef vcdPath);

/// The core to run `network` on: the given one (`core`), or one sized to
/// the network with `lanes` lanes (default: the mapper's, at most 8).
llvm::Expected<CoreParams> chooseCore(const CoreNetwork &network,
                                      const RtlOptions &options);

/// The core for `network` (validated: Session::create, readPackage or
/// lowerToCore), built, started and loaded.
llvm::Expected<std::unique_ptr<CoreEngine>>
createRtlEngine(CoreNetwork network, const RtlOptions &options);

/// The rtl device of the host API (Session): the network's core in
/// Verilator, built once per core configuration and cached.
Device rtlDevice(const RtlOptions &options = {});
/// Lets Device::parse make "rtl" devices (from DeviceOptions' lanes,
/// vcdPath, cacheDir, cycleBudget and core).  Idempotent.
void registerRtlDevice();

} // namespace snnc::sim

#endif // SNNC_SIM_RTLENGINE_H
