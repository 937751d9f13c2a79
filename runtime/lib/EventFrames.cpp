//===- EventFrames.cpp - events binned to frames as tonic's ToFrame -------===//
//
// tonic.transforms.ToFrame (tonic commit d0cb6df3): a slicer cuts the
// events into index ranges [start, end), found by numpy.searchsorted on
// window times computed in float64, and every slice is counted into one
// frame [P, H, W].  The arithmetic below follows numpy's step by step
// (float64 keys, floor and true division, truncating int() casts, Python
// slice bounds), so the frames are equal to tonic's, the edge cases
// included; tests/python/test_events.py compares the two.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Events.h"
#include "snnc/Runtime/Limits.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <set>

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

namespace {
using Slices = std::vector<std::pair<int64_t, int64_t>>;

Error frameError(const llvm::Twine &what) {
  return makeError<InputError>("to_frames: " + what);
}

/// numpy's searchsorted(side="left") on float64, including the way it
/// narrows each search from the previous key's result: on timestamps that
/// are not sorted the answer depends on that, and must still be numpy's.
std::vector<int64_t> searchSortedLeft(const std::vector<int64_t> &sorted,
                                      const std::vector<double> &keys) {
  std::vector<int64_t> found(keys.size());
  int64_t length = int64_t(sorted.size()), lo = 0, hi = length;
  double last = keys.empty() ? 0 : keys[0];
  for (size_t k = 0; k < keys.size(); ++k) {
    double key = keys[k];
    if (last < key) {
      hi = length;
    } else {
      lo = 0;
      hi = hi < length ? hi + 1 : length;
    }
    last = key;
    while (lo < hi) {
      int64_t mid = lo + ((hi - lo) >> 1);
      if (double(sorted[mid]) < key)
        lo = mid + 1;
      else
        hi = mid;
    }
    found[k] = lo;
  }
  return found;
}

/// A slice count computed in float64 as an int, refused where Python's
/// int() would fail or the frames could never fit in memory.
Expected<int64_t> sliceCount(double count, uint64_t bytesPerSlice) {
  if (!std::isfinite(count))
    return frameError("the number of frames is not finite");
  if (count < 0) // tonic makes at least one slice of a short recording
    return int64_t(std::max(count, -1.0));
  if (count > 9.0e15)
    return makeError<LimitError>(formatv(
        "to_frames: {0:e} frames would exceed the memory limit", count));
  int64_t n = int64_t(count);
  if (Error err = checkMemory(
          mulBytes(uint64_t(std::max<int64_t>(n, 0)), bytesPerSlice),
          formatv("to_frames: {0} frames", n)))
    return std::move(err);
  return n;
}

/// Start and end keys searched in `t`, as tonic zips them.
Slices searchWindows(const std::vector<int64_t> &t,
                     const std::vector<double> &starts,
                     const std::vector<double> &ends) {
  std::vector<int64_t> from = searchSortedLeft(t, starts);
  std::vector<int64_t> to = searchSortedLeft(t, ends);
  Slices slices;
  for (size_t i = 0; i < from.size(); ++i)
    slices.emplace_back(from[i], to[i]);
  return slices;
}

/// SliceByTime.
Expected<Slices> sliceByTime(const std::vector<int64_t> &t,
                             const FrameOptions &o, uint64_t bytesPerSlice) {
  double window = *o.timeWindow, stride = window - o.overlap;
  if (!(stride > 0))
    return frameError("time_window - overlap must be positive");
  double start = o.startTime ? *o.startTime : double(t.front());
  double end = o.endTime ? *o.endTime : double(t.back());
  double steps = (end - start - window) / stride;
  auto n = sliceCount(
      (o.includeIncomplete ? std::ceil(steps) : std::floor(steps)) + 1,
      bytesPerSlice);
  if (!n)
    return n.takeError();
  int64_t count = std::max<int64_t>(*n, 1);
  std::vector<double> starts(count), ends(count);
  for (int64_t i = 0; i < count; ++i) {
    starts[i] = double(i) * stride + start;
    ends[i] = starts[i] + window;
  }
  return searchWindows(t, starts, ends);
}

/// Python's a // b on int64 (b > 0).
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// SliceByTimeBins.
Expected<Slices> sliceByTimeBins(const std::vector<int64_t> &t,
                                 const FrameOptions &o) {
  if (!(o.overlap < 1))
    return frameError("overlap must be below 1 with n_time_bins");
  int64_t bins = *o.nTimeBins, duration;
  if (__builtin_sub_overflow(t.back(), t.front(), &duration))
    return frameError("the recording's time span overflows int64");
  double window = double(floorDiv(duration, bins)) * (1 + o.overlap);
  double stride = window * (1 - o.overlap);
  std::vector<double> starts(bins), ends(bins);
  for (int64_t i = 0; i < bins; ++i) {
    starts[i] = double(i) * stride + double(t.front());
    ends[i] = starts[i] + window;
  }
  return searchWindows(t, starts, ends);
}

/// SliceByEventCount.
Expected<Slices> sliceByEventCount(int64_t events, const FrameOptions &o,
                                   uint64_t bytesPerSlice) {
  int64_t perSlice = std::min(*o.eventCount, events);
  double stride = double(*o.eventCount) - o.overlap;
  if (!(stride > 0))
    return frameError("event_count - overlap must be positive");
  double steps = double(events - perSlice) / stride;
  auto n = sliceCount(
      (o.includeIncomplete ? std::ceil(steps) : std::floor(steps)) + 1,
      bytesPerSlice);
  if (!n)
    return n.takeError();
  Slices slices;
  for (int64_t i = 0; i < *n; ++i) {
    int64_t start = int64_t(double(i) * stride); // astype(int) truncates
    slices.emplace_back(start, start + perSlice);
  }
  return slices;
}

/// SliceByEventBins.
Expected<Slices> sliceByEventBins(int64_t events, const FrameOptions &o) {
  int64_t bins = *o.nEventBins;
  double spikes = double(events / bins) * (1 + o.overlap);
  double strideF = std::trunc(spikes) * (1 - o.overlap);
  if (!std::isfinite(spikes) || std::fabs(spikes) > 9.0e15 ||
      !std::isfinite(strideF) || std::fabs(strideF) > 9.0e15)
    return frameError("overlap is out of range for n_event_bins");
  int64_t perSlice = int64_t(spikes), stride = int64_t(strideF);
  Slices slices;
  for (int64_t i = 0; i < bins; ++i) {
    int64_t start;
    if (__builtin_mul_overflow(i, stride, &start))
      return frameError("overlap is out of range for n_event_bins");
    slices.emplace_back(start, start + perSlice);
  }
  return slices;
}

/// Python's data[start:end] bounds on `length` items.
std::pair<int64_t, int64_t> pythonSlice(int64_t start, int64_t end,
                                        int64_t length) {
  auto clamp = [&](int64_t i) {
    if (i < 0)
      i = std::max<int64_t>(i + length, 0);
    return std::min(i, length);
  };
  start = clamp(start);
  end = clamp(end);
  return {start, std::max(start, end)};
}

/// Exactly one slicing method, and its parameters in range.
Error checkOptions(const FrameOptions &o) {
  int methods = bool(o.timeWindow) + bool(o.eventCount) + bool(o.nTimeBins) +
                bool(o.nEventBins);
  if (methods != 1)
    return frameError("set exactly one of time_window, event_count, "
                      "n_time_bins and n_event_bins");
  if (o.timeWindow && !(*o.timeWindow > 0 && std::isfinite(*o.timeWindow)))
    return frameError("time_window must be positive");
  if ((o.eventCount && *o.eventCount <= 0) ||
      (o.nTimeBins && *o.nTimeBins <= 0) ||
      (o.nEventBins && *o.nEventBins <= 0))
    return frameError("event_count, n_time_bins and n_event_bins must be "
                      "positive");
  if (!std::isfinite(o.overlap))
    return frameError("overlap must be finite");
  for (const auto &time : {o.startTime, o.endTime})
    if (time && !std::isfinite(*time))
      return frameError("start_time and end_time must be finite");
  const SensorSize &s = o.sensorSize;
  bool none = s.width == 0 && s.height == 0 && s.polarities == 0;
  if (!none && !s.known())
    return frameError(formatv("sensor_size ({0}, {1}, {2}) must be positive",
                              s.width, s.height, s.polarities));
  return Error::success();
}

/// tonic's sensor size for a recording that has none: the largest x and y
/// plus one, and the number of distinct polarities.
Expected<SensorSize> inferSensor(const EventArray &events) {
  if (events.size() == 0)
    return frameError("no events to infer sensor_size from; give it");
  std::set<int64_t> polarities(events.p.begin(), events.p.end());
  SensorSize s{*std::max_element(events.x.begin(), events.x.end()) + 1,
               *std::max_element(events.y.begin(), events.y.end()) + 1,
               int64_t(polarities.size())};
  if (!s.known())
    return frameError("events with negative x or y: give sensor_size");
  return s;
}

Expected<Slices> sliceEvents(const EventArray &events, const FrameOptions &o,
                             uint64_t bytesPerSlice) {
  int64_t count = int64_t(events.size());
  if (o.timeWindow)
    return sliceByTime(events.t, o, bytesPerSlice);
  if (o.eventCount)
    return sliceByEventCount(count, o, bytesPerSlice);
  if (o.nTimeBins)
    return sliceByTimeBins(events.t, o);
  return sliceByEventBins(count, o);
}
} // namespace

