//===- Compile.h - snnc compile as one library call -------------*- C++ -*-===//
//
// What `snnc compile` and Python's `snnc.compile` do, in one place: the
// compile passes, the core network, its per-layer report (measured on
// calibration inputs when given) and its memories held against the target.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_PIPELINE_COMPILE_H
#define SNNC_PIPELINE_COMPILE_H

#include "snnc/Pipeline/Pipeline.h"
#include "snnc/Pipeline/Report.h"

namespace snnc::pipeline {

/// A compile target as the compiler knows it: "sim", or a board's FPGA as
/// `<family>-<device>` (icebreaker: ice40-up5k).  An unknown name is
/// returned as it is, for compilePackage to refuse with the known names.
std::string canonicalTarget(llvm::StringRef target);

/// The membrane width a target makes natural: its board's state_bits
/// (15 on the UP5K), 24 for sim.
int64_t defaultStateBits(llvm::StringRef target);

struct CompiledPackage {
  CoreNetwork network;
  CompileReport report;
  /// One line per memory of the core: its size (sim), or its use against
  /// the board's resources.
  std::string memories;
  /// The same lines for a network partitioned across chips (--chips): the
  /// plan, per chip (empty when not partitioned).
  std::string partition;
};

/// --chips: how many chips of the target's board a network may take
/// (Auto: the fewest the partitioner finds).
struct ChipsRequest {
  static constexpr int64_t Auto = 0;
  int64_t chips = Auto;
};

/// Compiles a loaded model for `options.target`.  With `calibration`
/// (inputs for the golden engine) the report's SOPs and cycles are
/// measured, otherwise upper bounds.  Refuses a network whose memories do
/// not fit the target's device, naming `modelPath`.  With `chips`, the
/// network is partitioned across chips of the target's board instead
/// (backends/ Partition.h), the placement stored in the package; more
/// chips than `chips` allows are refused.
llvm::Expected<CompiledPackage>
compilePackage(mlir::ModuleOp module, llvm::StringRef modelPath,
               const CompileOptions &options, const NDArray *calibration,
               std::optional<ChipsRequest> chips = std::nullopt);

} // namespace snnc::pipeline

#endif // SNNC_PIPELINE_COMPILE_H
