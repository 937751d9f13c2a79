//===- Boards.h - the FPGA boards snnc builds bitstreams for ----*- C++ -*-===//
//
// One JSON file per board in backends/boards/, compiled into the target
// registry (targets/, which also holds sim.json, a target without a
// board): the FPGA, its clock, the pins of the host link and the LEDs, and
// what the device holds.  Every figure the FPGA flow checks against comes
// from here.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_BACKENDS_BOARDS_H
#define SNNC_BACKENDS_BOARDS_H

#include "snnc/Backends/CoreMemories.h"
#include "snnc/Backends/Pll.h"
#include "snnc/Runtime/CoreImage.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace snnc {

/// What an FPGA holds.
struct DeviceResources {
  int64_t lc = 0, ebr = 0, spram = 0, dsp = 0;
};

struct BoardDescription {
  std::string name, description, family, device, package, programmer;
  int64_t clockHz = 0;
  /// The compiler's name of its FPGA (`<family>-<device>`: ice40-up5k).
  std::string targetName() const { return family + "-" + device; }
  /// clk, uart_rx, uart_tx, led_busy, led_link; optional button_n.
  std::map<std::string, std::string> pins;
  bool ledActiveLow = false;
  /// The host link's request and reply buffers, bytes each (a power of
  /// two, 64 or more; two block RAMs each at 1024).
  int64_t linkBufferBytes = 1024;
  /// The default membrane width for this board (--state-bits): 15 on the
  /// UP5K, where a state word with its spike bit fills one 16-bit SPRAM
  /// entry.
  int64_t stateBits = 24;
  /// The core `snnc bitstream` builds by default: its delivery lanes, and
  /// whether it sweeps one neuron a cycle beside them (NarrowSweep).
  int64_t lanes = 1;
  bool narrowSweep = false;
  DeviceResources resources;
  /// The PLL the clock pin feeds ("SB_PLL40_PAD"), for a core clock other
  /// than the oscillator's (snnc bitstream --clock-mhz); empty: none.
  std::string pll;

  bool hasButton() const { return pins.count("button_n") != 0; }
  static llvm::Expected<BoardDescription> fromJson(const llvm::json::Value &v,
                                                   llvm::StringRef origin);
};

/// The board a compile target names: a board's name, or its FPGA as
/// `<family>-<device>` (ice40-up5k: the iCEBreaker).
llvm::Expected<BoardDescription> findTargetBoard(llvm::StringRef target);

/// The fewest 4 kbit iCE40 block RAMs (256x16, 512x8, 1024x4 or 2048x2)
/// that can hold a memory of `depth` words of `width` bits: a lower bound
/// on what synthesis uses.
int64_t ebrBlocks(int64_t width, int64_t depth);

/// SPRAMs (16K x 16, single-port) for a memory of `depth` words of `width`
/// bits: yosys packs words of up to 4 or 8 bits four or two to an entry.
int64_t spramBlocks(int64_t width, int64_t depth);

/// Which of the core's memories go to SPRAM on `board`: the weights
/// (snn_core's WeightSpram), the events (EventSpram), the neuron state
/// (StateSpram), double-buffered in two banks or phased in one (the sweep
/// then runs at half rate), and the currents (CurrentSpram, phased: the
/// delivery and the sweep at half rate).  Of the combinations that fit the
/// device's SPRAMs, one whose block RAMs fit too, without phasing the
/// currents if it can, then without phasing the state, and then the one
/// that leaves the most block RAM free.  The
/// bitstream flow sets snn_core's parameters from it; the fit check counts
/// with it.
struct SpramPlacement {
  /// snn_core's SPRAM parameters (CoreMemory::spramParameter) and values.
  std::map<std::string, int64_t> parameters;
  int64_t blocks = 0;
  /// Whether `memory` (one of coreMemories) is in SPRAM.
  bool holds(const CoreMemory &memory) const;
  /// Whether the state is phased (one bank, the sweep at half rate).
  bool phased() const;
  /// Whether the currents are in SPRAM (phased: the delivery at half rate).
  bool currentsPhased() const;
};
SpramPlacement placeInSpram(const CoreParams &params,
                            const BoardDescription &board);

/// `params` as `board` builds them: without the input-current cache
/// (CacheDepth 0) where the core's memories fit the device only without
/// it.  The host then delivers the input at every step instead of once a
/// sample (more synaptic operations, the same results).  Every command
/// that fits or builds a core for a board sizes it with this before its
/// image is built.
CoreParams fitCacheToBoard(const CoreParams &params,
                           const BoardDescription &board);

/// What compile can know before synthesis: the block RAMs the core's
/// memories take at least (every memory is a block RAM, snn_ram) and the
/// SPRAMs of what placeInSpram puts there, plus the host link's buffers
/// (tests/tools/bitstream*.test compare both with synthesis).
/// Returns the per-resource lines, or refuses a network whose memories
/// cannot fit, naming the largest and what would help.
llvm::Expected<std::string> checkMemoryFit(const CoreParams &params,
                                           const BoardDescription &board,
                                           llvm::StringRef target);

/// The board called `name`; an error lists the known ones.
llvm::Expected<BoardDescription> findBoard(llvm::StringRef name);
std::vector<std::string> boardNames();

/// The board's pin constraints for the wrapper `board_top` (.pcf).
std::string emitPinConstraints(const BoardDescription &board);

/// `board_top`: snn_board with the board's pins, LED polarity and button;
/// with `pll`, the core runs on the PLL's clock and stays in reset until
/// the PLL locks.
std::string emitBoardWrapper(const BoardDescription &board,
                             const std::optional<Ice40Pll> &pll = {});

} // namespace snnc

#endif // SNNC_BACKENDS_BOARDS_H
