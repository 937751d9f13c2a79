// classify: runs a compiled package on images with the snnc host API.
//
//   snnc compile model.onnx -o model.snnpkg
//   classify model.snnpkg images.npy [labels.npy]
//
// Prints one predicted class per image, the accuracy when labels are given,
// and the synaptic operations the core performed.
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Npy.h"
#include "snnc/Runtime/Session.h"

#include <cstdio>

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: classify model.snnpkg images.npy [labels.npy]\n");
    return 2;
  }
  auto fail = [](llvm::Error err) {
    std::fprintf(stderr, "classify: %s\n",
                 llvm::toString(std::move(err)).c_str());
    return 1;
  };
  auto session = snnc::Session::open(argv[1]);
  if (!session)
    return fail(session.takeError());
  auto images = snnc::loadImages(argv[2]);
  if (!images)
    return fail(images.takeError());
  auto scores = session->infer(*images);
  if (!scores)
    return fail(scores.takeError());
  std::vector<int64_t> classes = snnc::Session::classes(*scores);
  for (int64_t c : classes)
    std::printf("%lld\n", static_cast<long long>(c));
  if (argc > 3) {
    auto labels = snnc::loadLabels(argv[3]);
    if (!labels)
      return fail(labels.takeError());
    size_t correct = 0;
    for (size_t i = 0; i < classes.size() && i < labels->size(); ++i)
      correct += classes[i] == (*labels)[i];
    std::printf("accuracy %zu / %zu\n", correct, classes.size());
  }
  std::printf("synaptic ops %lld\n",
              static_cast<long long>(session->stats().totalSynapticOps()));
  return 0;
}
