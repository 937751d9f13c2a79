//===- Hdf5File.h - a read-only view of an HDF5 file -----------*- C++ -*-===//
//
// Just what the NIR reader needs from libhdf5: groups, their children in
// name order, and datasets read as numbers or strings.  Every size is
// checked before anything is allocated, HDF5's own error printing is off,
// and every failure is an llvm::Error naming the object's path.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_FRONTEND_LIB_HDF5FILE_H
#define SNNC_FRONTEND_LIB_HDF5FILE_H

#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace snnc::hdf5 {

/// A dataset's contents: numbers (any integer or float type, converted to
/// double) or strings (fixed or variable length), with the dataset's shape
/// ({} for a scalar).
struct Dataset {
  std::vector<int64_t> shape;
  std::vector<double> numbers;
  std::vector<std::string> strings;
  bool isString = false;

  int64_t size() const;
};

/// An open HDF5 file.  Paths are HDF5 paths ("/node/nodes/fc1").
class File {
public:
  static llvm::Expected<std::unique_ptr<File>> open(const std::string &path);
  ~File();

  bool exists(const std::string &path) const;
  bool isGroup(const std::string &path) const;
  /// The names of a group's children, sorted.
  llvm::Expected<std::vector<std::string>>
  children(const std::string &group) const;
  llvm::Expected<Dataset> read(const std::string &path) const;

  /// The most elements one dataset may hold (a bound against hostile files).
  static constexpr int64_t kMaxElements = int64_t(1) << 26;

private:
  explicit File(int64_t handle) : handle(handle) {}
  int64_t handle;
};

} // namespace snnc::hdf5

#endif // SNNC_FRONTEND_LIB_HDF5FILE_H
