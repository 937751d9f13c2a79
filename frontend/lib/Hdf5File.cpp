//===- Hdf5File.cpp - a read-only view of an HDF5 file --------------------===//
#include "Hdf5File.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"

#include <cstring>
#include <hdf5.h>

using namespace snnc::hdf5;
using llvm::formatv;

namespace {

llvm::Error fail(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), what);
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

llvm::Expected<std::vector<std::string>> readStrings(hid_t dataset, hid_t type,
                                                     hid_t space, size_t count,
                                                     const std::string &path) {
  std::vector<std::string> out;
  if (H5Tis_variable_str(type) > 0) {
    Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memType, H5T_VARIABLE);
    // No conversion path exists between character sets: read as stored
    // (h5py writes UTF-8).
    H5Tset_cset(memType, H5Tget_cset(type));
    std::vector<char *> pointers(count, nullptr);
    if (H5Dread(dataset, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                pointers.data()) < 0)
      return fail(formatv("'{0}': cannot read its strings", path));
    for (char *p : pointers)
      out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(memType, space, H5P_DEFAULT, pointers.data());
    return out;
  }
  size_t width = H5Tget_size(type);
  if (width == 0 || width > 4096 || width * count > size_t(File::kMaxElements))
    return fail(
        formatv("'{0}': strings of {1} bytes are too long", path, width));
  Handle memType(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memType, width);
  H5Tset_cset(memType, H5Tget_cset(type));
  // NUL-terminated padding would cut a full-width string's last character.
  H5Tset_strpad(memType, H5T_STR_NULLPAD);
  std::vector<char> buffer(width * count);
  if (H5Dread(dataset, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) <
      0)
    return fail(formatv("'{0}': cannot read its strings", path));
  for (size_t i = 0; i < count; ++i) {
    const char *s = buffer.data() + i * width;
    out.emplace_back(s, strnlen(s, width));
  }
  return out;
}

} // namespace

int64_t Dataset::size() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
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

bool File::isGroup(const std::string &path) const {
  if (!exists(path))
    return false;
  Handle group(H5Gopen2(hid_t(handle), path.c_str(), H5P_DEFAULT), H5Gclose);
  return group.valid();
}

llvm::Expected<std::vector<std::string>>
File::children(const std::string &path) const {
  Handle group(H5Gopen2(hid_t(handle), path.c_str(), H5P_DEFAULT), H5Gclose);
  if (!group.valid())
    return fail(formatv("'{0}' is not a group", path));
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0 || info.nlinks > 100000)
    return fail(formatv("'{0}': cannot list its members", path));
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC,
                                        i, nullptr, 0, H5P_DEFAULT);
    if (length <= 0 || length > 4096)
      return fail(formatv("'{0}': a member has no usable name", path));
    std::string name(size_t(length) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                       name.size(), H5P_DEFAULT);
    name.resize(size_t(length));
    names.push_back(std::move(name));
  }
  return names;
}

llvm::Expected<Dataset> File::read(const std::string &path) const {
  if (!exists(path)) {
    H5L_info_t info;
    if (H5Lget_info(hid_t(handle), path.c_str(), &info, H5P_DEFAULT) >= 0 &&
        info.type != H5L_TYPE_HARD)
      return fail(formatv("'{0}' is a soft or external link; snnc reads only "
                          "plain datasets of the file it is given",
                          path));
    return fail(formatv("'{0}' is missing", path));
  }
  Handle dataset(H5Dopen2(hid_t(handle), path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid())
    return fail(formatv("'{0}' is not a dataset", path));
  // A dataset may keep its bytes in other files (external storage, virtual
  // datasets): snnc reads nothing the command did not name.
  Handle creation(H5Dget_create_plist(dataset), H5Pclose);
  if (!creation.valid() || H5Pget_external_count(creation) != 0 ||
      H5Pget_layout(creation) == H5D_VIRTUAL)
    return fail(formatv("'{0}' keeps its data in another file; snnc reads "
                        "only the file it is given",
                        path));
  Handle space(H5Dget_space(dataset), H5Sclose);
  int rank = space.valid() ? H5Sget_simple_extent_ndims(space) : -1;
  if (rank < 0 || rank > 8)
    return fail(formatv("'{0}' has an unsupported shape", path));
  hsize_t dims[8] = {};
  H5Sget_simple_extent_dims(space, dims, nullptr);
  Dataset out;
  uint64_t count = 1;
  for (int d = 0; d < rank; ++d) {
    if (dims[d] > uint64_t(kMaxElements) ||
        (count *= dims[d]) > uint64_t(kMaxElements))
      return fail(
          formatv("'{0}' holds more than {1} elements", path, kMaxElements));
    out.shape.push_back(int64_t(dims[d]));
  }
  Handle type(H5Dget_type(dataset), H5Tclose);
  switch (H5Tget_class(type)) {
  case H5T_INTEGER:
  case H5T_FLOAT:
    out.numbers.resize(count);
    if (H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                out.numbers.data()) < 0)
      return fail(formatv("'{0}': cannot read its numbers", path));
    return out;
  case H5T_STRING: {
    auto strings = readStrings(dataset, type, space, count, path);
    if (!strings)
      return strings.takeError();
    out.strings = std::move(*strings);
    out.isString = true;
    return out;
  }
  default:
    return fail(formatv("'{0}' is neither numbers nor strings", path));
  }
}