Expected<NDArray> snnc::toFrames(const EventArray &events,
                                 const FrameOptions &options) {
  if (Error err = checkOptions(options))
    return std::move(err);
  SensorSize sensor = options.sensorSize;
  if (!sensor.known()) {
    auto inferred = inferSensor(events);
    if (!inferred)
      return inferred.takeError();
    sensor = *inferred;
  }
  std::optional<int64_t> pixels =
      NDArray::checkedProduct({sensor.polarities, sensor.height, sensor.width});
  if (!pixels || *pixels > INT64_MAX / 4)
    return makeError<LimitError>("to_frames: the sensor is too large");
  uint64_t frameBytes = uint64_t(*pixels) * sizeof(float);
  // The slice keys and bounds take 32 bytes a frame beside the frame.
  uint64_t bytesPerSlice = addBytes(frameBytes, 32);
  // A single-polarity sensor counts every event in channel 0, once all
  // events agree on their polarity.
  bool onePolarity = sensor.polarities == 1;
  if (onePolarity &&
      std::set<int64_t>(events.p.begin(), events.p.end()).size() > 1)
    return frameError("single polarity sensor, but events contain both "
                      "polarities");

  // Bin counts are checked before their keys are allocated.
  for (auto bins : {options.nTimeBins, options.nEventBins})
    if (bins)
      if (auto counted = sliceCount(double(*bins), bytesPerSlice); !counted)
        return counted.takeError();

  Slices slices;
  if (events.size() == 0) {
    // ToFrame's answer for no events: one empty frame, or one per bin.
    int64_t n = options.nTimeBins    ? *options.nTimeBins
                : options.nEventBins ? *options.nEventBins
                                     : 1;
    if (auto counted = sliceCount(double(n), bytesPerSlice); !counted)
      return counted.takeError();
    slices.assign(size_t(n), {0, 0});
  } else {
    auto sliced = sliceEvents(events, options, bytesPerSlice);
    if (!sliced)
      return sliced.takeError();
    slices = std::move(*sliced);
    if (auto counted = sliceCount(double(slices.size()), bytesPerSlice);
        !counted)
      return counted.takeError();
  }

  NDArray frames;
  frames.shape = {int64_t(slices.size()), sensor.polarities, sensor.height,
                  sensor.width};
  frames.data.assign(size_t(frames.numElements()), 0.0f);
  int64_t length = int64_t(events.size());
  for (size_t i = 0; i < slices.size(); ++i) {
    auto [start, end] = pythonSlice(slices[i].first, slices[i].second, length);
    float *frame = frames.data.data() + i * size_t(*pixels);
    for (int64_t e = start; e < end; ++e) {
      int64_t x = events.x[e], y = events.y[e];
      int64_t p = onePolarity ? 0 : events.p[e];
      if (x < 0 || x >= sensor.width || y < 0 || y >= sensor.height || p < 0 ||
          p >= sensor.polarities)
        return frameError(
            formatv("event {0} (x {1}, y {2}, p {3}) is outside sensor_size "
                    "({4}, {5}, {6})",
                    e, x, y, events.p[e], sensor.width, sensor.height,
                    sensor.polarities));
      frame[(p * sensor.height + y) * sensor.width + x] += 1.0f;
    }
  }
  return frames;
}

