//===- Session.h - the host API: run compiled packages on a device -*- C++
//-*-===//
//
// The entry point for applications.  A Session holds one compiled network
// (a .snnpkg) loaded onto one device and runs inferences on it:
//
//   auto session = snnc::Session::open("model.snnpkg");          // golden
//   auto board = snnc::Session::open(
//       "model.snnpkg", snnc::Device::board("/dev/ttyUSB1"));    // a board
//   auto rtl = snnc::Session::open(
//       "model.snnpkg", snnc::sim::rtlDevice());   // Verilator (snnc::sim)
//   if (!session) ...;                        // llvm::Error says why
//   auto scores = session->infer(images);     // [N, K], mean over T
//
// Every device runs the same integer network bit for bit; they differ in
// what they cost and what they report (stats()).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_SESSION_H
#define SNNC_RUNTIME_SESSION_H

#include "snnc/Runtime/CoreEngine.h"
#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/Engine.h"
#include "snnc/Runtime/GoldenEngine.h"
#include "snnc/Runtime/SerialBus.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <optional>

namespace snnc {

/// Where a Session runs its network: a name and how to open it there.
class Device {
public:
  using Opener = std::function<llvm::Expected<std::unique_ptr<Engine>>(
      CoreNetwork network)>;
  Device(std::string name, Opener open)
      : deviceName(std::move(name)), opener(std::move(open)) {}

  /// The golden engine: the bit-exact software model of the core.
  static Device golden();
  /// A board on a serial port (or `snnc board-sim`'s pseudo-terminal).
  static Device board(std::string port, int64_t baud = 3000000);
  static Device board(const LinkOptions &options);

  const std::string &name() const { return deviceName; }
  llvm::Expected<std::unique_ptr<Engine>> open(CoreNetwork network) const {
    return opener(std::move(network));
  }

private:
  std::string deviceName;
  Opener opener;
};

class Session {
public:
  /// Loads and validates a package and attaches it to a device.
  static llvm::Expected<Session> open(llvm::StringRef packagePath,
                                      const Device &device = Device::golden());
  /// Attaches an in-memory network (validated) to a device.
  static llvm::Expected<Session>
  create(CoreNetwork network, const Device &device = Device::golden());

  /// Runs `input` ([N, ...] direct, [T, N, ...] events) for `timesteps`
  /// steps (default: the package's); returns [N, K] readout means.
  llvm::Expected<NDArray>
  infer(const NDArray &input, std::optional<int64_t> timesteps = std::nullopt);

  /// Argmax of each row of infer()'s result.
  static std::vector<int64_t> classes(const NDArray &scores);

  const CoreNetwork &network() const { return net; }
  const std::string &deviceName() const { return device; }
  /// What every inference so far did on the device, as JSON: golden:
  /// spikes and synaptic ops per layer; rtl and board: cycles, synaptic
  /// ops, spikes, and a board's link (frames, retransmissions).
  llvm::json::Value stats() const { return engine->statsJson(); }
  /// The golden engine's activity; null on other devices.
  const RunStats *goldenStats() const;
  /// Runs the samples of each infer() on `count` threads (golden; other
  /// devices run one sample at a time and ignore it).
  void setThreads(int64_t count);
  /// Keeps every spike of every population from now on (golden and rtl:
  /// which neuron, when; a board reports only counts, so it refuses).
  llvm::Error recordSpikes(bool on);
  /// The spikes recorded so far (samples numbered across infer calls).
  const std::vector<SpikeRecord> &spikes() const;

private:
  Session() = default;
  CoreNetwork net;
  FloatGraph signature;
  std::string device;
  std::unique_ptr<Engine> engine;
};

} // namespace snnc

#endif // SNNC_RUNTIME_SESSION_H
