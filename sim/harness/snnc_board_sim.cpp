//===- snnc_board_sim.cpp - the whole board behind a pseudo-terminal ------===//
//
// Built by `verilator --build` against snn_board (the board top that also
// goes into the bitstream: core, serial link, reset) and started by
// `snnc board-sim DIR`.  It opens a pseudo-terminal, prints its path on
// the first line of stdout and runs until killed.  Bytes the host writes
// to the terminal are clocked into the model's UART RX pin at the link's
// bit time; the TX pin is sampled back into bytes.  The host code that
// drives a real board (SerialBus) therefore runs unchanged against it.
//
//   --clocks-per-bit N        the link's bit time (board.json)
//   --fault-rate P --seed S   flip, drop or duplicate each byte on the line
//                             with probability P (both directions)
//   --reset-after-frames N    press the reset button once, after the
//                             host's N-th frame
//
// Idle (no byte in flight, link and core idle), it sleeps in poll() rather
// than clocking.  On exit it prints what it did on stderr; on SIGUSR1 it
// prints its counters so far as one line (`board-sim: counters cycles=C
// active=A to_board=B from_board=F`) and goes on.  `active` counts only the
// cycles in which something was in flight or running: the board's own
// time, as if the host answered at once (snnc bitstream --measure).
//
// The same harness runs the gate-level netlist of a bitstream (`make
// gate-sim`): the model is then board_top, built with -DSNNC_GATE_LEVEL,
// plus -DSNNC_NO_BUTTON for a board without a button and
// -DSNNC_LED_ACTIVE_LOW for LEDs that light when low.
//
//===----------------------------------------------------------------------===//
#ifdef SNNC_GATE_LEVEL
#include "Vboard_top.h"
using BoardModel = Vboard_top;
#else
#include "Vsnn_board.h"
using BoardModel = Vsnn_board;
#endif
#include "snnc/Sim/UartLine.h"
#include "snnc/Sim/VerilatorOutput.h"
#include "verilated.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <memory>
#include <poll.h>
#include <random>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace {
volatile std::sig_atomic_t stopRequested = 0;
volatile std::sig_atomic_t countersRequested = 0;
void onSignal(int) { stopRequested = 1; }
void onCountersSignal(int) { countersRequested = 1; }

struct Options {
  int clocksPerBit = 4;
  double faultRate = 0.0;
  uint64_t seed = 1;
  long resetAfterFrames = -1;
};

struct Counters {
  uint64_t toBoard = 0, fromBoard = 0, flipped = 0, dropped = 0, duplicated = 0,
           resets = 0, cycles = 0, activeCycles = 0;
};

void printCounters(const Counters &counters) {
  std::fprintf(stderr,
               "board-sim: counters cycles=%llu active=%llu to_board=%llu "
               "from_board=%llu\n",
               (unsigned long long)counters.cycles,
               (unsigned long long)counters.activeCycles,
               (unsigned long long)counters.toBoard,
               (unsigned long long)counters.fromBoard);
  std::fflush(stderr);
}

/// The line's faults: each byte is flipped, dropped or duplicated with
/// probability `rate`.
class FaultyLine {
public:
  FaultyLine(double rate, uint64_t seed, Counters &counters)
      : rate(rate), rng(seed), counters(counters) {}
  void carry(uint8_t byte, std::deque<uint8_t> &out) {
    if (rate > 0 && unit(rng) < rate) {
      switch (rng() % 3) {
      case 0:
        out.push_back(uint8_t(byte ^ (1u << (rng() % 8))));
        ++counters.flipped;
        return;
      case 1:
        ++counters.dropped;
        return;
      default:
        out.push_back(byte);
        out.push_back(byte);
        ++counters.duplicated;
        return;
      }
    }
    out.push_back(byte);
  }

private:
  double rate;
  std::mt19937_64 rng;
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  Counters &counters;
};

void pressButton(BoardModel &top, bool pressed) {
#ifdef SNNC_NO_BUTTON
  (void)top;
  (void)pressed;
#else
  top.btn_ni = pressed ? 0 : 1;
#endif
}

bool ledOn(uint8_t pin) {
#ifdef SNNC_LED_ACTIVE_LOW
  return !pin;
#else
  return pin != 0;
#endif
}

bool parse(int argc, char **argv, Options &options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char *value = argv[i + 1];
    if (flag == "--clocks-per-bit")
      options.clocksPerBit = std::atoi(value);
    else if (flag == "--fault-rate")
      options.faultRate = std::atof(value);
    else if (flag == "--seed")
      options.seed = std::strtoull(value, nullptr, 10);
    else if (flag == "--reset-after-frames")
      options.resetAfterFrames = std::atol(value);
    else
      return false;
  }
  return argc % 2 == 1 && options.clocksPerBit >= 2 && options.faultRate >= 0 &&
         options.faultRate < 1;
}

/// The model failed an assertion: one line, and the run ends.
int assertionFailed(const snnc::sim::VerilatorOutput &output, uint64_t cycle) {
  std::string summary = snnc::sim::assertionSummary(output.text(), cycle);
  std::fprintf(stderr, "board-sim: %s\n",
               summary.empty() ? "an assertion failed" : summary.c_str());
  return snnc::sim::kAssertionExitCode;
}

