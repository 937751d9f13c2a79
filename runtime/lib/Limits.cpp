//===- Limits.cpp - the resources one command may take --------------------===//
#include "snnc/Runtime/Limits.h"

#include "llvm/Support/FormatVariadic.h"

#include <atomic>
#include <cmath>
#include <sys/resource.h>
#include <unistd.h>

using namespace snnc;

namespace {
std::atomic<uint64_t> &limitSlot() {
  static std::atomic<uint64_t> limit{defaultMemoryLimit()};
  return limit;
}

/// The soft limit `resource` sets, or UINT64_MAX.
uint64_t processLimit(int resource) {
  struct rlimit limit;
  if (::getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return UINT64_MAX;
  return uint64_t(limit.rlim_cur);
}
} // namespace

uint64_t snnc::defaultMemoryLimit() {
  long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
  uint64_t physical = pages > 0 && pageSize > 0
                          ? uint64_t(pages) * uint64_t(pageSize)
                          : uint64_t(4) << 30;
  uint64_t limit = physical / 2;
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    uint64_t cap = processLimit(resource);
    if (cap != UINT64_MAX)
      limit = std::min(limit, cap / 4 * 3);
  }
  return limit;
}

uint64_t snnc::memoryLimit() { return limitSlot().load(); }

void snnc::setMemoryLimit(uint64_t bytes) { limitSlot().store(bytes); }

uint64_t snnc::addBytes(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t snnc::mulBytes(uint64_t a, uint64_t b) {
  return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

std::string snnc::formatBytes(uint64_t bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = double(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 6) {
    value /= 1024.0;
    ++unit;
  }
  if (unit == 0)
    return llvm::formatv("{0} B", bytes).str();
  return llvm::formatv("{0:F1} {1}", value, units[unit]).str();
}

llvm::Error snnc::checkMemory(uint64_t bytes, const llvm::Twine &what) {
  uint64_t limit = memoryLimit();
  if (bytes <= limit)
    return llvm::Error::success();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      what + " needs about " +
          (bytes == UINT64_MAX ? std::string("more than 16 EiB")
                               : formatBytes(bytes)) +
          ", more than the memory limit of " + formatBytes(limit) +
          " (raise it with --max-memory)");
}

llvm::Expected<uint64_t> snnc::parseByteSize(llvm::StringRef text) {
  auto bad = [&] {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + text +
                                       "' is not a size (e.g. 4096, 512M, 2G)");
  };
  llvm::StringRef number = text.trim();
  double scale = 1;
  if (!number.empty()) {
    switch (std::toupper(number.back())) {
    case 'K':
      scale = 1024.0;
      break;
    case 'M':
      scale = 1024.0 * 1024;
      break;
    case 'G':
      scale = 1024.0 * 1024 * 1024;
      break;
    case 'T':
      scale = 1024.0 * 1024 * 1024 * 1024;
      break;
    }
    if (scale != 1)
      number = number.drop_back();
  }
  double value;
  if (number.empty() || number.getAsDouble(value) || !std::isfinite(value) ||
      value <= 0 || value * scale >= 1.8e19)
    return bad();
  return uint64_t(value * scale);
}
