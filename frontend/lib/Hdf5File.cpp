//===- Hdf5File.cpp - a read-only view of an HDF5 file --------------------===//
#include "Hdf5File.h"
#include "snnc/Runtime/Errors.h"

#include "snnc/Runtime/Limits.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cstring>
#include <hdf5.h>

using namespace snnc;
using namespace snnc::hdf5;
using llvm::formatv;

namespace {

llvm::Error fail(const llvm::Twine &what) {
  return makeError<ModelError>(what);
}

/// Owns an HDF5 identifier and closes it with the matching call.
class Handle {
public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id(id), close(close) {}
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  ~Handle() {
    if (id >= 0)
      close(id);
  }
  bool valid() const { return id >= 0; }
  operator hid_t() const { return id; }

private:
  hid_t id;
  herr_t (*close)(hid_t);
};

/// HDF5 prints a stack of errors to stderr by default; snnc reports one line.
void silenceLibrary() {
  static bool done = [] {
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

/// Whether the UTF-8 sequence of `length` bytes at `at` may print as it is:
/// well formed, and not a C1 control (U+0080..U+009F; U+009B is a terminal's
/// CSI).
bool printableSequence(llvm::StringRef name, size_t at, unsigned length) {
  if (at + length > name.size())
    return false;
  const auto *bytes = reinterpret_cast<const llvm::UTF8 *>(name.data() + at);
  if (!llvm::isLegalUTF8Sequence(bytes, bytes + length))
    return false;
  return !(bytes[0] == 0xc2 && bytes[1] < 0xa0);
}

/// The variable-length strings of one read come from here: HDF5 allocates
/// each through the transfer's memory manager, so a string (or a fill value
/// repeated over millions of elements) larger than the budget is refused
/// before it exists.  The arena frees everything at once, also what a read
/// that failed halfway had converted.
struct StringArena {
  uint64_t limit, used = 0;
  bool tooLong = false, overBudget = false;
  std::vector<std::unique_ptr<char[]>> blocks;

  static void *allocate(size_t size, void *info) {
    auto *arena = static_cast<StringArena *>(info);
    if (size > File::kMaxStringBytes + 1) {
      arena->tooLong = true;
      return nullptr;
    }
    if (size > arena->limit - arena->used) {
      arena->overBudget = true;
      return nullptr;
    }
    arena->used += size;
    arena->blocks.emplace_back(new (std::nothrow) char[size ? size : 1]);
    return arena->blocks.back().get();
  }
  static void release(void *, void *) {}
};

llvm::Expected<std::vector<std::string>>
readVariableStrings(hid_t dataset, hid_t type, uint64_t count, Budget &budget,
                    const std::string &path) {
  if (llvm::Error err = budget.take(
          mulBytes(count, sizeof(char *) + sizeof(std::string)), path))
    return std::move(err);
  Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memType, H5T_VARIABLE);
  // No conversion path exists between character sets: read as stored
  // (h5py writes UTF-8).
  H5Tset_cset(memType, H5Tget_cset(type));
  StringArena arena{budget.left()};
  Handle transfer(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_vlen_mem_manager(transfer, StringArena::allocate, &arena,
                          StringArena::release, &arena);
  std::vector<char *> pointers(count, nullptr);
  if (H5Dread(dataset, memType, H5S_ALL, H5S_ALL, transfer, pointers.data()) <
      0) {
    if (arena.tooLong)
      return fail(formatv("'{0}': a string is longer than {1} bytes",
                          printable(path), File::kMaxStringBytes));
    if (arena.overBudget)
      return fail(formatv("'{0}': its strings need more memory than is left "
                          "under the limit of {1} (raise it with --max-memory)",
                          printable(path), formatBytes(memoryLimit())));
    return fail(formatv("'{0}': cannot read its strings", printable(path)));
  }
  if (llvm::Error err = budget.take(arena.used, path))
    return std::move(err);
  std::vector<std::string> out;
  out.reserve(count);
  for (char *p : pointers)
    out.emplace_back(p ? p : "");
  return out;
}

llvm::Expected<std::vector<std::string>>
readFixedStrings(hid_t dataset, hid_t type, uint64_t count, Budget &budget,
                 const std::string &path) {
  size_t width = H5Tget_size(type);
  if (width == 0 || width > File::kMaxStringBytes ||
      width * count > size_t(File::kMaxElements))
    return fail(formatv("'{0}': strings of {1} bytes are too long",
                        printable(path), width));
  // The buffer, then the strings made of it.
  if (llvm::Error err =
          budget.take(mulBytes(count, 2 * width + sizeof(std::string)), path))
    return std::move(err);
  Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memType, width);
  H5Tset_cset(memType, H5Tget_cset(type));
  // NUL-terminated padding would cut a full-width string's last character.
  H5Tset_strpad(memType, H5T_STR_NULLPAD);
  std::vector<char> buffer(width * count);
  if (H5Dread(dataset, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) <
      0)
    return fail(formatv("'{0}': cannot read its strings", printable(path)));
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const char *s = buffer.data() + i * width;
    out.emplace_back(s, strnlen(s, width));
  }
  return out;
}

/// A dataset may keep its bytes in other files (external storage, virtual
/// datasets): snnc reads nothing the command did not name.
llvm::Error checkStorage(hid_t creation, const std::string &path) {
  if (creation < 0 || H5Pget_external_count(creation) != 0 ||
      H5Pget_layout(creation) == H5D_VIRTUAL)
    return fail(formatv("'{0}' keeps its data in another file; snnc reads "
                        "only the file it is given",
                        printable(path)));
  return llvm::Error::success();
}

/// The dataset's shape into `shape`, and its element count, at most
/// `maxElements`.
llvm::Expected<uint64_t> readShape(hid_t space, int64_t maxElements,
                                   const std::string &path,
                                   std::vector<int64_t> &shape) {
  int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
  if (rank < 0 || rank > 8)
    return fail(formatv("'{0}' has an unsupported shape", printable(path)));
  hsize_t dims[8] = {};
  H5Sget_simple_extent_dims(space, dims, nullptr);
  uint64_t count = 1;
  for (int d = 0; d < rank; ++d) {
    // Both factors are at most 2^26: the product cannot wrap.
    if (dims[d] > uint64_t(maxElements) ||
        (count *= dims[d]) > uint64_t(maxElements))
      return fail(formatv("'{0}' holds more than {1} values", printable(path),
                          maxElements));
    shape.push_back(int64_t(dims[d]));
  }
  return count;
}

/// HDF5 reads a chunked dataset a whole chunk at a time: a chunk larger than
/// the dataset itself costs its own size.
uint64_t chunkBytes(hid_t creation, hid_t type) {
  if (H5Pget_layout(creation) != H5D_CHUNKED)
    return 0;
  hsize_t dims[32] = {};
  int rank = H5Pget_chunk(creation, 32, dims);
  uint64_t bytes = H5Tget_size(type);
  for (int d = 0; d < rank; ++d)
    bytes = mulBytes(bytes, dims[d]);
  return bytes;
}

/// Collects the names H5Literate visits.
struct Listing {
  uint64_t maxMembers;
  std::vector<std::string> names;
  bool tooMany = false, badName = false;

