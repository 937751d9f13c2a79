//===- BoardProcess.h - a board simulator as a child process ----*- C++ -*-===//
//
// What tests/Inputs/with_board.sh does for the shell, for C++: starts a
// board simulator (BoardSim.h), waits for the pseudo-terminal it prints,
// asks it for its counters (SIGUSR1: the harness prints them on stderr)
// and stops it.  `snnc bitstream --measure` drives a bitstream's board
// through it with the host code of a real board.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIM_BOARDPROCESS_H
#define SNNC_SIM_BOARDPROCESS_H

#include "snnc/Sim/BoardSim.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <sys/types.h>

namespace snnc::sim {

/// The harness's counters (snnc_board_sim.cpp): every simulated cycle,
/// those in which a byte was on the line or the link or core ran, and the
/// bytes each way.
struct BoardCounters {
  uint64_t cycles = 0, activeCycles = 0, toBoard = 0, fromBoard = 0;
  BoardCounters operator-(const BoardCounters &earlier) const;
};

class BoardProcess {
public:
  /// Starts `simulator` and waits (up to `startSeconds`) for its terminal.
  static llvm::Expected<BoardProcess> start(const BoardSimulator &simulator,
                                            int startSeconds = 120);
  BoardProcess(BoardProcess &&other) noexcept;
  BoardProcess &operator=(BoardProcess &&) = delete;
  ~BoardProcess();

  /// The pseudo-terminal to open as the board's serial port.
  const std::string &terminal() const { return pty; }
  /// The counters now; the board keeps running.
  llvm::Expected<BoardCounters> counters();
  /// Stops the simulator (also done on destruction).
  void stop();
  /// `err` as the user should see it: when the simulator has ended (an
  /// assertion, a crash), the host's view of that ("the device
  /// disappeared") becomes the simulator's own last words.
  llvm::Error explain(llvm::Error err);

private:
  BoardProcess() = default;
  llvm::Expected<std::string> readLine(int fd, std::string &pending,
                                       int timeoutMs);
  pid_t pid = -1;
  int outFd = -1, errFd = -1;
  std::string pty, pendingOut, pendingErr;
};

} // namespace snnc::sim

#endif // SNNC_SIM_BOARDPROCESS_H
