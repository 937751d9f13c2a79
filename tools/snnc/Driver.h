//===- Driver.h - the snnc driver's options and shared helpers --*- C++ -*-===//
//
// The snnc driver is split by command family (ModelCommands.cpp,
// HardwareCommands.cpp, AnalysisCommands.cpp); its options, defined in
// Options.cpp, are shared by all of them.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_TOOLS_SNNC_DRIVER_H
#define SNNC_TOOLS_SNNC_DRIVER_H

#include "snnc/Pipeline/Compile.h"
#include "snnc/Pipeline/Pipeline.h"
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Files.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"

#include <type_traits>

namespace snnc::driver {
namespace cl = llvm::cl;
using pipeline::EngineKind;

/// Reads a decimal integer for `option` into `value`; true (after LLVM's
/// "for the --X option: ..." line) if `arg` is not one or out of range.
bool parseDecimal(cl::Option &option, llvm::StringRef arg, long long &value);
bool parseDecimal(cl::Option &option, llvm::StringRef arg,
                  unsigned long long &value);

/// The parser of every integer option: decimal only.  LLVM's own guesses
/// the radix, so "--timesteps 010" was 8 and "0x10" 16; here "010" is 10
/// and "0x10" is refused.  (LLVM's parser<long> is final; parser<long
/// long> is the same width and is not.)
template <typename T>
class DecimalParser
    : public cl::parser<std::conditional_t<std::is_signed_v<T>, long long,
                                           unsigned long long>> {
public:
  using Wide =
      std::conditional_t<std::is_signed_v<T>, long long, unsigned long long>;
  static_assert(sizeof(Wide) == sizeof(T), "an integer option of 64 bits");
  using cl::parser<Wide>::parser;
  bool parse(cl::Option &option, llvm::StringRef, llvm::StringRef arg,
             Wide &value) {
    return parseDecimal(option, arg, value);
  }
};
/// Integer options: cl::opt with the decimal parser.
using IntOption = cl::opt<int64_t, false, DecimalParser<int64_t>>;
using UIntOption = cl::opt<uint64_t, false, DecimalParser<uint64_t>>;

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
extern IntOption stateBits;
extern cl::opt<std::string> calibratePath;
extern cl::opt<std::string> chipsOption;
/// --chips N|auto, if given; `refused` is set to usage()'s exit code when
/// it is neither a count nor auto (the message names `command`).
std::optional<pipeline::ChipsRequest> chipsRequest(llvm::StringRef command,
                                                   int &refused);
extern cl::opt<std::string> inputRange;
extern cl::opt<std::string> reportPath;
extern cl::opt<std::string> inputPath;
extern IntOption timesteps;
extern cl::opt<std::string> framesSpec;
extern cl::opt<double> nirDt;
extern cl::opt<std::string> nirEncoding;
extern cl::opt<EngineKind> engineKind;
extern cl::opt<std::string> devicePath;
extern IntOption baudRate;
extern IntOption linkTimeout;
extern cl::opt<std::string> boardDir;
extern cl::opt<double> faultRate;
extern cl::opt<bool> gateLevel;
extern cl::opt<std::string> measurePath;
extern cl::opt<std::string> clockMhz;
extern UIntOption faultSeed;
extern IntOption resetAfterFrames;
extern cl::opt<std::string> statsPath;
extern IntOption weightBits;
extern IntOption lanes;
extern cl::opt<std::string> boardName;
extern cl::opt<std::string> flashDir;
extern cl::opt<std::string> corePath;
extern cl::opt<std::string> vcdPath;
extern UIntOption cycleBudget;
extern cl::opt<std::string> imagesPath;
extern cl::opt<std::string> labelsPath;
extern IntOption limit;
extern cl::opt<bool> compareGolden;
extern cl::opt<std::string> maxMemory;
extern cl::opt<std::string> maxOps;

/// The option groups `snnc CMD --help` shows (and nothing of LLVM's).
llvm::ArrayRef<const cl::OptionCategory *> optionCategories();

constexpr int kError = 1, kUsage = 2;

/// Reports an error as one "snnc: error:" line; returns kError.
int report(llvm::Error err);
/// Reports a usage error; returns kUsage.
int usage(const llvm::Twine &what);
/// `text` made safe for a terminal: control characters (C0, DEL and C1)
/// and bytes that are not UTF-8 become \xNN (\n, \r, \t), the line
/// separators and bidirectional overrides \uNNNN, so that text from a
/// model or a path can neither forge a line, nor send an escape sequence,
/// nor show itself reordered.  The newlines that put an MLIR diagnostic's
/// notes on lines of their own ("loc(...): note: ...") are kept.
std::string terminalSafe(llvm::StringRef text);

/// Checks the parsed command line: no option given twice (but the lists
/// meant to repeat), and the counts and times of the link, the core and
/// the threads within their documented ranges.  0, or kUsage.
int checkOptionValues();
/// Refuses a file named by two outputs of one command (e.g. -o and
/// --stats): compared absolute, without dots, through symlinked
/// directories, and by identity where both exist.  0, or kUsage.
int checkDistinctOutputs(
    llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>> outputs);

/// Parses --input-range; false if it is not "min,max" with min < max.
bool parseInputRange(double &lo, double &hi);
/// 0, or the usage error's status for a bad --input-range.
int checkInputRange();
NirOptions nirOptions();
pipeline::CompileOptions compileOptions();
std::optional<int64_t> requestedSteps();
/// Options of the rtl and board devices; fails on an unreadable --core.
llvm::Expected<DeviceOptions> deviceOptions();
extern IntOption threadCount;
/// --threads, else every core.
int64_t goldenThreads();
/// Options that only some engines take: 0, or the usage error's status.
int checkEngineOptions();
/// Adds the engine's stats to a command's outputs, if asked for.
llvm::Error addStats(OutputTransaction &outputs, const Session &session);
/// The cycle figures of an RTL or board run, for people.
void printCycles(const Session &session, llvm::raw_ostream &os);
/// The model as the core's network (compiled, or a package), validated.
llvm::Expected<CoreNetwork> loadValidNetwork(mlir::MLIRContext &context);

/// Whether --input or --images names event files (a file readEvents reads,
/// a directory, a list .txt) rather than an array.
llvm::Expected<bool> isEventInput(llvm::StringRef path);
/// The event files of `samples` binned per --frames for a model of
/// `signature`: [T, N, P, H, W]; refused for a model of direct encoding.
llvm::Expected<NDArray> loadEventInput(llvm::ArrayRef<EventSample> samples,
                                       const FloatGraph &signature);
/// The input of run, sim, compare and report: a .npy array as it is, or
/// event files binned for the model at --input (its signature read here).
llvm::Expected<NDArray> readModelInput();

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
