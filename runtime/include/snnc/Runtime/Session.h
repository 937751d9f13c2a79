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
//   auto any = snnc::Device::parse("board:/dev/ttyUSB1@3000000");
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

#include "llvm/ADT/ArrayRef.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <optional>

namespace snnc {

/// How a device is set up beyond its spec; each field is for the devices
/// that use it.
struct DeviceOptions {
  /// board: the port when the spec names none (`board`), the baud rate
  /// when it names none, and the reply timeout.
  LinkOptions link;
  /// rtl, board: cycles one step may take before a run fails (0: the
  /// image's worst case at full activity).
  uint64_t cycleBudget = 0;
  /// rtl: lanes of the core (0: the network's mapping, at most 8), a
  /// waveform to write, snnc's build cache, an already emitted core.
  int64_t lanes = 0;
  std::string vcdPath, cacheDir;
  std::optional<CoreParams> core;
};

/// Where a Session runs its network: a kind ("golden", "rtl", "board"), a
/// name for messages ("board /dev/ttyUSB1") and how to open it there.
class Device {
public:
  using Opener = std::function<llvm::Expected<std::unique_ptr<Engine>>(
      CoreNetwork network)>;
  Device(std::string kind, std::string name, Opener open)
      : deviceKind(std::move(kind)), deviceName(std::move(name)),
        opener(std::move(open)) {}

  /// The one grammar of a device, shared by the CLI, Python and the
  /// examples: `golden`, `rtl`, `board:PORT[@BAUD]`, or `board` for the
  /// port in `options.link`.  Errors say what is known.
  static llvm::Expected<Device> parse(llvm::StringRef spec,
                                      const DeviceOptions &options = {});
  /// How parse() makes a device of a kind that lives in another library
  /// (snnc::sim::registerRtlDevice adds "rtl").
  using Factory = std::function<Device(const DeviceOptions &options)>;
  static void registerKind(llvm::StringRef kind, Factory factory);

  /// The golden engine: the bit-exact software model of the core.
  static Device golden();
  /// A board on a serial port (or `snnc board-sim`'s pseudo-terminal).
  static Device board(std::string port, int64_t baud = 3000000);
  static Device board(const LinkOptions &options, uint64_t cycleBudget = 0);

  const std::string &kind() const { return deviceKind; }
  const std::string &name() const { return deviceName; }
  llvm::Expected<std::unique_ptr<Engine>> open(CoreNetwork network) const {
    return opener(std::move(network));
  }

private:
  std::string deviceKind, deviceName;
  Opener opener;
};

/// Classification accuracy of [N, K] scores against N labels.
struct Accuracy {
  int64_t correct = 0, total = 0;
  double percent() const { return total ? 100.0 * correct / total : 0.0; }
};

/// The input values outside a model's input range: the integer engines'
/// encoder clamps what it cannot represent (docs/numerics.md), so inputs
/// on another scale (0..255 for a model compiled for 0..1) lose accuracy
/// silently unless counted.
struct OutOfRange {
  int64_t outside = 0, total = 0;
  InputRange range;
  /// "61.2% of the input values are outside the model's input range
  /// [0, 1] ...", the same words from the CLI and from Python.
  std::string message() const;
};

/// Counts the values of `input` outside `range` (infer() refuses NaN).
OutOfRange countOutOfRange(const NDArray &input, const InputRange &range);

class Session {
public:
  /// Loads a package (validated as it is read) onto a device.
  static llvm::Expected<Session> open(llvm::StringRef packagePath,
                                      const Device &device = Device::golden());
  /// Validates an in-memory network and attaches it to a device.
  static llvm::Expected<Session>
  create(CoreNetwork network, const Device &device = Device::golden());
  /// An engine made elsewhere (the float reference of snnc/Runtime/
  /// FloatEngine.h), whose inputs `signature` describes.
  static Session attach(std::unique_ptr<Engine> engine, FloatGraph signature,
                        std::string kind);

  /// Runs `input` ([N, ...] direct, [T, N, ...] events) for `timesteps`
  /// steps (default: the package's); returns [N, K] readout means.  Refuses
  /// an input that does not match the network, a run over the memory or
  /// work limits (snnc/Runtime/Limits.h) and non-finite scores.  Errors
  /// name the input `inputName` (its file) and count samples from
  /// `firstSample` (a chunk of a longer input starts there).
  llvm::Expected<NDArray> infer(const NDArray &input,
                                std::optional<int64_t> timesteps = std::nullopt,
                                llvm::StringRef inputName = "input",
                                int64_t firstSample = 0);
  /// The raw input range the model was compiled for: the package's (none
  /// for a package written before it was recorded), or what the float
  /// reference's creator sets.
  const std::optional<InputRange> &inputRange() const { return range; }
  void setInputRange(std::optional<InputRange> r) { range = r; }
  /// The values of `input` outside inputRange(); none without a range.
  std::optional<OutOfRange> checkInputRange(const NDArray &input) const;
  /// Argmax of each row of infer()'s result.
  static std::vector<int64_t> classes(const NDArray &scores);
  /// How many of infer()'s classes match `labels` (each a class of the
  /// model).
  static llvm::Expected<Accuracy> accuracy(const NDArray &scores,
                                           llvm::ArrayRef<int64_t> labels);

  /// The network (empty for an attached float engine).
  const CoreNetwork &network() const { return net; }
  /// What the inputs must look like.
  const FloatGraph &signature() const { return inputs; }
  /// "float", "golden", "rtl" or "board", and the device's full name.
  const std::string &deviceKind() const { return kind; }
  const std::string &deviceName() const { return device; }
  /// What every inference so far did on the device, as JSON: golden:
  /// spikes and synaptic ops per layer; rtl and board: cycles, synaptic
  /// ops, spikes, and a board's link (frames, retransmissions).
  llvm::json::Value stats() const { return engine->statsJson(); }
  /// The golden engine's activity per layer; null on other devices.
  const RunStats *goldenStats() const { return engine->activity(); }
  /// A core's cycles (rtl, board); null on other devices.
  const CoreRunStats *coreStats() const { return engine->coreStats(); }
  /// A board's link counters; null on other devices.
  const LinkStats *linkStats() const { return engine->linkStats(); }
  /// Runs the samples of each infer() on `count` threads (golden; other
  /// devices run one sample at a time and ignore it).
  void setThreads(int64_t count) { engine->setThreads(count); }
  /// Keeps every spike of every population from now on (golden and rtl:
  /// which neuron, when; a board reports only counts, so it refuses).
  llvm::Error recordSpikes(bool on);
  /// The spikes recorded so far (samples numbered across infer calls).
  const std::vector<SpikeRecord> &spikes() const { return engine->spikes(); }
  /// Hands them over and keeps recording afresh.
  std::vector<SpikeRecord> takeSpikes() { return engine->takeSpikes(); }

private:
  Session() = default;
  static llvm::Expected<Session> attachNetwork(CoreNetwork network,
                                               const Device &device);
  CoreNetwork net;
  FloatGraph inputs;
  std::optional<InputRange> range;
  std::string kind, device;
  std::unique_ptr<Engine> engine;
};

} // namespace snnc

#endif // SNNC_RUNTIME_SESSION_H
