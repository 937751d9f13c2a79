//===- FuzzInput.h - a fuzzer's bytes as a file ---------------------------===//
//
// The .npy and IDX readers take paths (they check for a regular file and
// choose gzip by content).  An anonymous in-memory file (memfd) is a
// regular file, so each input reaches them through /proc/self/fd without
// touching the disk.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TESTS_FUZZ_FUZZINPUT_H
#define SNNC_TESTS_FUZZ_FUZZINPUT_H

#include "snnc/Runtime/Limits.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace snnc::fuzz {

class MemoryFile {
public:
  MemoryFile(const uint8_t *data, size_t size) {
    fd = ::memfd_create("snnc-fuzz", 0);
    if (fd < 0)
      std::abort();
    for (size_t done = 0; done < size;) {
      ssize_t n = ::write(fd, data + done, size - done);
      if (n <= 0)
        std::abort();
      done += size_t(n);
    }
    path = "/proc/self/fd/" + std::to_string(fd);
  }
  ~MemoryFile() { ::close(fd); }
  std::string path;

private:
  int fd = -1;
};

/// The memory limit every fuzzer runs under, as --max-memory would set it.
inline void limitMemory() {
  static bool limited = (setMemoryLimit(uint64_t(256) << 20), true);
  (void)limited;
}

/// Runs each reader on the input as a file; their errors are expected.
template <typename... Readers>
int readAsFile(const uint8_t *data, size_t size, Readers... readers) {
  limitMemory();
  MemoryFile file(data, size);
  auto consume = [](auto result) {
    if (!result)
      llvm::consumeError(result.takeError());
  };
  (consume(readers(file.path)), ...);
  return 0;
}

} // namespace snnc::fuzz

#endif // SNNC_TESTS_FUZZ_FUZZINPUT_H
