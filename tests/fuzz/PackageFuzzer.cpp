//===- PackageFuzzer.cpp - libFuzzer: package loading and running ---------===//
//
// A package that validates must run without undefined behaviour for any
// valid input: each one that decodes runs on the golden engine, on an input
// of zeros and on one of ones, within the memory limit.  The checksum is
// recomputed first so that the fuzzer reaches the fields behind it.
//
//===----------------------------------------------------------------------===//
#include "FuzzInput.h"

#include "snnc/Runtime/Engine.h"
#include "snnc/Runtime/GoldenEngine.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Package.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <cstring>

using namespace snnc;

namespace {
/// `data` with its header's size and checksum made to match its payload.
std::string sealed(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  constexpr size_t kHeader = 56;
  if (bytes.size() < kHeader)
    return bytes;
  std::string payload = bytes.substr(kHeader);
  llvm::support::endian::write64le(&bytes[16], payload.size());
  auto digest = llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(payload.data()), payload.size()));
  std::memcpy(&bytes[24], digest.data(), 32);
  return bytes;
}

void runOn(const CoreNetwork &network, float value) {
  GoldenEngine engine(network);
  FloatGraph graph = inputSignature(network);
  NDArray input;
  int64_t steps = std::min<int64_t>(network.timesteps.value_or(2), 3);
  bool events = network.encoding == InputEncoding::Events;
  input.shape =
      events ? std::vector<int64_t>{steps, 1} : std::vector<int64_t>{1};
  input.shape.insert(input.shape.end(), graph.inputShape.begin(),
                     graph.inputShape.end());
  if (llvm::Error err =
          checkMemory(mulBytes(uint64_t(input.numElements()), 4), "input")) {
    llvm::consumeError(std::move(err));
    return;
  }
  input.data.assign(input.numElements(), value);
  if (llvm::Error err = checkRunMemory(engine, input, steps, "input")) {
    llvm::consumeError(std::move(err));
    return;
  }
  auto out = engine.run(input, steps);
  if (!out)
    llvm::consumeError(out.takeError());
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  snnc::fuzz::limitMemory();
  auto network = decodePackage(sealed(data, size));
  if (!network) {
    llvm::consumeError(network.takeError());
    return 0;
  }
  runOn(*network, 0.0f);
  runOn(*network, 1.0f);
  return 0;
}
