//===- UartLine.h - the host's end of a simulated UART line -----*- C++ -*-===//
//
// Bit-level 8N1 at a whole number of clocks per bit: a serializer that
// drives a model's RX pin and a deserializer that samples its TX pin in
// the middle of each bit.  Header-only and free of LLVM: compiled into the
// board simulator (harness/snnc_board_sim.cpp) and into the tests.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIM_UARTLINE_H
#define SNNC_SIM_UARTLINE_H

#include <cstdint>

namespace snnc::sim {

/// Drives an RX pin, one byte at a time.
class UartSerializer {
public:
  explicit UartSerializer(int clocksPerBit) : clocksPerBit(clocksPerBit) {}
  bool busy() const { return bitsLeft > 0; }
  void load(uint8_t byte) {
    frame = uint16_t(1u << 9 | uint16_t(byte) << 1); // stop, data, start
    bitsLeft = 10;
    clocks = clocksPerBit;
  }
  /// The line level for this cycle (idle high).
  uint8_t level() {
    if (!bitsLeft)
      return 1;
    uint8_t bit = frame & 1;
    if (--clocks == 0) {
      frame >>= 1;
      --bitsLeft;
      clocks = clocksPerBit;
    }
    return bit;
  }

private:
  int clocksPerBit, bitsLeft = 0, clocks = 0;
  uint16_t frame = 0;
};

/// Samples a TX pin like a UART receiver.
class UartDeserializer {
public:
  explicit UartDeserializer(int clocksPerBit) : clocksPerBit(clocksPerBit) {}
  bool busy() const { return state != Idle; }
  /// Feeds one cycle's level; true when a whole byte arrived.
  bool sample(uint8_t line, uint8_t &byte) {
    switch (state) {
    case Idle:
      if (!line) {
        state = Start;
        clocks = clocksPerBit / 2;
      }
      return false;
    case Start:
      if (--clocks > 0)
        return false;
      state = line ? Idle : Data; // a glitch, or the middle of the start bit
      bits = 0;
      clocks = clocksPerBit;
      return false;
    case Data:
      if (--clocks > 0)
        return false;
      shift = uint8_t(shift >> 1 | line << 7);
      clocks = clocksPerBit;
      if (++bits == 8)
        state = Stop;
      return false;
    case Stop:
      if (--clocks > 0)
        return false;
      state = Idle;
      byte = shift;
      return line == 1; // a byte with a broken stop bit is lost
    }
    return false;
  }

private:
  enum State { Idle, Start, Data, Stop };
  int clocksPerBit, clocks = 0, bits = 0;
  State state = Idle;
  uint8_t shift = 0;
};

} // namespace snnc::sim

#endif // SNNC_SIM_UARTLINE_H
