//===- Session.cpp - the host API -----------------------------------------===//
#include "snnc/Runtime/Session.h"
#include "snnc/Runtime/Package.h"

#include <algorithm>

using namespace snnc;

llvm::Expected<Session> Session::create(CoreNetwork network,
                                        DeviceKind device) {
  if (llvm::Error err = validateNetwork(network))
    return std::move(err);
  Session session;
  session.signature = inputSignature(network);
  switch (device) {
  case DeviceKind::Golden:
    session.golden = std::make_unique<GoldenEngine>(network);
    break;
  }
  session.net = std::move(network);
  return std::move(session);
}

llvm::Expected<Session> Session::open(llvm::StringRef packagePath,
                                      DeviceKind device) {
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
  return golden->run(input, *steps);
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
