//===- Session.cpp - the host API -----------------------------------------===//
#include "snnc/Runtime/Session.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Package.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>

using namespace snnc;
using llvm::Expected;
using llvm::StringRef;

static llvm::Error deviceError(const llvm::Twine &what) {
  return makeError<DeviceError>(what);
}

//===----------------------------------------------------------------------===//
// Devices
//===----------------------------------------------------------------------===//

Device Device::golden() {
  return Device("golden", "golden",
                [](CoreNetwork network) -> Expected<std::unique_ptr<Engine>> {
                  return std::make_unique<GoldenEngine>(std::move(network));
                });
}

Device Device::board(std::string port, int64_t baud) {
  LinkOptions options;
  options.device = std::move(port);
  options.baud = baud;
  return board(options);
}

Device Device::board(const LinkOptions &options, uint64_t cycleBudget) {
  return Device(
      "board", "board " + options.device,
      [options,
       cycleBudget](CoreNetwork network) -> Expected<std::unique_ptr<Engine>> {
        auto engine = createBoardEngine(std::move(network), options);
        if (!engine) // the port, the link, the board's core: the device's
          return classify<DeviceError>(engine.takeError());
        (*engine)->setCycleBudget(cycleBudget);
        return std::unique_ptr<Engine>(std::move(*engine));
      });
}

namespace {
/// The kinds other libraries add (rtl), guarded: Python may open sessions
/// from several threads.
struct Registry {
  std::mutex lock;
  llvm::StringMap<Device::Factory> factories;
};
Registry &registry() {
  static Registry instance;
  return instance;
}
} // namespace

void Device::registerKind(StringRef kind, Factory factory) {
  Registry &r = registry();
  std::lock_guard<std::mutex> hold(r.lock);
  r.factories[kind] = std::move(factory);
}

/// `board:PORT[@BAUD]`: the port, and the baud rate where the text after
/// the last '@' is a number (a port may itself contain '@').
static Expected<Device> parseBoard(StringRef spec, StringRef rest,
                                   const DeviceOptions &options) {
  LinkOptions link = options.link;
  if (rest.consume_front(":")) {
    auto [port, baud] = rest.rsplit('@');
    uint64_t rate = 0;
    if (!baud.empty() && !baud.getAsInteger(10, rate)) {
      if (rate < uint64_t(kMinBaud) || rate > uint64_t(kMaxBaud))
        return deviceError(
            llvm::formatv("device '{0}': the baud rate must be in [{1}, {2}]",
                          spec, kMinBaud, kMaxBaud));
      link.baud = int64_t(rate);
      rest = port;
    }
    link.device = rest.str();
  } else if (!rest.empty()) {
    link.device.clear();
  }
  if (link.device.empty())
    return deviceError("unknown device '" + spec +
                       "': use golden, rtl or board:/dev/ttyUSB1");
  return Device::board(link, options.cycleBudget);
}

Expected<Device> Device::parse(StringRef spec, const DeviceOptions &options) {
  if (spec == "golden")
    return golden();
  StringRef rest = spec;
  if (rest.consume_front("board"))
    return parseBoard(spec, rest, options);
  Registry &r = registry();
  std::lock_guard<std::mutex> hold(r.lock);
  auto found = r.factories.find(spec);
  if (found != r.factories.end())
    return found->second(options);
  return deviceError("unknown device '" + spec +
                     "': use golden, rtl or board:/dev/ttyUSB1");
}

//===----------------------------------------------------------------------===//
// Sessions
//===----------------------------------------------------------------------===//

Expected<Session> Session::attachNetwork(CoreNetwork network,
                                         const Device &device) {
  Session session;
  session.inputs = inputSignature(network);
  session.kind = device.kind();
  session.device = device.name();
  auto engine = device.open(network);
  if (!engine)
    return engine.takeError();
  session.engine = std::move(*engine);
  session.range = network.input.range;
  session.net = std::move(network);
  return std::move(session);
}

Expected<Session> Session::create(CoreNetwork network, const Device &device) {
  if (llvm::Error err = validateNetwork(network))
    return std::move(err);
  return attachNetwork(std::move(network), device);
}

Expected<Session> Session::open(StringRef packagePath, const Device &device) {
  // readPackage validates what it decodes: the package is its network's
  // owner, so it is not checked twice.
  auto network = readPackage(packagePath);
  if (!network)
    return network.takeError();
  return attachNetwork(std::move(*network), device);
}

