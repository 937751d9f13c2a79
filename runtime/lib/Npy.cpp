//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
#include "snnc/Runtime/Npy.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Limits.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstring>

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

static Error npyError(StringRef path, const llvm::Twine &what) {
  return makeError<InputError>(path + ": " + what);
}

namespace {
struct NpyHeader {
  std::string descr;
  std::vector<int64_t> shape;
  size_t dataOffset = 0;
};

/// Finds `'key': value` in the header dict and returns the value text.
std::optional<StringRef> dictValue(StringRef dict, StringRef key) {
  size_t pos = dict.find(("'" + key + "'").str());
  if (pos == StringRef::npos)
    return std::nullopt;
  StringRef rest = dict.drop_front(pos + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

Expected<NpyHeader> parseHeader(StringRef bytes, StringRef path) {
  if (bytes.size() < 10 || !bytes.startswith("\x93NUMPY"))
    return npyError(path, "not a .npy file (bad magic)");
  uint8_t major = bytes[6];
  size_t headerLen, start;
  if (major == 1) {
    headerLen = llvm::support::endian::read16le(bytes.data() + 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return npyError(path, "truncated .npy header");
    headerLen = llvm::support::endian::read32le(bytes.data() + 8);
    start = 12;
  } else {
    return npyError(path, formatv("unsupported .npy version {0}", major));
  }
  if (bytes.size() < start + headerLen)
    return npyError(path, "truncated .npy header");
  StringRef dict = bytes.substr(start, headerLen).rtrim();
  // A header is one Python dict literal: "{...}" padded with spaces.
  if (!dict.startswith("{") || !dict.endswith("}"))
    return npyError(path, "malformed .npy header (not a dict)");
  NpyHeader header;
  header.dataOffset = start + headerLen;
  auto descr = dictValue(dict, "descr");
  auto order = dictValue(dict, "fortran_order");
  auto shape = dictValue(dict, "shape");
  if (!descr || !order || !shape || !descr->startswith("'"))
    return npyError(path, "malformed .npy header");
  header.descr =
      descr->drop_front().take_until([](char c) { return c == '\''; }).str();
  if (order->startswith("True"))
    return npyError(path, "Fortran-order arrays are not supported");
  if (!order->startswith("False"))
    return npyError(path, "malformed fortran_order in .npy header");
  if (!shape->consume_front("(") || !shape->contains(')'))
    return npyError(path, "malformed shape in .npy header");
  StringRef dims = shape->take_until([](char c) { return c == ')'; });
  llvm::SmallVector<StringRef, 4> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0)
      return npyError(path, "malformed shape in .npy header");
    header.shape.push_back(dim);
  }
  return header;
}

/// A .npy file in memory with its parsed header.
struct NpyFile {
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  NpyHeader header;
  StringRef bytes() const { return buffer->getBuffer(); }
};

Expected<NpyFile> openNpy(StringRef path) {
  if (Error err = requireRegularFile(path))
    return classify<InputError>(std::move(err));
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return npyError(path, "cannot read: " + buffer.getError().message());
  auto header = parseHeader((*buffer)->getBuffer(), path);
  if (!header)
    return header.takeError();
  return NpyFile{std::move(*buffer), std::move(*header)};
}

/// Checks that the file holds exactly the bytes the header announces.
Error checkSize(const NpyHeader &header, size_t fileSize, size_t elemSize,
                StringRef path) {
  // Checked before anything is allocated: a header may claim any shape.
  std::optional<int64_t> count = NDArray::checkedProduct(header.shape);
  size_t have = fileSize - header.dataOffset;
  if (!count || uint64_t(*count) > SIZE_MAX / elemSize)
    return npyError(
        path, formatv("shape {0} is too large", shapeString(header.shape)));
  size_t need = size_t(*count) * elemSize;
  // Read as float32 or int64: at most 8 bytes an element in memory.
  if (Error err = checkMemory(mulBytes(uint64_t(*count), 8),
                              path + ": shape " + shapeString(header.shape)))
    return err;
  if (have < need)
    return npyError(path, formatv("truncated: shape {0} needs {1} bytes of "
                                  "data, the file has {2}",
                                  shapeString(header.shape), need, have));
  if (have > need)
    return npyError(path, formatv("{0} bytes of trailing data after the array",
                                  have - need));
  return Error::success();
}
} // namespace

Expected<NDArray> snnc::readNpy(StringRef path) {
  auto file = openNpy(path);
  if (!file)
    return file.takeError();
  StringRef bytes = file->bytes();
  const NpyHeader *header = &file->header;
  if (header->descr != "<f4")
    return npyError(
        path, formatv("dtype '{0}' is not float32 ('<f4')", header->descr));
  if (Error err = checkSize(*header, bytes.size(), 4, path))
    return std::move(err);
  NDArray array;
  array.shape = header->shape;
  array.data.resize(array.numElements());
  if (!array.data.empty())
    std::memcpy(array.data.data(), bytes.data() + header->dataOffset,
                array.data.size() * sizeof(float));
  return array;
}

Expected<std::vector<int64_t>> snnc::readNpyIntegers(StringRef path) {
  auto file = openNpy(path);
  if (!file)
    return file.takeError();
  StringRef bytes = file->bytes();
  const NpyHeader *header = &file->header;
  size_t elem;
  if (header->descr == "<i8")
    elem = 8;
  else if (header->descr == "<i4")
    elem = 4;
  else if (header->descr == "|u1")
    elem = 1;
  else
    return npyError(path, formatv("dtype '{0}' is not an integer type "
                                  "(int64, int32 or uint8)",
                                  header->descr));
  if (header->shape.size() != 1)
    return npyError(path, formatv("labels must be 1-D, shape is {0}",
                                  shapeString(header->shape)));
  if (Error err = checkSize(*header, bytes.size(), elem, path))
    return std::move(err);
  std::vector<int64_t> values(header->shape[0]);
  const char *data = bytes.data() + header->dataOffset;
  for (size_t i = 0; i < values.size(); ++i) {
    if (elem == 8)
      values[i] = int64_t(llvm::support::endian::read64le(data + 8 * i));
    else if (elem == 4)
      values[i] = int32_t(llvm::support::endian::read32le(data + 4 * i));
    else
      values[i] = uint8_t(data[i]);
  }
  return values;
}

void snnc::encodeNpy(const NDArray &array, llvm::raw_ostream &out) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (int64_t dim : array.shape)
    dict += std::to_string(dim) + (array.shape.size() == 1 ? "," : ", ");
  if (array.shape.size() > 1)
    dict.resize(dict.size() - 2);
  dict += "), }";
  // Pad so that the data starts on a 64-byte boundary, as numpy does.
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';

  out << "\x93NUMPY" << char(1) << char(0);
  out << char(dict.size() & 0xff) << char(dict.size() >> 8) << dict;
  out.write(reinterpret_cast<const char *>(array.data.data()),
            array.data.size() * sizeof(float));
}

Error snnc::writeNpy(StringRef path, const NDArray &array) {
  return writeFileAtomically(
      path, [&](llvm::raw_ostream &out) { encodeNpy(array, out); });
}