namespace {
Error optionError(StringRef item, const llvm::Twine &why) {
  return makeError<InputError>("--frames: '" + item + "': " + why);
}

template <typename T>
Error parseNumber(StringRef item, StringRef text, T &out) {
  if constexpr (std::is_floating_point_v<T>) {
    if (text.getAsDouble(out) || !std::isfinite(out))
      return optionError(item, "not a number");
  } else if (text.getAsInteger(10, out)) {
    return optionError(item, "not an integer");
  }
  return Error::success();
}

Error parseSensor(StringRef item, StringRef text, SensorSize &out) {
  llvm::SmallVector<StringRef, 3> parts;
  text.split(parts, 'x');
  if (parts.size() != 3 || parts[0].getAsInteger(10, out.width) ||
      parts[1].getAsInteger(10, out.height) ||
      parts[2].getAsInteger(10, out.polarities) || !out.known())
    return optionError(item, "expected WIDTHxHEIGHTxPOLARITIES, e.g. 34x34x2");
  return Error::success();
}
} // namespace

Expected<FrameOptions> snnc::parseFrameOptions(StringRef spec) {
  FrameOptions o;
  llvm::SmallVector<StringRef, 8> items;
  spec.split(items, ',', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    auto [key, value] = item.trim().split('=');
    Error err = Error::success();
    if (key == "sensor_size")
      err = parseSensor(item, value, o.sensorSize);
    else if (key == "time_window")
      err = parseNumber(item, value, o.timeWindow.emplace());
    else if (key == "event_count")
      err = parseNumber(item, value, o.eventCount.emplace());
    else if (key == "n_time_bins")
      err = parseNumber(item, value, o.nTimeBins.emplace());
    else if (key == "n_event_bins")
      err = parseNumber(item, value, o.nEventBins.emplace());
    else if (key == "overlap")
      err = parseNumber(item, value, o.overlap);
    else if (key == "start_time")
      err = parseNumber(item, value, o.startTime.emplace());
    else if (key == "end_time")
      err = parseNumber(item, value, o.endTime.emplace());
    else if (key == "include_incomplete" && (value == "1" || value == "true"))
      o.includeIncomplete = true;
    else if (key == "include_incomplete" && (value == "0" || value == "false"))
      o.includeIncomplete = false;
    else
      err = optionError(item, "unknown (time_window, event_count, "
                              "n_time_bins, n_event_bins, overlap, "
                              "include_incomplete, start_time, end_time, "
                              "sensor_size)");
    if (err)
      return std::move(err);
  }
  if (Error err = checkOptions(o))
    return prependToError("--frames: ", std::move(err));
  return o;
}

