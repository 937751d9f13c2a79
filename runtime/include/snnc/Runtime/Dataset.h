//===- Dataset.h - image, label and event files for snnc eval ---*- C++ -*-===//
#ifndef SNNC_RUNTIME_DATASET_H
#define SNNC_RUNTIME_DATASET_H

#include "snnc/Runtime/Events.h"
#include "snnc/Runtime/NDArray.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace snnc {

/// Loads images from a float32 .npy file, or from an IDX file (optionally
/// gzip-compressed, as Fashion-MNIST ships).  IDX bytes are scaled to [0, 1]
/// and given a channel dim: [N, H, W] becomes [N, 1, H, W].
llvm::Expected<NDArray> loadImages(llvm::StringRef path);

/// Loads integer labels from a .npy or an IDX (.gz) file.
llvm::Expected<std::vector<int64_t>> loadLabels(llvm::StringRef path);

//===----------------------------------------------------------------------===//
// Event datasets: event files, laid out as the public datasets ship them.
//===----------------------------------------------------------------------===//

/// The most event files one input may list: each is opened and read, so
/// the count bounds the work before any is.
constexpr size_t kMaxEventFiles = 1'000'000;

/// True for a file that readEvents reads rather than an array of numbers:
/// a .bin, .aedat or .dat, a file starting "#!AER-DAT", or a .npy whose
/// dtype is a record (tonic's fields x, y, t, p).  A numeric .npy is not.
llvm::Expected<bool> isEventFile(llvm::StringRef path);

/// True for what only an event dataset can be: a directory (but one named
/// as a file is, x.npy or x.gz), or a list file (.txt).
bool isEventDataset(llvm::StringRef path);

/// One event file and its class (-1 where the input gives none).
struct EventSample {
  std::string path;
  int64_t label = -1;
};

/// The event files of an input, in order:
///  - an event file: itself;
///  - a directory of class folders, DIR/<class>/*.bin|*.aedat|*.dat|*.npy
///    (files sorted by name), the classes numbered by their sorted folder
///    names, or by the names themselves where these are 0..K-1;
///  - a directory of event files alone (no labels);
///  - a list file (.txt) of "path label" lines, paths relative to the list,
///    blank lines and lines starting '#' skipped.
/// Refuses an empty input, a class folder without event files, more than
/// kMaxEventFiles files and files whose total size is over the memory limit,
/// each before any event file is read.
llvm::Expected<std::vector<EventSample>> listEventSamples(llvm::StringRef path);

/// What the frames must be for the model that takes them; unset: anything.
struct EventFrameTarget {
  std::optional<int64_t> steps;    ///< T, the model's time steps
  std::vector<int64_t> frameShape; ///< [P, H, W] of one step, or empty
};

/// Reads each sample's file and bins it per `options` into [T, N, P, H, W]
/// float32 frames (counts).  The sensor is the file's where its format knows
/// it, else options.sensorSize, else `fallback`; with none, the error names
/// --frames sensor_size.  A file whose frames are not `target`'s fails
/// naming the file.
llvm::Expected<NDArray> loadEventFrames(llvm::ArrayRef<EventSample> samples,
                                        const FrameOptions &options,
                                        SensorSize fallback,
                                        const EventFrameTarget &target);

} // namespace snnc

#endif // SNNC_RUNTIME_DATASET_H
