//===- Dataset.cpp - image and label files --------------------------------===//
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Npy.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"

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
