//===- IdxFuzzer.cpp - libFuzzer: IDX datasets, gzipped or not ------------===//
#include "FuzzInput.h"

#include "snnc/Runtime/Dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return snnc::fuzz::readAsFile(
      data, size, [](const std::string &p) { return snnc::loadImages(p); },
      [](const std::string &p) { return snnc::loadLabels(p); });
}
