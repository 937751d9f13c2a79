//===- snnc.cpp - the snnc driver -----------------------------------------===//
//
// A thin driver over the pipeline library:
//   snnc import MODEL [-o out.mlir]   (a .nir MODEL also -o out.onnx)
//   snnc run    MODEL --input X.npy [--timesteps T] [--engine float] -o Y.npy
//   snnc eval   MODEL --images X --labels Y [--limit N] [--engine float|golden]
//   snnc compile MODEL -o model.snnpkg [--target T] [--weight-bits B]
//                [--state-bits S] [--report report.json]
//   snnc sim    MODEL --input X.npy [-o Y.npy] [--lanes L] [--vcd out.vcd]
//   snnc compare MODEL --input X.npy [--threshold A] [--report out.json]
//   snnc report MODEL --input X.npy -o report.html [--simulate]
//   snnc emit-verilog MODEL -o DIR [--lanes L]
//   snnc board-sim DIR [--fault-rate P --seed S --reset-after-frames N]
//   snnc bitstream MODEL --board B -o DIR [--lanes L]
//   snnc flash DIR
// Errors: one line on stderr, exit status 1; usage errors: exit status 2.
// Whatever an error quotes is escaped (terminalSafe): a node name or path
// cannot forge a second line or reach the terminal as an escape sequence.
// The options live in Options.cpp, the commands in *Commands.cpp.
//
//===----------------------------------------------------------------------===//
#include "Driver.h"

#include "snnc/Runtime/Limits.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/InitLLVM.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <unistd.h>

using namespace snnc;
using namespace snnc::driver;

namespace {
/// Parses the command line; on failure `errors` holds what LLVM said.
/// An option's bad value is reported by LLVM straight to stderr, not to
/// the stream ParseCommandLineOptions takes, so stderr is captured too.
/// Leaves snnc's own options in every command's --help: LLVM registers
/// hundreds of its own (--amdgpu-..., --aarch64-...) that mean nothing here.
void hideLLVMOptions() {
  cl::HideUnrelatedOptions(optionCategories());
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    cl::HideUnrelatedOptions(optionCategories(), *sub);
}

bool parseCommandLine(int argc, char **argv, std::string &errors) {
  hideLLVMOptions();
  llvm::raw_string_ostream errs(errors);
  std::FILE *captured = std::tmpfile();
  int saved = captured ? ::dup(STDERR_FILENO) : -1;
  if (saved >= 0)
    ::dup2(::fileno(captured), STDERR_FILENO);
  bool parsed = cl::ParseCommandLineOptions(
      argc, argv, "snnc: the spiking neural network compiler\n", &errs);
  llvm::errs().flush();
  if (saved >= 0) {
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::rewind(captured);
    char chunk[4096];
    std::string direct;
    while (size_t n = std::fread(chunk, 1, sizeof(chunk), captured))
      direct.append(chunk, n);
    errors = direct + errs.str();
  }
  if (captured)
    std::fclose(captured);
  return parsed;
}

/// An allocation failed: an estimate missed.  Still one line and exit
/// status 1; no output was committed (outputs are renamed into place only
/// after the command's work is done).
[[noreturn]] void outOfMemory() {
  llvm::errs() << "snnc: error: out of memory (the memory limit is "
               << formatBytes(memoryLimit()) << "; see --max-memory)\n";
  llvm::errs().flush();
  std::_Exit(kError);
}

/// The chosen command, on the parsed options.
int runCommand() {
  mlir::MLIRContext context;
  // An ONNX model states its encoding; silently ignoring these would hide
  // a mistake.
  if ((nirDt.getNumOccurrences() || nirEncoding.getNumOccurrences()) &&
      !llvm::StringRef(modelPath).endswith(".nir"))
    return usage("--dt and --encoding apply to NIR models (.nir) only; an "
                 "ONNX model states its encoding in its metadata");
  if (importCmd)
    return runImport(context);
  if (runCmd)
    return runRun(context);
  if (evalCmd)
    return runEval(context);
  if (compileCmd)
    return runCompile(context);
  if (simCmd)
    return runSim(context);
  if (emitCmd)
    return runEmitVerilog(context);
  if (boardSimCmd)
    return runBoardSim();
  if (bitstreamCmd)
    return runBitstream(context);
  if (flashCmd)
    return runFlash();
  if (compareCmd)
    return runCompare();
  if (reportCmd)
    return runReport();
  return usage("no command given; see 'snnc --help' (import, compile, run, "
               "eval, sim, compare, report, emit-verilog, board-sim, "
               "bitstream, flash)");
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Past a file-size limit, a write fails with EFBIG and is reported as
  // one line; the default SIGXFSZ would kill snnc with LLVM's crash dump.
  std::signal(SIGXFSZ, SIG_IGN);
  std::string parseErrors;
  if (!parseCommandLine(argc, argv, parseErrors)) {
    // LLVM's complaint, as one "snnc: error:" line (it adds "Did you
    // mean" lines and prefixes each with the program name).
    llvm::StringRef first = llvm::StringRef(parseErrors).trim();
    first = first.take_until([](char c) { return c == '\n'; }).trim();
    first.consume_front("snnc:");
    return usage(first.trim());
  }
  if (int rc = checkOptionValues())
    return rc;
  if (maxMemory.getNumOccurrences()) {
    auto bytes = parseByteSize(maxMemory);
    if (!bytes)
      return usage("--max-memory: " + llvm::toString(bytes.takeError()));
    setMemoryLimit(*bytes);
  }
  if (maxOps.getNumOccurrences()) {
    auto operations = parseCount(maxOps);
    if (!operations)
      return usage("--max-ops: " + llvm::toString(operations.takeError()));
    setWorkLimit(*operations);
  }
  std::set_new_handler(outOfMemory);
  llvm::install_bad_alloc_error_handler(
      [](void *, const char *, bool) { outOfMemory(); });
  return runCommand();
}
