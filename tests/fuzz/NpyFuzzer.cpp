//===- NpyFuzzer.cpp - libFuzzer: the .npy reader -------------------------===//
#include "FuzzInput.h"

#include "snnc/Runtime/Npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return snnc::fuzz::readAsFile(
      data, size, [](const std::string &p) { return snnc::readNpy(p); },
      [](const std::string &p) { return snnc::readNpyIntegers(p); });
}