  static herr_t visit(hid_t, const char *name, const H5L_info_t *, void *data) {
    auto *listing = static_cast<Listing *>(data);
    size_t length = strnlen(name, File::kMaxStringBytes + 1);
    listing->badName = length == 0 || length > File::kMaxStringBytes;
    listing->tooMany = listing->names.size() == listing->maxMembers;
    if (listing->badName || listing->tooMany)
      return 1; // stops the iteration
    listing->names.emplace_back(name, length);
    return 0;
  }
};

} // namespace

std::string hdf5::printable(llvm::StringRef name) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    auto byte = static_cast<unsigned char>(name[i]);
    unsigned length = byte < 0x80 ? 1 : llvm::getNumBytesForUTF8(byte);
    bool plain = byte < 0x80 ? byte >= 0x20 && byte != 0x7f && byte != '\\'
                             : printableSequence(name, i, length);
    if (plain) {
      out.append(name.data() + i, length);
      i += length;
      continue;
    }
    out += "\\x";
    out += digits[byte >> 4];
    out += digits[byte & 15];
    ++i;
  }
  return out;
}

int64_t Dataset::size() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

llvm::Error Budget::take(uint64_t bytes, const std::string &path) {
  uint64_t total = addBytes(used, mulBytes(bytes, copies));
  if (llvm::Error err =
          checkMemory(total, "the NIR data, with '" + printable(path) + "',"))
    return err;
  used = total;
  return llvm::Error::success();
}

uint64_t Budget::left() const {
  uint64_t limit = memoryLimit();
  return used >= limit ? 0 : (limit - used) / copies;
}

llvm::Expected<std::unique_ptr<File>> File::open(const std::string &path) {
  silenceLibrary();
  if (H5Fis_hdf5(path.c_str()) <= 0)
    return fail("not an HDF5 file (a NIR graph is written by nir.write)");
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0)
    return fail("cannot open the HDF5 file");
  return std::unique_ptr<File>(new File(id));
}

File::~File() { H5Fclose(hid_t(handle)); }

