//===- SerialPort.cpp - a serial device opened raw ------------------------===//
#include "snnc/Runtime/SerialPort.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Limits.h"

#include "llvm/Support/FormatVariadic.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <termios.h>

#include "SerialBaud.h"
#include <unistd.h>

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;

namespace {
std::optional<speed_t> termiosSpeed(int64_t baud) {
  static const std::pair<int64_t, speed_t> speeds[] = {
      {9600, B9600},       {19200, B19200},     {38400, B38400},
      {57600, B57600},     {115200, B115200},   {230400, B230400},
      {460800, B460800},   {500000, B500000},   {921600, B921600},
      {1000000, B1000000}, {1500000, B1500000}, {2000000, B2000000},
      {3000000, B3000000}, {4000000, B4000000}};
  for (auto [rate, speed] : speeds)
    if (rate == baud)
      return speed;
  return std::nullopt;
}

Error portError(const llvm::Twine &what) {
  return makeError<DeviceError>(what);
}
} // namespace

SerialPort::~SerialPort() = default;

int64_t SerialPort::nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool FdSerialPort::supportsBaud(int64_t baud) {
  // Any rate from 50 baud to the FT2232H's 12 Mbaud: the named ones
  // through termios, the others (a PLL clock's) through SerialBaud.cpp.
  return termiosSpeed(baud).has_value() ||
         (baud >= kMinBaud && baud <= kMaxBaud);
}

Expected<std::unique_ptr<FdSerialPort>>
FdSerialPort::open(const std::string &path, int64_t baud) {
  if (!supportsBaud(baud))
    return portError(formatv("unsupported baud rate {0}", baud));
  std::optional<speed_t> speed = termiosSpeed(baud);
  int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return portError(formatv("cannot open: {0}", std::strerror(errno)));
  // Owned from here on, so that every failure below closes it.
  std::unique_ptr<FdSerialPort> port(new FdSerialPort(fd));
  termios tio;
  if (tcgetattr(fd, &tio) != 0)
    return portError("not a serial device (tcgetattr failed)");
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed(&tio, speed.value_or(B38400));
  cfsetospeed(&tio, speed.value_or(B38400));
  if (tcsetattr(fd, TCSANOW, &tio) != 0)
    return portError(
        formatv("cannot configure the line: {0}", std::strerror(errno)));
  if (!speed && !detail::setCustomBaud(fd, baud))
    return portError(formatv("cannot set the line to {0} baud: {1}", baud,
                             std::strerror(errno)));
  // Whatever the line held before this host opened it is not a reply.
  tcflush(fd, TCIOFLUSH);
  return std::move(port);
}

FdSerialPort::~FdSerialPort() { ::close(fd); }

SerialPort::ReadStatus FdSerialPort::read(std::vector<uint8_t> &into,
                                          int64_t deadlineMs) {
  uint8_t buffer[4096];
  for (;;) {
    int64_t left = deadlineMs - nowMs();
    if (left <= 0)
      return ReadStatus::Timeout;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, int(left));
    if (ready < 0 && errno != EINTR)
      return ReadStatus::Gone;
    if (ready <= 0)
      continue; // interrupted, or the deadline came
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      into.insert(into.end(), buffer, buffer + n);
      return ReadStatus::Data;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR))
      return ReadStatus::Gone;
  }
}

Error FdSerialPort::write(llvm::ArrayRef<uint8_t> bytes, int64_t timeoutMs) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + sent, bytes.size() - sent);
    if (n > 0) {
      sent += size_t(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, int(timeoutMs)) <= 0)
        return portError("the line does not take data (write timeout)");
      continue;
    }
    return portError(formatv("the device disappeared ({0})",
                             n < 0 ? std::strerror(errno) : "closed"));
  }
  return Error::success();
}
