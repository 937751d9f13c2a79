//===- Session.cpp - the host API -----------------------------------------===//
#include "snnc/Runtime/Session.h"
#include "snnc/Runtime/Package.h"

#include <algorithm>

using namespace snnc;

Device Device::golden() {
  return Device(
      "golden",
      [](CoreNetwork network) -> llvm::Expected<std::unique_ptr<Engine>> {
        return std::make_unique<GoldenEngine>(std::move(network));
      });
}

Device Device::board(std::string port, int64_t baud) {
  LinkOptions options;
  options.device = std::move(port);
  options.baud = baud;
  return board(options);
}

Device Device::board(const LinkOptions &options) {
  return Device("board " + options.device,
                [options](CoreNetwork network)
                    -> llvm::Expected<std::unique_ptr<Engine>> {
                  auto engine = createBoardEngine(std::move(network), options);
                  if (!engine)
                    return engine.takeError();
                  return std::unique_ptr<Engine>(std::move(*engine));
                });
}

llvm::Expected<Session> Session::create(CoreNetwork network,
                                        const Device &device) {
  if (llvm::Error err = validateNetwork(network))
    return std::move(err);
  Session session;
  session.signature = inputSignature(network);
  session.device = device.name();
  auto engine = device.open(network);
  if (!engine)
    return engine.takeError();
  session.engine = std::move(*engine);
  session.net = std::move(network);
  return std::move(session);
}

llvm::Expected<Session> Session::open(llvm::StringRef packagePath,
                                      const Device &device) {
  auto network = readPackage(packagePath);
  if (!network)
    return network.takeError();
  return create(std::move(*network), device);
}

llvm::Expected<NDArray> Session::infer(const NDArray &input,
                                       std::optional<int64_t> timesteps) {
  auto steps = resolveTimesteps(signature, input, timesteps);
  if (!steps)
    return steps.takeError();
  if (llvm::Error err = checkRunMemory(*engine, input, *steps, "the input"))
    return std::move(err);
  return engine->run(input, *steps);
}

const RunStats *Session::goldenStats() const {
  auto *golden = dynamic_cast<const GoldenEngine *>(engine.get());
  return golden ? &golden->stats() : nullptr;
}

void Session::setThreads(int64_t count) {
  if (auto *golden = dynamic_cast<GoldenEngine *>(engine.get()))
    golden->setThreads(count);
}

llvm::Error Session::recordSpikes(bool on) {
  if (auto *golden = dynamic_cast<GoldenEngine *>(engine.get())) {
    golden->recordSpikes(on);
    return llvm::Error::success();
  }
  auto *core = dynamic_cast<CoreEngine *>(engine.get());
  if (core && device.rfind("board", 0) != 0) {
    core->recordSpikes(on);
    return llvm::Error::success();
  }
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "spike traces need the golden or rtl device; "
                                 "a board (" +
                                     device + ") reports spike counts only");
}

const std::vector<SpikeRecord> &Session::spikes() const {
  static const std::vector<SpikeRecord> none;
  if (auto *golden = dynamic_cast<const GoldenEngine *>(engine.get()))
    return golden->spikes();
  if (auto *core = dynamic_cast<const CoreEngine *>(engine.get()))
    return core->spikes();
  return none;
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
