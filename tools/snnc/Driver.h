//===- Driver.h - the snnc driver's options and shared helpers --*- C++ -*-===//
//
// The snnc driver is split by command family (ModelCommands.cpp,
// HardwareCommands.cpp, AnalysisCommands.cpp); its options, defined in
// Options.cpp, are shared by all of them.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_DRIVER_H
#define SNNC_TOOLS_SNNC_DRIVER_H

#include "snnc/Pipeline/Pipeline.h"
#include "snnc/Runtime/Files.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"

namespace snnc::driver {
namespace cl = llvm::cl;
using pipeline::EngineKind;

extern cl::SubCommand importCmd;
extern cl::SubCommand runCmd;
extern cl::SubCommand evalCmd;
extern cl::SubCommand compileCmd;
extern cl::SubCommand simCmd;
extern cl::SubCommand boardSimCmd;
extern cl::SubCommand bitstreamCmd;
extern cl::SubCommand flashCmd;
extern cl::SubCommand emitCmd;
extern cl::SubCommand compareCmd;
extern cl::SubCommand reportCmd;
extern cl::OptionCategory modelOptions;
extern cl::OptionCategory compilerOptions;
extern cl::OptionCategory engineOptions;
extern cl::OptionCategory boardOptions;
extern cl::OptionCategory outputOptions;
extern cl::opt<std::string> modelPath;
extern cl::opt<std::string> outputPath;
extern cl::opt<std::string> targetName;
extern cl::opt<int64_t> stateBits;
extern cl::opt<std::string> calibratePath;
extern cl::opt<std::string> inputRange;
extern cl::opt<std::string> reportPath;
extern cl::opt<std::string> inputPath;
extern cl::opt<int64_t> timesteps;
extern cl::opt<double> nirDt;
extern cl::opt<std::string> nirEncoding;
extern cl::opt<EngineKind> engineKind;
extern cl::opt<std::string> devicePath;
extern cl::opt<int64_t> baudRate;
extern cl::opt<int64_t> linkTimeout;
extern cl::opt<std::string> boardDir;
extern cl::opt<double> faultRate;
extern cl::opt<bool> gateLevel;
extern cl::opt<uint64_t> faultSeed;
extern cl::opt<int64_t> resetAfterFrames;
extern cl::opt<std::string> statsPath;
extern cl::opt<int64_t> weightBits;
extern cl::opt<int64_t> lanes;
extern cl::opt<std::string> boardName;
extern cl::opt<std::string> flashDir;
extern cl::opt<std::string> corePath;
extern cl::opt<std::string> vcdPath;
extern cl::opt<uint64_t> cycleBudget;
extern cl::opt<std::string> imagesPath;
extern cl::opt<std::string> labelsPath;
extern cl::opt<int64_t> limit;
extern cl::opt<bool> compareGolden;
extern cl::opt<std::string> maxMemory;

/// The option groups `snnc CMD --help` shows (and nothing of LLVM's).
llvm::ArrayRef<const cl::OptionCategory *> optionCategories();

constexpr int kError = 1, kUsage = 2;

/// Reports an error as one "snnc: error:" line; returns kError.
int report(llvm::Error err);
/// Reports a usage error; returns kUsage.
int usage(const llvm::Twine &what);

/// Parses --input-range; false if it is not "min,max" with min < max.
bool parseInputRange(double &lo, double &hi);
/// 0, or the usage error's status for a bad --input-range.
int checkInputRange();
NirOptions nirOptions();
pipeline::CompileOptions compileOptions();
std::optional<int64_t> requestedSteps();
/// Options of the RTL engine; fails on an unreadable --core.
llvm::Expected<sim::RtlOptions> rtlOptions();
LinkOptions linkOptions();
extern cl::opt<int64_t> threadCount;
/// --threads, else every core.
int64_t goldenThreads();
/// Options that only some engines take: 0, or the usage error's status.
int checkEngineOptions();
/// Adds the engine's stats to a command's outputs, if asked for.
llvm::Error addStats(OutputTransaction &outputs,
                     const pipeline::PreparedModel &model);
/// The cycle figures of an RTL or board run, for people.
void printCycles(const pipeline::PreparedModel &model, llvm::raw_ostream &os);
/// The model as the core's network (compiled, or a package), checked.
llvm::Expected<CoreNetwork> loadValidNetwork(mlir::MLIRContext &context);

// The commands; each returns the exit status.
int runImport(mlir::MLIRContext &context);
int runRun(mlir::MLIRContext &context);
int runSim(mlir::MLIRContext &context);
int runEval(mlir::MLIRContext &context);
int runCompile(mlir::MLIRContext &context);
int runEmitVerilog(mlir::MLIRContext &context);
int runBoardSim();
int runBitstream(mlir::MLIRContext &context);
int runFlash();
int runCompare();
int runReport();

} // namespace snnc::driver

#endif // SNNC_TOOLS_SNNC_DRIVER_H
