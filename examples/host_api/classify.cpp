// classify: runs a compiled package on images with the snnc host API, on
// any device.
//
//   snnc compile model.onnx -o model.snnpkg
//   classify model.snnpkg images.npy [labels.npy] [--device DEVICE]
//
// DEVICE: golden (default: the bit-exact software model), rtl (the core's
// RTL in Verilator; needs make and verilator), or board:PORT[@BAUD] (a
// board on a serial port, or the pseudo-terminal of `snnc board-sim`).
//
// Prints one predicted class per image, the accuracy when labels are given,
// and what the device did (synaptic operations; cycles and link frames on
// rtl and board).
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Npy.h"
#include "snnc/Runtime/Session.h"
#include "snnc/Sim/RtlEngine.h"

#include "llvm/Support/FormatVariadic.h"

#include <cstdio>
#include <string>

int main(int argc, char **argv) {
  std::vector<std::string> positional;
  std::string deviceSpec = "golden";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--device" && i + 1 < argc)
      deviceSpec = argv[++i];
    else
      positional.push_back(arg);
  }
  if (positional.size() < 2) {
    std::fprintf(stderr, "usage: classify model.snnpkg images.npy "
                         "[labels.npy] [--device golden|rtl|board:PORT]\n");
    return 2;
  }
  auto fail = [](llvm::Error err) {
    std::fprintf(stderr, "classify: %s\n",
                 llvm::toString(std::move(err)).c_str());
    return 1;
  };
  // The host API's one grammar of devices; "rtl" comes from snnc::sim.
  snnc::sim::registerRtlDevice();
  auto device = snnc::Device::parse(deviceSpec);
  if (!device)
    return fail(device.takeError());
  auto session = snnc::Session::open(positional[0], *device);
  if (!session)
    return fail(session.takeError());
  auto images = snnc::loadImages(positional[1]);
  if (!images)
    return fail(images.takeError());
  auto scores = session->infer(*images);
  if (!scores)
    return fail(scores.takeError());
  std::vector<int64_t> classes = snnc::Session::classes(*scores);
  for (int64_t c : classes)
    std::printf("%lld\n", static_cast<long long>(c));
  if (positional.size() > 2) {
    auto labels = snnc::loadLabels(positional[2]);
    if (!labels)
      return fail(labels.takeError());
    auto accuracy = snnc::Session::accuracy(*scores, *labels);
    if (!accuracy)
      return fail(accuracy.takeError());
    std::printf("accuracy %lld / %lld\n",
                static_cast<long long>(accuracy->correct),
                static_cast<long long>(accuracy->total));
  }
  // The golden engine counts per layer; rtl and board count on the core.
  llvm::json::Value stats = session->stats();
  int64_t ops = 0;
  if (const snnc::RunStats *golden = session->goldenStats())
    ops = golden->totalSynapticOps();
  else if (auto total = stats.getAsObject()->getInteger("synaptic_ops"))
    ops = *total;
  std::printf("device %s: synaptic ops %lld\n", session->deviceName().c_str(),
              static_cast<long long>(ops));
  std::printf("%s\n", llvm::formatv("{0}", stats).str().c_str());
  return 0;
}
