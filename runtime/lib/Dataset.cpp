//===- Dataset.cpp - image and label files --------------------------------===//
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Files.h"
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
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + what);
}

/// Reads a whole file through zlib, which passes uncompressed files through.
static Expected<std::string> readMaybeGzip(StringRef path) {
  if (Error err = requireRegularFile(path))
    return std::move(err);
  gzFile file = gzopen(path.str().c_str(), "rb");
  if (!file)
    return dataError(path, "cannot read");
  std::string bytes;
  char chunk[1 << 16];
  int got;
  while ((got = gzread(file, chunk, sizeof(chunk))) > 0)
    bytes.append(chunk, got);
  int zstatus;
  // Copied: gzclose frees the message.
  std::string message = gzerror(file, &zstatus);
  gzclose(file);
  if (got < 0 || (zstatus != Z_OK && zstatus != Z_STREAM_END)) {
    // zlib prefixes its message with the path, which dataError names.
    StringRef what(message);
    what.consume_front((path + ": ").str());
    return dataError(path, "corrupt gzip data: " + what);
  }
  return bytes;
}

namespace {
struct Idx {
  std::vector<int64_t> dims;
  std::string bytes; // the whole file
  size_t offset = 0;
};
} // namespace

static Expected<Idx> readIdx(StringRef path) {
  auto bytes = readMaybeGzip(path);
  if (!bytes)
    return bytes.takeError();
  Idx idx;
  idx.bytes = std::move(*bytes);
  const std::string &b = idx.bytes;
  if (b.size() < 4 || b[0] != 0 || b[1] != 0)
    return dataError(path, "not an IDX file (bad magic)");
  if (uint8_t(b[2]) != 0x08)
    return dataError(path, "IDX data must be unsigned bytes (type 0x08)");
  int ndim = uint8_t(b[3]);
  idx.offset = 4 + 4 * size_t(ndim);
  if (ndim < 1 || b.size() < idx.offset)
    return dataError(path, "truncated IDX header");
  for (int i = 0; i < ndim; ++i)
    idx.dims.push_back(llvm::support::endian::read32be(b.data() + 4 + 4 * i));
  std::optional<int64_t> count = NDArray::checkedProduct(idx.dims);
  size_t need = count ? size_t(*count) : SIZE_MAX;
  if (b.size() - idx.offset != need)
    return dataError(
        path, formatv("IDX dims {0} need {1} bytes, the file has {2}",
                      shapeString(idx.dims), need, b.size() - idx.offset));
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
    images.data[i] = float(uint8_t(idx->bytes[idx->offset + i])) / 255.0f;
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
    labels[i] = uint8_t(idx->bytes[idx->offset + i]);
  return labels;
}
