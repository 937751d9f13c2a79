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

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace snnc::hdf5 {

/// A name from a file as a message or an IR name shows it: control bytes
/// (< 0x20, 0x7f), backslashes and bytes that are not UTF-8 become \xNN,
/// so that a crafted name can neither forge lines nor send terminal
/// escapes, and two different names never print alike.
std::string printable(llvm::StringRef name);

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

/// The memory that what is read from one file may take, against snnc's
/// memory limit (--max-memory).  A dataset that was never written costs no
/// bytes on disk, whatever its dataspace says: a 47 KB file can describe
/// gigabytes, so each read takes its bytes here before it allocates them.
class Budget {
public:
  /// `copies`: how many times the reader's caller holds what it reads.
  explicit Budget(unsigned copies) : copies(copies) {}
  /// Takes `bytes` for the dataset at `path`, or fails with the memory
  /// limit's one line.
  llvm::Error take(uint64_t bytes, const std::string &path);
  /// The bytes a read may still take.
  uint64_t left() const;

private:
  unsigned copies;
  uint64_t used = 0;
};

/// An open HDF5 file.  Paths are HDF5 paths ("/node/nodes/fc1").
class File {
public:
  static llvm::Expected<std::unique_ptr<File>> open(const std::string &path);
  ~File();

  /// Whether `path` is an object reached through hard links only.
  bool exists(const std::string &path) const;
  /// Whether a link of any kind is at `path`, whose parent exists().
  bool hasLink(const std::string &path) const;
  bool isGroup(const std::string &path) const;
  /// The names of a group's children, sorted; fails, naming the group, when
  /// it has more than `maxMembers`.  One pass over the links: linear time.
  llvm::Expected<std::vector<std::string>> children(const std::string &group,
                                                    uint64_t maxMembers) const;
  /// Reads a dataset of at most `maxElements` elements, taking its memory
  /// from `budget`; both are checked from the dataset's header before its
  /// data is read (the bytes of variable-length strings as they are read).
  llvm::Expected<Dataset> read(const std::string &path, int64_t maxElements,
                               Budget &budget) const;

  /// The most elements one dataset may hold (a bound against hostile files).
  static constexpr int64_t kMaxElements = int64_t(1) << 26;
  /// The longest string or name read.
  static constexpr size_t kMaxStringBytes = 4096;

private:
  explicit File(int64_t handle) : handle(handle) {}
  int64_t handle;
};

} // namespace snnc::hdf5

#endif // SNNC_FRONTEND_LIB_HDF5FILE_H
