//===- Dataset.cpp - image and label files --------------------------------===//
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Npy.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <zlib.h>

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

static Error dataError(StringRef path, const llvm::Twine &what) {
  return makeError<InputError>(path + ": " + what);
}

namespace {
struct Idx {
  std::vector<int64_t> dims;
  std::string data; // the bytes after the header
};

/// A file read through zlib, which passes uncompressed files through.
class GzipReader {
public:
  explicit GzipReader(StringRef path) : path(path) {}
  ~GzipReader() {
    if (file)
      gzclose(file);
  }
  Error open() {
    if (Error err = requireRegularFile(path))
      return classify<InputError>(std::move(err));
    file = gzopen(path.str().c_str(), "rb");
    return file ? Error::success() : dataError(path, "cannot read");
  }
  /// Reads up to `count` bytes into `out` (fewer at the end of the data).
  Error read(size_t count, std::string &out) {
    out.resize(count);
    size_t got = 0;
    while (got < count) {
      unsigned piece = unsigned(std::min<size_t>(count - got, 1 << 30));
      int n = gzread(file, &out[got], piece);
      if (n < 0)
        return corrupt();
      if (n == 0)
        break;
      got += size_t(n);
    }
    out.resize(got);
    int status;
    gzerror(file, &status);
    return status == Z_OK || status == Z_STREAM_END ? Error::success()
                                                    : corrupt();
  }

private:
  Error corrupt() {
    int status;
    // Copied before anything else touches the stream (gzclose frees it);
    // zlib prefixes its message with the path, which dataError names.
    std::string message = gzerror(file, &status);
    StringRef what(message);
    what.consume_front((path + ": ").str());
    return dataError(path, "corrupt gzip data: " + what);
  }
  StringRef path;
  gzFile file = nullptr;
};
} // namespace

/// Reads an IDX file (gzipped or not).  The header is read first, and the
/// data no further than the size its dims promise, checked against the
/// memory limit: a gzip bomb fails before it is inflated.
static Expected<Idx> readIdx(StringRef path) {
  GzipReader reader(path);
  if (Error err = reader.open())
    return std::move(err);
  std::string head;
  if (Error err = reader.read(4, head))
    return std::move(err);
  if (head.size() < 4 || head[0] != 0 || head[1] != 0)
    return dataError(path, "not an IDX file (bad magic)");
  if (uint8_t(head[2]) != 0x08)
    return dataError(path, "IDX data must be unsigned bytes (type 0x08)");
  int ndim = uint8_t(head[3]);
  std::string dimBytes;
  if (Error err = reader.read(4 * size_t(ndim), dimBytes))
    return std::move(err);
  if (ndim < 1 || dimBytes.size() < 4 * size_t(ndim))
    return dataError(path, "truncated IDX header");
  Idx idx;
  for (int i = 0; i < ndim; ++i)
    idx.dims.push_back(
        llvm::support::endian::read32be(dimBytes.data() + 4 * i));
  std::optional<int64_t> count = NDArray::checkedProduct(idx.dims);
  // The images become float32: four bytes in memory for each byte here.
  if (!count)
    return dataError(
        path, formatv("IDX dims {0} are too large", shapeString(idx.dims)));
  if (Error err = checkMemory(mulBytes(uint64_t(*count), 5),
                              path + ": IDX dims " + shapeString(idx.dims)))
    return std::move(err);
  // One byte more than promised tells a longer file from an exact one.
  if (Error err = reader.read(size_t(*count) + 1, idx.data))
    return std::move(err);
  if (idx.data.size() != size_t(*count)) {
    std::string has = idx.data.size() > size_t(*count)
                          ? std::string("more")
                          : std::to_string(idx.data.size());
    return dataError(path, formatv("IDX dims {0} need {1} bytes, the file "
                                   "has {2}",
                                   shapeString(idx.dims), *count, has));
  }
  return idx;
}

static bool isNpy(StringRef path) { return path.endswith(".npy"); }

Expected<NDArray> snnc::loadImages(StringRef path) {
  if (isNpy(path))
    return readNpy(path);
  auto idx = readIdx(path);
  if (!idx)
    return idx.takeError();
  if (idx->dims.size() != 3)
    return dataError(path, "IDX images must be [N, H, W]");
  NDArray images;
  images.shape = {idx->dims[0], 1, idx->dims[1], idx->dims[2]};
  images.data.resize(images.numElements());
  for (size_t i = 0; i < images.data.size(); ++i)
    images.data[i] = float(uint8_t(idx->data[i])) / 255.0f;
  return images;
}

