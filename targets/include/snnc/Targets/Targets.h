//===- Targets.h - the compile targets snnc knows ---------------*- C++ -*-===//
//
// The target registry: one JSON file per target in backends/boards/
// (compiled in): the simulator's core (sim.json) and every FPGA board.
// Each says what the compiler needs of a target (the core's lanes, the
// default membrane width); a board's file also describes its FPGA, which
// backends/ reads (BoardDescription) for the fit check and the bitstream.
// Below passes/ and backends/, which both read it: it needs only LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TARGETS_TARGETS_H
#define SNNC_TARGETS_TARGETS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snnc::targets {

/// One file of the registry: "icebreaker.json" and its text.
struct RegistryFile {
  const char *name;
  const char *contents;
};
llvm::ArrayRef<RegistryFile> registryFiles();

/// What the compiler knows of one target.
struct TargetDescription {
  /// The file's name without ".json": a board's --board name, or "sim".
  std::string file;
  /// Its `name` (the same as `file` for every file today).
  std::string name;
  /// The name `snn-map` and `snnc compile --target` take: the FPGA as
  /// `<family>-<device>` for a board, the file's `name` otherwise.
  std::string target;
  /// The file describes an FPGA board (it has a `family`).
  bool board = false;
  /// Lanes of the core the target gets.
  int64_t lanes = 1;
  /// Its core sweeps one neuron a cycle beside `lanes` delivery lanes
  /// (snn_core's NarrowSweep; `narrow_sweep` in the file).
  bool narrowSweep = false;
  /// The default membrane width (--state-bits).
  int64_t stateBits = 24;
  /// Where the target appears in lists of known targets, lowest first.
  int64_t order = 0;
  /// The whole description, for backends/ to read a board's FPGA from.
  llvm::json::Value json = nullptr;

  /// Reads the target fields of a description; `origin` prefixes errors.
  static llvm::Expected<TargetDescription>
  fromJson(const llvm::json::Value &value, llvm::StringRef origin);
};

/// The registry's file `<file>.json` ("boards/<file>.json" in errors), or
/// std::nullopt where there is none.
llvm::Expected<std::optional<TargetDescription>>
findDescription(llvm::StringRef file);

/// Every description, in the registry's file order (by name).
llvm::Expected<std::vector<TargetDescription>> allDescriptions();

/// The target `snn-map` takes as `name` ("sim", "ice40-up5k"), or
/// std::nullopt.
llvm::Expected<std::optional<TargetDescription>>
findTarget(llvm::StringRef name);

/// The registry's target called `target` (its target name, or a board's
/// name), if any; a registry that does not read counts as none (it is
/// reported where a target is looked up by findTarget).
std::optional<TargetDescription> describe(llvm::StringRef target);

/// Whether the core of `target` (a target or board name) has a narrow
/// sweep; false for a name the registry does not know.
bool narrowSweep(llvm::StringRef target);

/// The targets' names in listing order: "sim, ice40-up5k, ice40-hx8k".
std::string knownTargets();

} // namespace snnc::targets

#endif // SNNC_TARGETS_TARGETS_H