int openTerminal(std::string &path, int &keepOpen) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
    return -1;
  path = ptsname(master);
  // Holding the slave open keeps the terminal alive between host runs;
  // raw mode, so that no byte is echoed or translated.
  keepOpen = open(path.c_str(), O_RDWR | O_NOCTTY);
  termios tio;
  if (keepOpen < 0 || tcgetattr(keepOpen, &tio) != 0)
    return -1;
  cfmakeraw(&tio);
  tcsetattr(keepOpen, TCSANOW, &tio);
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  return master;
}
} // namespace

int main(int argc, char **argv) {
  Options options;
  if (!parse(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: %s [--clocks-per-bit N] [--fault-rate P] "
                 "[--seed S] [--reset-after-frames N]\n",
                 argv[0]);
    return 2;
  }
  std::string path;
  int slave = -1;
  int master = openTerminal(path, slave);
  if (master < 0) {
    std::fprintf(stderr, "board-sim: cannot open a pseudo-terminal: %s\n",
                 std::strerror(errno));
    return 1;
  }
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  std::signal(SIGUSR1, onCountersSignal);
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("%s\n", path.c_str());
  std::fflush(stdout);

  // A failed assertion (the model is built with --assert) ends the run
  // with one line on stderr and exit status 3 (VerilatorOutput.h).
  snnc::sim::VerilatorOutput verilatorOutput;
  verilatorOutput.divert();
  auto context = std::make_unique<VerilatedContext>();
  context->fatalOnError(false);
  auto top = std::make_unique<BoardModel>(context.get());
  top->clk_i = 0;
  pressButton(*top, false);
  top->uart_rx_i = 1;
  top->eval();

  // Out of power-on reset before the host can talk to it, as a board is
  // by the time its port can be opened.
  for (int cycle = 0; cycle < 64; ++cycle) {
    top->clk_i = 1;
    top->eval();
    top->clk_i = 0;
    top->eval();
  }
  if (context->gotError()) // the parameter checks
    return assertionFailed(verilatorOutput, 0);

  Counters counters;
  FaultyLine toBoardLine(options.faultRate, options.seed, counters);
  FaultyLine fromBoardLine(options.faultRate, options.seed * 7919 + 1,
                           counters);
  std::deque<uint8_t> toBoard, fromBoard;
  snnc::sim::UartSerializer rx(options.clocksPerBit);
  snnc::sim::UartDeserializer tx(options.clocksPerBit);
  long hostFrames = 0;
  int resetCycles = 0;
  uint8_t buffer[4096];

  while (!stopRequested) {
    if (countersRequested) {
      countersRequested = 0;
      printCounters(counters);
    }
    bool active = !toBoard.empty() || rx.busy() || tx.busy() ||
                  ledOn(top->led_link_o) || ledOn(top->led_busy_o) ||
                  resetCycles > 0;
    pollfd p{master, short(POLLIN | (fromBoard.empty() ? 0 : POLLOUT)), 0};
    int ready = poll(&p, 1, active ? 0 : 100);
    if (ready > 0 && (p.revents & POLLIN)) {
      ssize_t n = read(master, buffer, sizeof buffer);
      for (ssize_t i = 0; i < n; ++i) {
        ++counters.toBoard;
        toBoardLine.carry(buffer[i], toBoard);
        if (buffer[i] == 0 && ++hostFrames == options.resetAfterFrames) {
          resetCycles = 32; // hold the button
          ++counters.resets;
        }
      }
    }
    while (!fromBoard.empty()) {
      uint8_t out[512];
      size_t n = 0;
      for (; n < sizeof out && n < fromBoard.size(); ++n)
        out[n] = fromBoard[n];
      ssize_t written = write(master, out, n);
      if (written <= 0)
        break;
      fromBoard.erase(fromBoard.begin(), fromBoard.begin() + written);
    }
    if (!active && toBoard.empty())
      continue;
    // A slice of simulated time, then back to the terminal.
    for (int cycle = 0; cycle < 2048; ++cycle) {
      if (!rx.busy() && !toBoard.empty()) {
        rx.load(toBoard.front());
        toBoard.pop_front();
      }
      top->uart_rx_i = rx.level();
      pressButton(*top, resetCycles > 0);
      if (resetCycles > 0)
        --resetCycles;
      top->clk_i = 1;
      top->eval();
      if (context->gotError())
        return assertionFailed(verilatorOutput, counters.cycles);
      top->clk_i = 0;
      top->eval();
      ++counters.cycles;
      uint8_t byte;
      if (tx.sample(top->uart_tx_o, byte)) {
        ++counters.fromBoard;
        fromBoardLine.carry(byte, fromBoard);
      }
      if (rx.busy() || tx.busy() || !toBoard.empty() ||
          ledOn(top->led_link_o) || ledOn(top->led_busy_o))
        ++counters.activeCycles;
    }
  }
  top->final();
  std::fprintf(stderr,
               "board-sim: %llu cycles; bytes to board %llu, from board %llu; "
               "faults: %llu flipped, %llu dropped, %llu duplicated; %llu "
               "resets\n",
               (unsigned long long)counters.cycles,
               (unsigned long long)counters.toBoard,
               (unsigned long long)counters.fromBoard,
               (unsigned long long)counters.flipped,
               (unsigned long long)counters.dropped,
               (unsigned long long)counters.duplicated,
               (unsigned long long)counters.resets);
  close(slave);
  close(master);
  return 0;
}