bool File::exists(const std::string &path) const {
  // H5Lexists needs every parent to exist: check the path link by link.
  // Only hard links count: a soft or external link could lead elsewhere,
  // external ones into another file (never opened: see read()).
  std::string prefix;
  llvm::SmallVector<llvm::StringRef, 8> parts;
  llvm::StringRef(path).split(parts, '/', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts) {
    prefix += "/" + part.str();
    H5L_info_t info;
    if (H5Lexists(hid_t(handle), prefix.c_str(), H5P_DEFAULT) <= 0 ||
        H5Lget_info(hid_t(handle), prefix.c_str(), &info, H5P_DEFAULT) < 0 ||
        info.type != H5L_TYPE_HARD)
      return false;
  }
  return true;
}

bool File::hasLink(const std::string &path) const {
  // Only the last link is looked at, not followed.
  return H5Lexists(hid_t(handle), path.c_str(), H5P_DEFAULT) > 0;
}

bool File::isGroup(const std::string &path) const {
  if (!exists(path))
    return false;
  Handle group(H5Gopen2(hid_t(handle), path.c_str(), H5P_DEFAULT), H5Gclose);
  return group.valid();
}

llvm::Expected<std::vector<std::string>>
File::children(const std::string &path, uint64_t maxMembers) const {
  Handle group(H5Gopen2(hid_t(handle), path.c_str(), H5P_DEFAULT), H5Gclose);
  if (!group.valid())
    return fail(formatv("'{0}' is not a group", printable(path)));
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0)
    return fail(formatv("'{0}': cannot list its members", printable(path)));
  if (info.nlinks > maxMembers)
    return fail(formatv("'{0}' has {1} members, more than the {2} snnc reads",
                        printable(path), info.nlinks, maxMembers));
  // One pass in the storage's own order, then one sort: asking for the
  // i-th name in name order costs a lookup (or a sort) per name, quadratic
  // in the member count.
  Listing listing{maxMembers};
  listing.names.reserve(info.nlinks);
  hsize_t at = 0;
  herr_t status = H5Literate(group, H5_INDEX_NAME, H5_ITER_NATIVE, &at,
                             Listing::visit, &listing);
  if (listing.tooMany)
    return fail(formatv("'{0}' has more than {1} members", printable(path),
                        maxMembers));
  if (listing.badName)
    return fail(formatv("'{0}': a member's name is empty or longer than {1} "
                        "bytes",
                        printable(path), kMaxStringBytes));
  if (status < 0)
    return fail(formatv("'{0}': cannot list its members", printable(path)));
  std::sort(listing.names.begin(), listing.names.end());
  return std::move(listing.names);
}

llvm::Expected<Dataset> File::read(const std::string &path, int64_t maxElements,
                                   Budget &budget) const {
  if (!exists(path)) {
    H5L_info_t info;
    if (H5Lget_info(hid_t(handle), path.c_str(), &info, H5P_DEFAULT) >= 0 &&
        info.type != H5L_TYPE_HARD)
      return fail(formatv("'{0}' is a soft or external link; snnc reads only "
                          "plain datasets of the file it is given",
                          printable(path)));
    return fail(formatv("'{0}' is missing", printable(path)));
  }
  Handle dataset(H5Dopen2(hid_t(handle), path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid())
    return fail(formatv("'{0}' is not a dataset", printable(path)));
  Handle creation(H5Dget_create_plist(dataset), H5Pclose);
  if (llvm::Error err = checkStorage(creation, path))
    return std::move(err);
  Dataset out;
  Handle space(H5Dget_space(dataset), H5Sclose);
  auto count =
      readShape(space, std::min(maxElements, kMaxElements), path, out.shape);
  if (!count)
    return count.takeError();
  Handle type(H5Dget_type(dataset), H5Tclose);
  H5T_class_t kind = H5Tget_class(type);
  if (kind != H5T_INTEGER && kind != H5T_FLOAT && kind != H5T_STRING)
    return fail(
        formatv("'{0}' is neither numbers nor strings", printable(path)));
  // Taken before anything is read: a chunk is held while it is read.
  if (llvm::Error err = budget.take(chunkBytes(creation, type), path))
    return std::move(err);
  if (kind == H5T_STRING) {
    auto strings =
        H5Tis_variable_str(type) > 0
            ? readVariableStrings(dataset, type, *count, budget, path)
            : readFixedStrings(dataset, type, *count, budget, path);
    if (!strings)
      return strings.takeError();
    out.strings = std::move(*strings);
    out.isString = true;
    return out;
  }
  if (llvm::Error err = budget.take(mulBytes(*count, sizeof(double)), path))
    return std::move(err);
  out.numbers.resize(*count);
  if (H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
              out.numbers.data()) < 0)
    return fail(formatv("'{0}': cannot read its numbers", printable(path)));
  return out;
}