Expected<std::vector<int64_t>> snnc::loadLabels(StringRef path) {
  if (isNpy(path))
    return readNpyIntegers(path);
  auto idx = readIdx(path);
  if (!idx)
    return idx.takeError();
  if (idx->dims.size() != 1)
    return dataError(path, "IDX labels must be 1-D");
  std::vector<int64_t> labels(idx->dims[0]);
  for (size_t i = 0; i < labels.size(); ++i)
    labels[i] = uint8_t(idx->data[i]);
  return labels;
}

//===----------------------------------------------------------------------===//
// Event datasets.
//===----------------------------------------------------------------------===//

static bool hasEventExtension(StringRef path) {
  StringRef ext = llvm::sys::path::extension(path);
  return ext.equals_insensitive(".bin") || ext.equals_insensitive(".aedat") ||
         ext.equals_insensitive(".dat") || ext.equals_insensitive(".npy");
}

/// Whether a .npy header's dtype is a record: "'descr': [" rather than
/// "'descr': '<f4'".  Only the header is read (at most 64 KiB of it).
/// The first `limit` bytes of a file, or all of it when shorter.  Read,
/// not mapped: a mapped slice past the end of a short file faults (SIGBUS)
/// when touched.
static Expected<std::string> fileHead(StringRef path, size_t limit) {
  std::ifstream in(path.str(), std::ios::binary);
  if (!in)
    return dataError(path, "cannot read: " + std::string(strerror(errno)));
  std::string head(limit, '\0');
  in.read(head.data(), std::streamsize(limit));
  head.resize(size_t(in.gcount()));
  return head;
}

static Expected<bool> isRecordNpy(StringRef path) {
  auto file = fileHead(path, 65536);
  if (!file)
    return file.takeError();
  StringRef header = *file;
  if (!header.startswith("\x93NUMPY"))
    return false; // readNpy names what is wrong
  size_t at = header.find("'descr'");
  if (at == StringRef::npos)
    return false;
  StringRef value = header.drop_front(at + 7).ltrim(" :");
  return value.startswith("[");
}

Expected<bool> snnc::isEventFile(StringRef path) {
  if (Error err = requireRegularFile(path))
    return classify<InputError>(std::move(err));
  StringRef ext = llvm::sys::path::extension(path);
  if (ext.equals_insensitive(".npy"))
    return isRecordNpy(path);
  if (hasEventExtension(path))
    return true;
  auto head = fileHead(path, 9);
  if (!head)
    return head.takeError();
  return *head == "#!AER-DAT";
}

/// A name that only a file has: a directory called x.npy is a mistake
/// the array's reader names ("not a regular file"), not a dataset.
static bool hasFileExtension(StringRef path) {
  StringRef ext = llvm::sys::path::extension(path);
  return hasEventExtension(path) || ext.equals_insensitive(".gz") ||
         ext.equals_insensitive(".idx") || ext.equals_insensitive(".txt") ||
         path.endswith("-ubyte");
}

bool snnc::isEventDataset(StringRef path) {
  if (llvm::sys::path::extension(path).equals_insensitive(".txt"))
    return true;
  return llvm::sys::fs::is_directory(path) && !hasFileExtension(path);
}

namespace {
/// Lists samples while bounding their count and their bytes.
class SampleLister {
public:
  explicit SampleLister(StringRef input) : input(input) {}

  Error add(StringRef path, int64_t label) {
    if (samples.size() >= kMaxEventFiles)
      return dataError(input,
                       formatv("more than {0} event files", kMaxEventFiles));
    uint64_t size = 0;
    if (std::error_code ec = llvm::sys::fs::file_size(path, size))
      return dataError(path, "cannot read: " + ec.message());
    bytes = addBytes(bytes, size);
    samples.push_back({path.str(), label});
    return Error::success();
  }

  /// The samples, once their total size is known to be within the limit.
  Expected<std::vector<EventSample>> finish() {
    if (samples.empty())
      return dataError(input, "no event files (.bin, .aedat, .dat, .npy)");
    if (Error err = checkMemory(bytes, formatv("{0}: reading {1} event files",
                                               input, samples.size())
                                           .str()))
      return std::move(err);
    return std::move(samples);
  }

private:
  StringRef input;
  std::vector<EventSample> samples;
  uint64_t bytes = 0;
};

struct DirEntries {
  std::vector<std::string> files, dirs; // full paths, sorted
};
} // namespace

