//===- SerialPort.h - the byte pipe under the host link --------*- C++ -*-===//
//
// What SerialBus's request protocol needs of a serial line: write bytes,
// and read whatever arrives before a deadline.  FdSerialPort is the real
// one (a tty opened raw, termios, poll); unit tests give SerialBus a fake
// port that answers like a board (tests/unit/SerialProtocolTest.cpp).
//
// Error messages here do not name the device: SerialBus prefixes them with
// "board DEVICE: ", like every other link error.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_SERIALPORT_H
#define SNNC_RUNTIME_SERIALPORT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace snnc {

class SerialPort {
public:
  enum class ReadStatus {
    Data,    // at least one byte was appended
    Timeout, // the deadline passed with nothing received
    Gone,    // the line was closed or failed
  };

  virtual ~SerialPort();

  /// Waits until bytes arrive or the clock (nowMs) reaches `deadlineMs`,
  /// and appends what arrived to `into`.
  virtual ReadStatus read(std::vector<uint8_t> &into, int64_t deadlineMs) = 0;
  /// Sends all of `bytes`, waiting at most `timeoutMs` each time the line
  /// stops taking data.
  virtual llvm::Error write(llvm::ArrayRef<uint8_t> bytes,
                            int64_t timeoutMs) = 0;

  /// The clock deadlines are on: a monotonic one, in milliseconds.
  static int64_t nowMs();
};

/// A serial device (or a pseudo-terminal) opened raw: 8N1, no echo, no
/// translation, non-blocking, at a fixed baud rate.
class FdSerialPort : public SerialPort {
public:
  /// Whether the line can run at `baud`: termios's named rates, and on
  /// Linux any rate in 50..12,000,000 (termios2, BOTHER).
  static bool supportsBaud(int64_t baud);
  /// Opens `path` and configures the line; the input and output queues
  /// start empty.
  static llvm::Expected<std::unique_ptr<FdSerialPort>>
  open(const std::string &path, int64_t baud);
  ~FdSerialPort() override;

  ReadStatus read(std::vector<uint8_t> &into, int64_t deadlineMs) override;
  llvm::Error write(llvm::ArrayRef<uint8_t> bytes, int64_t timeoutMs) override;

private:
  explicit FdSerialPort(int fd) : fd(fd) {}
  FdSerialPort(const FdSerialPort &) = delete;
  FdSerialPort &operator=(const FdSerialPort &) = delete;

  int fd;
};

} // namespace snnc

#endif // SNNC_RUNTIME_SERIALPORT_H
