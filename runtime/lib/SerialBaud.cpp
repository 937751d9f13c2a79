//===- SerialBaud.cpp - a line rate termios has no constant for -----------===//
//
// A bitstream whose core runs on a PLL clock talks at that clock / clocks
// per bit (16.5 MHz / 6: 2.75 Mbaud), which no Bxxx constant names.  Linux
// sets such a rate with termios2 and BOTHER (the FT2232H's driver then
// picks its nearest divisor).  <asm/termbits.h> redefines what <termios.h>
// defines, so this file includes only it.
//
//===----------------------------------------------------------------------===//
#include "SerialBaud.h"

#ifdef __linux__
#include <asm/termbits.h>
#include <sys/ioctl.h>
#endif

bool snnc::detail::setCustomBaud(int fd, int64_t baud) {
#if defined(__linux__) && defined(BOTHER)
  struct termios2 tio;
  if (ioctl(fd, TCGETS2, &tio) != 0)
    return false;
  tio.c_cflag &= ~CBAUD;
  tio.c_cflag |= BOTHER;
  tio.c_ispeed = speed_t(baud);
  tio.c_ospeed = speed_t(baud);
  return ioctl(fd, TCSETS2, &tio) == 0;
#else
  (void)fd;
  (void)baud;
  return false;
#endif
}