Expected<NDArray> snnc::stackFrames(llvm::ArrayRef<NDArray> samples) {
  if (samples.empty())
    return makeError<InputError>("stack_frames: no samples");
  const std::vector<int64_t> &shape = samples[0].shape;
  if (shape.size() != 4)
    return makeError<InputError>("stack_frames: frames must be [T, P, H, W], "
                                 "not " +
                                 shapeString(shape));
  for (size_t n = 1; n < samples.size(); ++n)
    if (samples[n].shape != shape)
      return makeError<InputError>(
          formatv("stack_frames: sample {0} has frames {1}, sample 0 {2}", n,
                  shapeString(samples[n].shape), shapeString(shape)));
  int64_t steps = shape[0],
          frame = NDArray::product(shape) / std::max<int64_t>(steps, 1);
  int64_t count = int64_t(samples.size());
  if (Error err = checkMemory(mulBytes(uint64_t(count) * uint64_t(frame),
                                       uint64_t(steps) * sizeof(float)),
                              "stack_frames"))
    return std::move(err);
  NDArray out;
  out.shape = {steps, count, shape[1], shape[2], shape[3]};
  out.data.resize(size_t(out.numElements()));
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t n = 0; n < count; ++n)
      std::copy_n(samples[n].data.begin() + t * frame, frame,
                  out.data.begin() + (t * count + n) * frame);
  return out;
}