/// The entries of a directory, sorted, hidden ones ('.') left out.
static Expected<DirEntries> listDirectory(StringRef dir) {
  DirEntries entries;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = llvm::sys::path::filename(it->path());
    if (name.startswith("."))
      continue;
    auto status = it->status();
    if (!status)
      return dataError(it->path(),
                       "cannot read: " + status.getError().message());
    if (status->type() == llvm::sys::fs::file_type::directory_file)
      entries.dirs.push_back(it->path());
    else if (hasEventExtension(name))
      entries.files.push_back(it->path());
    if (entries.files.size() + entries.dirs.size() > kMaxEventFiles)
      return dataError(dir, formatv("more than {0} entries", kMaxEventFiles));
  }
  if (ec)
    return dataError(dir, "cannot read: " + ec.message());
  llvm::sort(entries.files);
  llvm::sort(entries.dirs);
  return entries;
}

/// Class folders named 0..K-1 are those classes; others are numbered in
/// sorted order.
static std::vector<int64_t> classLabels(llvm::ArrayRef<std::string> dirs) {
  std::vector<int64_t> labels(dirs.size());
  std::vector<bool> seen(dirs.size());
  bool numbered = true;
  for (size_t i = 0; i < dirs.size() && numbered; ++i) {
    StringRef name = llvm::sys::path::filename(dirs[i]);
    uint64_t value;
    numbered = !name.getAsInteger(10, value) && value < dirs.size() &&
               !seen[value] && std::to_string(value) == name;
    if (numbered) {
      seen[value] = true;
      labels[i] = int64_t(value);
    }
  }
  if (!numbered)
    for (size_t i = 0; i < dirs.size(); ++i)
      labels[i] = int64_t(i);
  return labels;
}

static Error listClassTree(StringRef dir, const DirEntries &top,
                           SampleLister &lister) {
  std::vector<int64_t> labels = classLabels(top.dirs);
  for (size_t c = 0; c < top.dirs.size(); ++c) {
    auto entries = listDirectory(top.dirs[c]);
    if (!entries)
      return entries.takeError();
    if (entries->files.empty())
      return dataError(top.dirs[c], "class folder without event files (.bin, "
                                    ".aedat, .dat, .npy)");
    for (const std::string &file : entries->files)
      if (Error err = lister.add(file, labels[c]))
        return err;
  }
  return Error::success();
}

/// "path label" lines; the path may hold spaces (the label is the last
/// word).
static Error listFromFile(StringRef list, SampleLister &lister) {
  uint64_t size = 0;
  if (Error err = requireRegularFile(list))
    return classify<InputError>(std::move(err));
  if (std::error_code ec = llvm::sys::fs::file_size(list, size))
    return dataError(list, "cannot read: " + ec.message());
  if (Error err = checkMemory(size, list + ": list file"))
    return err;
  auto buffer = llvm::MemoryBuffer::getFile(list, /*IsText=*/true);
  if (!buffer)
    return dataError(list, "cannot read: " + buffer.getError().message());
  StringRef base = llvm::sys::path::parent_path(list);
  llvm::SmallVector<StringRef, 0> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    StringRef line = lines[i].trim();
    if (line.empty() || line.startswith("#"))
      continue;
    size_t space = line.find_last_of(" \t");
    StringRef file = space == StringRef::npos ? "" : line.take_front(space);
    int64_t label;
    if (file.trim().empty() ||
        line.drop_front(space + 1).getAsInteger(10, label) || label < 0)
      return dataError(list, formatv("line {0}: expected 'path label' (a "
                                     "label >= 0)",
                                     i + 1));
    llvm::SmallString<256> path(file.trim());
    if (!llvm::sys::path::is_absolute(path) && !base.empty())
      llvm::sys::fs::make_absolute(base, path);
    if (!llvm::sys::fs::is_regular_file(path))
      return dataError(list, formatv("line {0}: no file '{1}'", i + 1, path));
    if (Error err = lister.add(path, label))
      return err;
  }
  return Error::success();
}