Session Session::attach(std::unique_ptr<Engine> engine, FloatGraph signature,
                        std::string kind) {
  Session session;
  session.inputs = std::move(signature);
  session.device = kind;
  session.kind = std::move(kind);
  session.engine = std::move(engine);
  return session;
}

Expected<NDArray> Session::infer(const NDArray &input,
                                 std::optional<int64_t> timesteps,
                                 StringRef inputName, int64_t firstSample) {
  auto steps = resolveTimesteps(inputs, input, timesteps, inputName);
  if (!steps)
    return steps.takeError();
  if (llvm::Error err = checkRunMemory(*engine, input, *steps, inputName))
    return std::move(err);
  auto scores = engine->run(input, *steps);
  if (!scores)
    return scores.takeError();
  // The float and golden engines refuse non-finite scores themselves, with
  // the cause; this holds every other engine (RTL, board: the golden
  // engine's readout arithmetic) to the same before anything is written.
  if (llvm::Error err = checkFiniteScores(*scores, firstSample, "the engine",
                                          "the scores overflow float"))
    return std::move(err);
  return scores;
}

/// 0, 1, 0.5, 255, 1e-06: a bound as the user would have typed it.
static std::string shortest(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

OutOfRange snnc::countOutOfRange(const NDArray &input,
                                 const InputRange &range) {
  OutOfRange counted;
  counted.range = range;
  counted.total = int64_t(input.data.size());
  // An input with NaN or Inf is refused by infer(), naming the element: a
  // warning first would make that refusal two lines, so none is counted.
  if (!llvm::all_of(input.data, [](float v) { return std::isfinite(v); }))
    return counted;
  counted.outside = llvm::count_if(input.data, [&](float v) {
    return double(v) < range.lo || double(v) > range.hi;
  });
  return counted;
}

std::string OutOfRange::message() const {
  double percent = total ? 100.0 * double(outside) / double(total) : 0.0;
  // Never "0.0%" for a few values among millions.
  std::string share = outside && percent < 0.1
                          ? std::string("less than 0.1%")
                          : llvm::formatv("{0:F1}%", percent).str();
  return llvm::formatv("{0} of the input values ({1} of {2}) are outside the "
                       "model's input range [{3}, {4}] (snnc compile "
                       "--input-range): the integer engines clamp what their "
                       "encoder cannot represent (docs/numerics.md)",
                       share, outside, total, shortest(range.lo),
                       shortest(range.hi));
}

std::optional<OutOfRange> Session::checkInputRange(const NDArray &input) const {
  if (!range)
    return std::nullopt;
  return countOutOfRange(input, *range);
}

llvm::Error Session::recordSpikes(bool on) {
  if (engine->recordSpikes(on))
    return llvm::Error::success();
  if (kind == "board")
    return deviceError("spike traces need the golden or rtl device; a "
                       "board (" +
                       device + ") reports spike counts only");
  return deviceError("spike traces need the golden or rtl device; the " +
                     device + " device keeps none");
}

std::vector<int64_t> Session::classes(const NDArray &scores) {
  std::vector<int64_t> out;
  if (scores.shape.size() != 2)
    return out;
  for (int64_t n = 0; n < scores.shape[0]; ++n) {
    const float *row = scores.data.data() + n * scores.shape[1];
    out.push_back(std::max_element(row, row + scores.shape[1]) - row);
  }
  return out;
}

Expected<Accuracy> Session::accuracy(const NDArray &scores,
                                     llvm::ArrayRef<int64_t> labels) {
  if (scores.shape.size() != 2 || scores.shape[0] != int64_t(labels.size()))
    return makeError<InputError>(llvm::formatv(
        "{0} scores for {1} labels", scores.shape.empty() ? 0 : scores.shape[0],
        labels.size()));
  int64_t classCount = scores.shape[1];
  // A label no output can match would count silently as a miss.
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= classCount)
      return makeError<InputError>(llvm::formatv(
          "label {0} of sample {1} is not a class of this model (0..{2})",
          labels[i], i, classCount - 1));
  Accuracy result;
  std::vector<int64_t> predicted = classes(scores);
  for (size_t i = 0; i < labels.size(); ++i)
    result.correct += predicted[i] == labels[i];
  result.total = int64_t(labels.size());
  return result;
}
