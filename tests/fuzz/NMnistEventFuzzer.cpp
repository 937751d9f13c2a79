//===- NMnistEventFuzzer.cpp - libFuzzer: the NMnist event reader
//-----------===//
#include "EventFuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return snnc::fuzz::readEventsAsFile(data, size, snnc::EventFormat::NMnist);
}