Expected<std::vector<EventSample>> snnc::listEventSamples(StringRef path) {
  SampleLister lister(path);
  if (!llvm::sys::fs::is_directory(path)) {
    Error err = llvm::sys::path::extension(path).equals_insensitive(".txt")
                    ? listFromFile(path, lister)
                    : lister.add(path, -1);
    if (err)
      return std::move(err);
    return lister.finish();
  }
  auto top = listDirectory(path);
  if (!top)
    return top.takeError();
  if (top->dirs.empty() && top->files.empty())
    return dataError(path, "empty directory (expected event files, or one "
                           "folder of them per class)");
  // A class tree ignores loose files beside its folders (a README, a
  // labels file).
  if (!top->dirs.empty()) {
    if (Error err = listClassTree(path, *top, lister))
      return std::move(err);
  } else {
    for (const std::string &file : top->files)
      if (Error err = lister.add(file, -1))
        return std::move(err);
  }
  return lister.finish();
}

/// The options one file is binned with: the sensor from the file, else
/// the options, else the model.
static Expected<FrameOptions> sensorFor(const EventRecording &recording,
                                        StringRef path, FrameOptions options,
                                        SensorSize fallback) {
  if (recording.sensor.known())
    options.sensorSize = recording.sensor;
  else if (!options.sensorSize.known())
    options.sensorSize = fallback;
  if (!options.sensorSize.known())
    return dataError(path, "the sensor size is unknown (the format does not "
                           "record it): pass --frames sensor_size=WxHxP");
  return options;
}

/// Refuses frames [T, P, H, W] that are not what the model takes.
static Error checkFrames(const NDArray &frames, StringRef path,
                         const EventFrameTarget &target) {
  if (target.steps && frames.shape[0] != *target.steps)
    return dataError(path, formatv("binned to {0} frames, but the model runs "
                                   "{1} time steps (set --frames so that it "
                                   "gives {1})",
                                   frames.shape[0], *target.steps));
  std::vector<int64_t> frame(frames.shape.begin() + 1, frames.shape.end());
  if (!target.frameShape.empty() && frame != target.frameShape)
    return dataError(path, formatv("frames of {0} (sensor {1}x{2}x{3}), but "
                                   "the model takes {4}",
                                   shapeString(frame), frame[2], frame[1],
                                   frame[0], shapeString(target.frameShape)));
  return Error::success();
}

Expected<NDArray> snnc::loadEventFrames(llvm::ArrayRef<EventSample> samples,
                                        const FrameOptions &options,
                                        SensorSize fallback,
                                        const EventFrameTarget &target) {
  NDArray out;
  int64_t count = int64_t(samples.size()), frame = 0;
  for (int64_t n = 0; n < count; ++n) {
    StringRef path = samples[n].path;
    auto recording = readEvents(path);
    if (!recording)
      return recording.takeError();
    auto fileOptions = sensorFor(*recording, path, options, fallback);
    if (!fileOptions)
      return fileOptions.takeError();
    auto frames = toFrames(recording->events, *fileOptions);
    if (!frames)
      return prependToError(path + ": ", frames.takeError());
    if (Error err = checkFrames(*frames, path, target))
      return std::move(err);
    std::vector<int64_t> shape = frames->shape;
    if (n == 0) {
      // The first file sets the shape every other file must have.
      frame = NDArray::product(shape) / std::max<int64_t>(shape[0], 1);
      if (Error err = checkMemory(mulBytes(uint64_t(frame) * uint64_t(shape[0]),
                                           uint64_t(count) * sizeof(float)),
                                  formatv("binning {0} samples to frames {1}",
                                          count, shapeString(shape))
                                      .str()))
        return std::move(err);
      out.shape = {shape[0], count, shape[1], shape[2], shape[3]};
      out.data.resize(size_t(out.numElements()));
    } else if (shape[0] != out.shape[0] ||
               !std::equal(shape.begin() + 1, shape.end(),
                           out.shape.begin() + 2)) {
      return dataError(path,
                       formatv("frames {0}, but {1} has {2}",
                               shapeString(shape), samples[0].path,
                               shapeString({out.shape[0], out.shape[2],
                                            out.shape[3], out.shape[4]})));
    }
    for (int64_t t = 0; t < shape[0]; ++t)
      std::copy_n(frames->data.begin() + t * frame, frame,
                  out.data.begin() + (t * count + n) * frame);
  }
  return out;
}
