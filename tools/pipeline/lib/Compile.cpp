//===- Compile.cpp - snnc compile as one library call ---------------------===//
#include "snnc/Pipeline/Compile.h"

#include "snnc/Backends/Boards.h"
#include "snnc/Backends/Partition.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Session.h"
#include "snnc/Targets/Targets.h"

using namespace snnc;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

using targets::describe;

std::string pipeline::canonicalTarget(StringRef target) {
  std::optional<targets::TargetDescription> t = describe(target);
  return t ? t->target : target.str();
}

int64_t pipeline::defaultStateBits(StringRef target) {
  std::optional<targets::TargetDescription> t = describe(target);
  return t ? t->stateBits : 24;
}

/// The memory lines of the compile report: sizes for the simulator, the
/// fit on a device (or why it does not fit).
static Expected<std::string>
memoryLines(const CoreNetwork &network, StringRef modelPath, StringRef target) {
  std::optional<targets::TargetDescription> t = describe(target);
  auto params = coreParamsFor(network, network.lanes, t && t->narrowSweep);
  if (!params)
    return prependToError(modelPath + ": compile: ", params.takeError());
  // A target without a board (sim) has no device to fit.
  if (t && !t->board) {
    std::string lines;
    llvm::raw_string_ostream os(lines);
    pipeline::printSimMemories(*params, os);
    return lines;
  }
  auto board = findTargetBoard(target);
  if (!board)
    return board.takeError();
  auto checked =
      checkMemoryFit(fitCacheToBoard(*params, *board), *board, target);
  if (!checked)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        modelPath + ": compile: " + llvm::toString(checked.takeError()));
  return *checked;
}

/// The network split across chips of the target's board: the plan's
/// lines, the placement recorded in `network`.
static Expected<std::string>
partitionLines(CoreNetwork &network, StringRef modelPath, StringRef target,
               pipeline::ChipsRequest chips, const RunStats *measured) {
  auto fail = [&](llvm::Error err) {
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        modelPath + ": compile: " + llvm::toString(std::move(err)));
  };
  std::optional<targets::TargetDescription> t = describe(target);
  if (t && !t->board)
    return fail(plainError(
        formatv("--chips needs a board's target (--target icebreaker or "
                "ice40-up5k), not '{0}'",
                target)));
  auto board = findTargetBoard(target);
  if (!board)
    return board.takeError();
  auto plan = partitionNetwork(network, *board, target, chips.chips);
  if (!plan)
    return fail(plan.takeError());
  network.chips = plan->chips;
  network.partition = plan->slices;
  return printPartition(network, *plan, measured, target);
}

Expected<pipeline::CompiledPackage> pipeline::compilePackage(
    mlir::ModuleOp module, StringRef modelPath, const CompileOptions &options,
    const NDArray *calibration, std::optional<ChipsRequest> chips) {
  auto network = compileToCore(module, options);
  if (!network)
    return inFile(modelPath, network.takeError());
  std::optional<Session> measured;
  if (calibration) {
    auto session = Session::create(*network);
    if (!session)
      return session.takeError();
    if (auto out = session->infer(*calibration); !out)
      return out.takeError();
    measured = std::move(*session);
  }
  CompiledPackage compiled;
  const RunStats *stats = measured ? measured->goldenStats() : nullptr;
  if (chips) {
    auto plan =
        partitionLines(*network, modelPath, options.target, *chips, stats);
    if (!plan)
      return plan.takeError();
    compiled.partition = std::move(*plan);
  }
  auto memories = chips ? Expected<std::string>(std::string())
                        : memoryLines(*network, modelPath, options.target);
  if (!memories)
    return memories.takeError();
  compiled.report =
      buildReport(*network, network->timesteps.value_or(1), stats);
  compiled.memories = std::move(*memories);
  compiled.network = std::move(*network);
  return std::move(compiled);
}
