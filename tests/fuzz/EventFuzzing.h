//===- EventFuzzing.h - one event reader, then its frames -----------------===//
//
// Each event fuzzer reads its input as one format (the in-memory file has
// no extension to detect it by) and bins whatever it reads as ToFrame
// would, with every slicing method: the binning's arithmetic (float64
// windows, searches over unsorted timestamps, Python slice bounds) sees
// the readers' extreme values.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TESTS_FUZZ_EVENTFUZZING_H
#define SNNC_TESTS_FUZZ_EVENTFUZZING_H

#include "FuzzInput.h"

#include "snnc/Runtime/Events.h"

namespace snnc::fuzz {

inline void binEvents(const EventArray &events) {
  if (events.size() == 0)
    return;
  FrameOptions options[4];
  options[0].nTimeBins = 3;
  options[1].nEventBins = 2;
  options[1].overlap = 0.5;
  // A few frames whatever the length: zeroing thousands of frames would
  // only slow the fuzzer down.
  options[2].eventCount = int64_t(events.size() / 4 + 1);
  options[2].includeIncomplete = true;
  options[3].timeWindow =
      double(events.t.back()) - double(events.t.front()) + 1.0;
  options[3].overlap = 0.25 * *options[3].timeWindow;
  for (FrameOptions &o : options) {
    o.sensorSize = {64, 64, 2};
    auto frames = toFrames(events, o);
    if (!frames)
      llvm::consumeError(frames.takeError());
  }
}

inline int readEventsAsFile(const uint8_t *data, size_t size,
                            EventFormat format) {
  limitMemory();
  MemoryFile file(data, size);
  auto rec = readEvents(file.path, format);
  if (!rec) {
    llvm::consumeError(rec.takeError());
    return 0;
  }
  binEvents(rec->events);
  return 0;
}

} // namespace snnc::fuzz

#endif // SNNC_TESTS_FUZZ_EVENTFUZZING_H
