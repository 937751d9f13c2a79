//===- Engine.cpp - what every engine shares ------------------------------===//
#include "snnc/Runtime/Engine.h"
#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Limits.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace snnc;
using llvm::Expected;
using llvm::formatv;

//===----------------------------------------------------------------------===//

Engine::~Engine() = default;

llvm::json::Value Engine::statsJson() const { return nullptr; }

bool Engine::recordSpikes(bool) { return false; }

const std::vector<SpikeRecord> &Engine::spikes() const {
  static const std::vector<SpikeRecord> none;
  return none;
}

std::vector<SpikeRecord> Engine::takeSpikes() { return {}; }

void Engine::setThreads(int64_t) {}

const RunStats *Engine::activity() const { return nullptr; }

const CoreRunStats *Engine::coreStats() const { return nullptr; }

const LinkStats *Engine::linkStats() const { return nullptr; }

uint64_t Engine::memoryEstimate(const NDArray &input, int64_t) const {
  return mulBytes(input.numElements(), sizeof(float));
}

int64_t snnc::sampleCount(const NDArray &input, InputEncoding encoding) {
  size_t axis = encoding == InputEncoding::Events ? 1 : 0;
  return input.shape.size() > axis ? input.shape[axis] : 0;
}

llvm::Error snnc::checkRunMemory(const Engine &engine, const NDArray &input,
                                 int64_t timesteps, llvm::StringRef inputName) {
  return checkMemory(
      engine.memoryEstimate(input, timesteps),
      formatv("{0}: running it for {1} steps", inputName, timesteps));
}

Expected<int64_t> snnc::resolveTimesteps(const FloatGraph &graph,
                                         const NDArray &input,
                                         std::optional<int64_t> requested,
                                         llvm::StringRef inputName) {
  auto inputError = [&](const llvm::Twine &what) {
    return makeError<InputError>(inputName + ": " + what);
  };
  bool events = graph.encoding == InputEncoding::Events;
  size_t lead = events ? 2 : 1;
  std::vector<int64_t> expected = graph.inputShape;
  std::string want = events ? "[T, N, " : "[N, ";
  for (size_t i = 0; i < expected.size(); ++i)
    want += (i ? ", " : "") + std::to_string(expected[i]);
  want += "]";
  if (input.shape.size() != expected.size() + lead ||
      !std::equal(expected.begin(), expected.end(), input.shape.begin() + lead))
    return inputError(formatv("shape {0} does not match the model's {1} ({2} "
                              "encoding)",
                              shapeString(input.shape), want,
                              rules::encodingName(graph.encoding)));
  if (int64_t(input.data.size()) != input.numElements())
    return inputError("data size does not match its shape");
  if (input.shape[lead - 1] < 1)
    return inputError("holds no samples");
  for (size_t i = 0; i < input.data.size(); ++i)
    if (!std::isfinite(input.data[i]))
      return inputError(formatv("element {0} is {1}", i,
                                std::isnan(input.data[i]) ? "NaN" : "Inf"));
  if (requested && (*requested < 1 || *requested > kMaxTimesteps))
    return makeError<InputError>(formatv("--timesteps must be in [1, {0}], got "
                                         "{1}",
                                         kMaxTimesteps, *requested));
  if (events) {
    if (requested && *requested != input.shape[0])
      return inputError(formatv("--timesteps {0} differs from the {1} event "
                                "frames of the input",
                                *requested, input.shape[0]));
    return input.shape[0];
  }
  if (requested)
    return *requested;
  if (graph.timesteps)
    return *graph.timesteps;
  return inputError("the model sets no snn.timesteps; pass --timesteps");
}
