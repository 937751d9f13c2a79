//===- Events.h - event-camera recordings and their frames ------*- C++ -*-===//
//
// Readers for the files the public event datasets ship in, decoded as
// tonic's `io` module decodes them, and the binning of tonic's ToFrame
// (tonic/functional/to_frame.py with tonic/slicers.py), parameter for
// parameter.  docs/python.md lists where snnc refuses what tonic lets
// through (truncated files, events outside the sensor).
//
//   auto rec = readEvents("sample.bin");                  // N-MNIST
//   FrameOptions opts;
//   opts.sensorSize = {34, 34, 2};
//   opts.nTimeBins = 10;
//   auto frames = toFrames(rec->events, opts);            // [10, 2, 34, 34]
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_EVENTS_H
#define SNNC_RUNTIME_EVENTS_H

#include "snnc/Runtime/NDArray.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snnc {

/// Events in tonic's layout, one column per field: pixel x and y, the
/// timestamp t (microseconds, as the file gives it) and the polarity p.
struct EventArray {
  std::vector<int64_t> x, y, t, p;
  size_t size() const { return t.size(); }
  void reserve(size_t count);
  void push(int64_t ex, int64_t ey, int64_t et, int64_t ep);
};

/// tonic's sensor_size: (width, height, polarities); all zero when the
/// format does not say (N-MNIST's .bin serves N-Caltech101's varying sizes).
struct SensorSize {
  int64_t width = 0, height = 0, polarities = 0;
  bool known() const { return width > 0 && height > 0 && polarities > 0; }
};

enum class EventFormat {
  Auto,   ///< .bin: N-MNIST; else the first bytes, then the extension
  NMnist, ///< N-MNIST / N-Caltech101 .bin (tonic: read_mnist_file)
  Aedat,  ///< AEDAT 2.0 (read_dvs_128) or 3.1 (read_dvs_ibm), by header
  Npy,    ///< a structured .npy array with integer fields x, y, t, p
};

/// "auto", "nmnist", "aedat", "npy"; anything else is refused.
llvm::Expected<EventFormat> parseEventFormat(llvm::StringRef name);

/// One recording as read.
struct EventRecording {
  EventArray events;
  SensorSize sensor;  ///< known for AEDAT (DVS128: 128 x 128 x 2)
  std::string format; ///< "nmnist", "aedat2", "aedat3", "npy"
};

/// Reads an event file.  Sizes are checked before anything is allocated
/// (the memory limit of snnc/Runtime/Limits.h); a malformed file fails
/// with one InputError line naming the file and the byte offset.
llvm::Expected<EventRecording>
readEvents(llvm::StringRef path, EventFormat format = EventFormat::Auto);

/// tonic.transforms.ToFrame's parameters, named as tonic names them.
/// Exactly one of timeWindow, eventCount, nTimeBins, nEventBins is set.
struct FrameOptions {
  SensorSize sensorSize;            ///< unknown: inferred as tonic does
  std::optional<double> timeWindow; ///< time_window, in t's unit
  std::optional<int64_t> eventCount;
  std::optional<int64_t> nTimeBins;
  std::optional<int64_t> nEventBins;
  double overlap = 0; ///< time, events, or a fraction of a bin
  bool includeIncomplete = false;
  std::optional<double> startTime, endTime; ///< time_window slicing only
};

/// Parses "n_time_bins=10,overlap=0.1" (--frames): the names of
/// FrameOptions as tonic spells them, plus sensor_size=WxHxP.
llvm::Expected<FrameOptions> parseFrameOptions(llvm::StringRef spec);

/// Bins events into float32 frames [frames, P, H, W] (counts), equal to
/// tonic's ToFrame on the same events.  Refuses an event outside the
/// sensor (tonic would raise or wrap a negative index) and an output over
/// the memory limit.
llvm::Expected<NDArray> toFrames(const EventArray &events,
                                 const FrameOptions &options);

/// Stacks per-sample frames [T, P, H, W] into the [T, N, P, H, W] input
/// that Session::infer takes for event encodings; the samples must agree in
/// shape.
llvm::Expected<NDArray> stackFrames(llvm::ArrayRef<NDArray> samples);

} // namespace snnc

#endif // SNNC_RUNTIME_EVENTS_H
