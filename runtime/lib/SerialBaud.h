//===- SerialBaud.h - a line rate termios has no constant for ---*- C++ -*-===//
#ifndef SNNC_RUNTIME_SERIALBAUD_H
#define SNNC_RUNTIME_SERIALBAUD_H

#include <cstdint>

namespace snnc::detail {
/// Sets the line of `fd` (already configured raw) to `baud` exactly, where
/// the system can (Linux: termios2 with BOTHER); false where it cannot.
bool setCustomBaud(int fd, int64_t baud);
} // namespace snnc::detail

#endif // SNNC_RUNTIME_SERIALBAUD_H
