//===- Compile.cpp - snnc compile as one library call ---------------------===//
#include "snnc/Pipeline/Compile.h"

#include "snnc/Backends/Boards.h"
#include "snnc/Runtime/Session.h"
#include "snnc/Targets/Targets.h"

using namespace snnc;
using llvm::Expected;
using llvm::StringRef;

/// The registry's target called `target` (its target name, or a board's
/// name), if any.
static std::optional<targets::TargetDescription> describe(StringRef target) {
  auto all = targets::allDescriptions();
  if (!all) {
    llvm::consumeError(all.takeError());
    return std::nullopt;
  }
  for (targets::TargetDescription &t : *all)
    if (t.target == target || t.name == target)
      return std::move(t);
  return std::nullopt;
}

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
  auto params = coreParamsFor(network, network.lanes);
  if (!params)
    return params.takeError();
  // A target without a board (sim) has no device to fit.
  std::optional<targets::TargetDescription> t = describe(target);
  if (t && !t->board) {
    std::string lines;
    llvm::raw_string_ostream os(lines);
    pipeline::printSimMemories(*params, os);
    return lines;
  }
  auto board = findTargetBoard(target);
  if (!board)
    return board.takeError();
  auto checked = checkMemoryFit(*params, *board, target);
  if (!checked)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        modelPath + ": compile: " + llvm::toString(checked.takeError()));
  return *checked;
}

Expected<pipeline::CompiledPackage>
pipeline::compilePackage(mlir::ModuleOp module, StringRef modelPath,
                         const CompileOptions &options,
                         const NDArray *calibration) {
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
  auto memories = memoryLines(*network, modelPath, options.target);
  if (!memories)
    return memories.takeError();
  CompiledPackage compiled;
  compiled.report = buildReport(*network, network->timesteps.value_or(1),
                                measured ? measured->goldenStats() : nullptr);
  compiled.memories = std::move(*memories);
  compiled.network = std::move(*network);
  return std::move(compiled);
}
