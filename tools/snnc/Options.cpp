//===- Options.cpp - the snnc driver's options and shared helpers ---------===//
#include "Driver.h"

#include "snnc/Backends/Boards.h"
#include "snnc/Pipeline/Compile.h"
#include "snnc/Runtime/Limits.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/WithColor.h"

#include <cmath>

namespace snnc::driver {

cl::SubCommand
    importCmd("import",
              "Import an ONNX or NIR model and print the snn dialect");
cl::SubCommand runCmd("run", "Run a model on inputs from a .npy file");
cl::SubCommand evalCmd("eval", "Measure a model's classification accuracy");
cl::SubCommand compileCmd("compile",
                          "Compile a model into a core package (.snnpkg)");
cl::SubCommand simCmd("sim", "Run a model cycle-accurately on the RTL core and "
                             "check it against the golden engine");
cl::SubCommand boardSimCmd(
    "board-sim",
    "Simulate the board (core and serial link) behind a pseudo-terminal; "
    "prints its path, runs until killed");
cl::SubCommand bitstreamCmd(
    "bitstream",
    "Build an FPGA bitstream for a board: core and host link, synthesized, "
    "placed, routed and packed");
cl::SubCommand flashCmd("flash", "Program a board with a bitstream directory");
cl::SubCommand emitCmd("emit-verilog",
                       "Write the core specialized to a model: SystemVerilog, "
                       "memory images, build recipe");

cl::SubCommand compareCmd("compare",
                          "Run float and golden on the same inputs and report "
                          "spike agreement per layer");
cl::SubCommand reportCmd("report", "Write a self-contained HTML report: "
                                   "layers, activity, raster, cycles, memory, "
                                   "agreement, energy");

/// Option groups: `snnc CMD --help` shows these and nothing of LLVM's.
cl::OptionCategory modelOptions("Models and inputs");
cl::OptionCategory compilerOptions("Compiler");
cl::OptionCategory engineOptions("Engines and devices");
cl::OptionCategory boardOptions("Boards and FPGA");
cl::OptionCategory outputOptions("Outputs and resources");

cl::opt<std::string>
    modelPath(cl::cat(modelOptions), cl::Positional, cl::Required,
              cl::desc("<model.onnx|.onnxtxt|.nir|.mlir|.snnpkg>"),
              cl::sub(importCmd), cl::sub(runCmd), cl::sub(evalCmd),
              cl::sub(compileCmd), cl::sub(simCmd), cl::sub(emitCmd),
              cl::sub(bitstreamCmd), cl::sub(compareCmd), cl::sub(reportCmd));
cl::opt<std::string> outputPath(cl::cat(outputOptions), "o",
                                cl::desc("Output file (emit-verilog: "
                                         "directory)"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::sub(importCmd), cl::sub(runCmd),
                                cl::sub(compileCmd), cl::sub(simCmd),
                                cl::sub(emitCmd), cl::sub(bitstreamCmd),
                                cl::sub(compareCmd), cl::sub(reportCmd));
cl::opt<std::string> targetName(cl::cat(compilerOptions), "target",
                                cl::desc("Core description: sim (default), "
                                         "ice40-up5k or ice40-hx8k"),
                                cl::init("sim"), cl::sub(compileCmd),
                                cl::sub(runCmd), cl::sub(evalCmd),
                                cl::sub(simCmd), cl::sub(emitCmd),
                                cl::sub(compareCmd), cl::sub(reportCmd));
IntOption stateBits(cl::cat(compilerOptions), "state-bits",
                    cl::desc("Membrane state width (default 24, or the "
                             "target board's state_bits)"),
                    cl::init(24), cl::sub(compileCmd), cl::sub(runCmd),
                    cl::sub(evalCmd), cl::sub(simCmd), cl::sub(emitCmd),
                    cl::sub(bitstreamCmd), cl::sub(compareCmd),
                    cl::sub(reportCmd));
cl::opt<std::string> calibratePath(
    cl::cat(compilerOptions), "calibrate",
    cl::desc("Inputs (.npy or IDX images) on which the golden engine measures "
             "the report's SOPs and cycles"),
    cl::value_desc("file"), cl::sub(compileCmd));
cl::opt<std::string> chipsOption(
    cl::cat(compilerOptions), "chips",
    cl::desc("Partition the network across chips of the target's board: a "
             "count, or auto for the fewest the partitioner finds"),
    cl::value_desc("N|auto"), cl::sub(compileCmd), cl::sub(bitstreamCmd));
cl::opt<std::string> inputRange(
    cl::cat(modelOptions), "input-range",
    cl::desc("Smallest and largest raw input value, for the input encoder's "
             "scale (default 0,1)"),
    cl::value_desc("min,max"), cl::init("0,1"), cl::sub(compileCmd),
    cl::sub(runCmd), cl::sub(evalCmd), cl::sub(simCmd), cl::sub(emitCmd),
    cl::sub(bitstreamCmd), cl::sub(compareCmd), cl::sub(reportCmd));
cl::opt<std::string> reportPath(
    cl::cat(outputOptions), "report",
    cl::desc("Write the per-layer report as JSON (compile: layers; compare: "
             "agreement)"),
    cl::value_desc("report.json"), cl::sub(compileCmd), cl::sub(compareCmd));
cl::opt<std::string> inputPath(cl::cat(modelOptions), "input",
                               cl::desc("Input .npy: [N, ...] (direct) "
                                        "or [T, N, ...] (events); or event "
                                        "files (.bin, .aedat, a record .npy, "
                                        "a directory, a list .txt)"),
                               cl::value_desc("X.npy|FILE|DIR"),
                               cl::sub(runCmd), cl::sub(simCmd),
                               cl::sub(compareCmd), cl::sub(reportCmd));
cl::opt<std::string> framesSpec(
    cl::cat(modelOptions), "frames",
    cl::desc("Event files: tonic ToFrame's parameters, e.g. n_time_bins=5 "
             "(default: the model's time steps), time_window=1000, "
             "overlap=0.1, sensor_size=34x34x2"),
    cl::value_desc("name=value,..."), cl::sub(runCmd), cl::sub(simCmd),
    cl::sub(evalCmd), cl::sub(compareCmd), cl::sub(reportCmd));
IntOption timesteps(cl::cat(modelOptions), "timesteps",
                    cl::desc("Time steps T (default: the model's; "
                             "import of NIR: stored as the default)"),
                    cl::init(0), cl::sub(runCmd), cl::sub(evalCmd),
                    cl::sub(simCmd), cl::sub(importCmd), cl::sub(compareCmd),
                    cl::sub(reportCmd));
cl::opt<double> nirDt(cl::cat(modelOptions), "dt",
                      cl::desc("NIR models: the time step of the "
                               "discretization (default: the graph's "
                               "metadata)"),
                      cl::sub(importCmd), cl::sub(runCmd), cl::sub(evalCmd),
                      cl::sub(compileCmd), cl::sub(simCmd), cl::sub(emitCmd),
                      cl::sub(bitstreamCmd), cl::sub(compareCmd),
                      cl::sub(reportCmd));
cl::opt<std::string> nirEncoding(
    cl::cat(modelOptions), "encoding",
    cl::desc("NIR models: input encoding, direct (default) or events"),
    cl::init("direct"), cl::sub(importCmd), cl::sub(runCmd), cl::sub(evalCmd),
    cl::sub(compileCmd), cl::sub(simCmd), cl::sub(emitCmd),
    cl::sub(bitstreamCmd), cl::sub(compareCmd), cl::sub(reportCmd));
cl::opt<EngineKind>
    engineKind(cl::cat(engineOptions), "engine", cl::desc("Execution engine"),
               cl::init(EngineKind::Float),
               cl::values(clEnumValN(EngineKind::Float, "float",
                                     "LibTorch float reference"),
                          clEnumValN(EngineKind::Golden, "golden",
                                     "bit-exact integer model of the core"),
                          clEnumValN(EngineKind::Rtl, "rtl",
                                     "cycle-accurate Verilator model of the "
                                     "core's RTL"),
                          clEnumValN(EngineKind::Board, "board",
                                     "a board on a serial port (--device)")),
               cl::sub(runCmd), cl::sub(evalCmd));
cl::opt<std::string> devicePath(cl::cat(engineOptions), "device",
                                cl::desc("The board's serial port (--engine "
                                         "board), e.g. /dev/ttyUSB1"),
                                cl::value_desc("path"), cl::sub(runCmd),
                                cl::sub(evalCmd));
IntOption baudRate(cl::cat(engineOptions), "baud",
                   cl::desc("The serial line's baud rate, 50..12000000 "
                            "(default 3000000, the board link's on its "
                            "12 MHz oscillator)"),
                   cl::init(3000000), cl::sub(runCmd), cl::sub(evalCmd));
IntOption linkTimeout(cl::cat(engineOptions), "link-timeout",
                      cl::desc("Milliseconds to wait for a reply "
                               "before retransmitting, 1..3600000 "
                               "(default 500)"),
                      cl::init(500), cl::sub(runCmd), cl::sub(evalCmd));
cl::opt<std::string> boardDir(cl::cat(boardOptions), cl::Positional,
                              cl::Required, cl::desc("<dir from emit-verilog>"),
                              cl::sub(boardSimCmd));
cl::opt<double> faultRate(cl::cat(boardOptions), "fault-rate",
                          cl::desc("Flip, drop or duplicate each byte on the "
                                   "simulated line with this probability"),
                          cl::init(0.0), cl::sub(boardSimCmd));
cl::opt<bool> gateLevel(cl::cat(boardOptions), "gate-level",
                        cl::desc("Simulate the gate-level netlist of the "
                                 "bitstream built in DIR (board-sim), or "
                                 "measure it (bitstream --measure)"),
                        cl::sub(boardSimCmd), cl::sub(bitstreamCmd));
cl::opt<std::string> clockMhz(
    cl::cat(boardOptions), "clock-mhz",
    cl::desc("The core's clock from the board's PLL, in MHz (icepll's "
             "setting), or 'auto': the highest that meets timing with 5% "
             "margin (default: the board's oscillator)"),
    cl::value_desc("MHz|auto"), cl::sub(bitstreamCmd));
cl::opt<std::string> measurePath(
    cl::cat(boardOptions), "measure",
    cl::desc("Run the bitstream's board (RTL, or its netlist with "
             "--gate-level) on X.npy over the host link and add the figures "
             "to report.json"),
    cl::value_desc("X.npy"), cl::sub(bitstreamCmd));
UIntOption faultSeed(cl::cat(boardOptions), "seed",
                     cl::desc("Seed of the line's faults"), cl::init(1),
                     cl::sub(boardSimCmd));
IntOption resetAfterFrames(
    cl::cat(boardOptions), "reset-after-frames",
    cl::desc("Press the board's reset button once, after the host's N-th "
             "frame"),
    cl::init(-1), cl::sub(boardSimCmd));
cl::opt<std::string> statsPath(cl::cat(outputOptions), "stats",
                               cl::desc("Write the engine's activity as JSON "
                                        "(golden: spikes, SOPs, firing rates; "
                                        "rtl: cycles, lower bound, "
                                        "efficiency)"),
                               cl::value_desc("stats.json"), cl::sub(runCmd),
                               cl::sub(evalCmd), cl::sub(simCmd));
IntOption weightBits(cl::cat(compilerOptions), "weight-bits",
                     cl::desc("Weight width, 2..8 bits"), cl::init(8),
                     cl::sub(runCmd), cl::sub(evalCmd), cl::sub(compileCmd),
                     cl::sub(simCmd), cl::sub(emitCmd), cl::sub(bitstreamCmd),
                     cl::sub(compareCmd), cl::sub(reportCmd));
IntOption lanes(cl::cat(compilerOptions), "lanes",
                cl::desc("RTL core lanes: 1, 2, 4 or 8 (default: the "
                         "model's, as compiled for its target)"),
                cl::init(0), cl::sub(runCmd), cl::sub(evalCmd), cl::sub(simCmd),
                cl::sub(emitCmd), cl::sub(bitstreamCmd), cl::sub(reportCmd),
                cl::sub(compileCmd));
cl::opt<std::string> boardName(cl::cat(boardOptions), "board",
                               cl::desc("The board (backends/boards): "
                                        "icebreaker (default), "
                                        "hx8k-breakout"),
                               cl::init("icebreaker"), cl::sub(bitstreamCmd));
cl::opt<std::string> flashDir(cl::cat(boardOptions), cl::Positional,
                              cl::Required,
                              cl::desc("<dir from snnc bitstream>"),
                              cl::sub(flashCmd));
cl::opt<std::string> corePath(
    cl::cat(compilerOptions), "core",
    cl::desc("Run on an already emitted core (its core.json) instead of one "
             "sized to the model"),
    cl::value_desc("core.json"), cl::sub(runCmd), cl::sub(evalCmd),
    cl::sub(simCmd), cl::sub(emitCmd));
cl::opt<std::string> vcdPath(cl::cat(engineOptions), "vcd",
                             cl::desc("Write the RTL waveform (VCD)"),
                             cl::value_desc("out.vcd"), cl::sub(runCmd),
                             cl::sub(simCmd));
UIntOption cycleBudget(
    cl::cat(engineOptions), "cycle-budget",
    cl::desc("Cycles one time step may take on the RTL before the run fails, "
             "1..1e12 (default: the network's worst case)"),
    cl::init(0), cl::sub(runCmd), cl::sub(evalCmd), cl::sub(simCmd));
cl::opt<std::string> imagesPath(cl::cat(modelOptions), "images",
                                cl::desc("Images: .npy or IDX (.gz); or "
                                         "event files: a folder per class, "
                                         "or a list .txt of 'path label'"),
                                cl::value_desc("file|DIR"), cl::sub(evalCmd));
cl::opt<std::string> labelsPath(cl::cat(modelOptions), "labels",
                                cl::desc("Labels: .npy or IDX (.gz)"),
                                cl::value_desc("file"), cl::sub(evalCmd),
                                cl::sub(reportCmd));
IntOption limit(cl::cat(modelOptions), "limit",
                cl::desc("Evaluate only the first N images"), cl::init(0),
                cl::sub(evalCmd));
cl::opt<bool> compareGolden(
    cl::cat(engineOptions), "compare-golden",
    cl::desc("Also run the golden engine and fail unless every output and "
             "every spike is identical"),
    cl::sub(runCmd));

cl::opt<std::string> maxMemory(
    cl::cat(outputOptions), "max-memory",
    cl::desc("Refuse runs whose estimated memory exceeds this (e.g. 512M, "
             "4G; default: half the physical memory)"),
    cl::value_desc("size"), cl::sub(runCmd), cl::sub(evalCmd),
    cl::sub(compileCmd), cl::sub(simCmd), cl::sub(compareCmd),
    cl::sub(reportCmd));

cl::opt<std::string> maxOps(
    cl::cat(outputOptions), "max-ops",
    cl::desc("Refuse runs that need more operations per sample (synaptic "
             "operations and neuron updates over all steps; e.g. 1e12, "
             "500G; default 1e11)"),
    cl::value_desc("count"), cl::sub(runCmd), cl::sub(evalCmd), cl::sub(simCmd),
    cl::sub(compareCmd), cl::sub(reportCmd));

IntOption threadCount(
    cl::cat(engineOptions), "threads",
    cl::desc("Threads the golden engine runs samples on, 1..1024 (default: "
             "every core); results are the same for any count"),
    cl::init(0), cl::sub(runCmd), cl::sub(evalCmd), cl::sub(compareCmd));

int64_t goldenThreads() {
  if (threadCount > 0)
    return threadCount;
  return std::max<int64_t>(
      1, llvm::heavyweight_hardware_concurrency().compute_thread_count());
}

llvm::ArrayRef<const cl::OptionCategory *> optionCategories() {
  static const cl::OptionCategory *categories[] = {
      &modelOptions, &compilerOptions, &engineOptions, &boardOptions,
      &outputOptions};
  return categories;
}

// The one place errors are printed: what they quote (node names, paths,
// option values) passes through terminalSafe, so an error stays one line.
int report(llvm::Error err) {
  llvm::WithColor::error(llvm::errs(), "snnc")
      << terminalSafe(llvm::toString(std::move(err))) << "\n";
  return kError;
}

int usage(const llvm::Twine &what) {
  llvm::WithColor::error(llvm::errs(), "snnc")
      << terminalSafe(what.str()) << "\n";
  return kUsage;
}

/// A line MLIR's diagnostic collector puts after an error: "loc(...):
/// note: ...".
static bool isNoteLine(llvm::StringRef line) {
  line = line.take_until([](char c) { return c == '\n'; });
  return line.startswith("loc(") && line.contains("): note: ");
}

static void appendEscaped(std::string &out, unsigned char byte) {
  switch (byte) {
  case '\n':
    out += "\\n";
    return;
  case '\r':
    out += "\\r";
    return;
  case '\t':
    out += "\\t";
    return;
  default:
    out += llvm::formatv("\\x{0:x-2}", unsigned(byte)).str();
  }
}

/// The code point of a 3-byte UTF-8 sequence.
static unsigned codePoint(llvm::StringRef bytes) {
  return (unsigned(bytes[0] & 0x0F) << 12) | (unsigned(bytes[1] & 0x3F) << 6) |
         unsigned(bytes[2] & 0x3F);
}

/// U+2028 and U+2029 end a line for some readers (Python's splitlines);
/// the bidirectional overrides and isolates (U+202A..U+202E,
/// U+2066..U+2069) make a terminal show text in another order than it is.
static bool isSeparatorOrBidi(llvm::StringRef bytes) {
  unsigned c = codePoint(bytes);
  return (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::string terminalSafe(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char byte = text[i];
    if (byte == '\n' && isNoteLine(text.drop_front(i + 1))) {
      out += '\n';
      ++i;
      continue;
    }
    if (byte < 0x20 || byte == 0x7f) {
      appendEscaped(out, byte);
      ++i;
      continue;
    }
    if (byte < 0x80) {
      out += char(byte);
      ++i;
      continue;
    }
    // UTF-8 passes (names may be in any script), but not the C1 controls
    // U+0080..U+009F (U+009B is CSI, as ESC [ is), nor bytes that are not
    // UTF-8, which a Latin-1 terminal would read as C1 controls.
    unsigned length = llvm::getNumBytesForUTF8(byte);
    const auto *start = reinterpret_cast<const llvm::UTF8 *>(text.data() + i);
    bool utf8 = i + length <= text.size() &&
                llvm::isLegalUTF8Sequence(start, start + length);
    bool c1 = utf8 && length == 2 && byte == 0xC2 &&
              (unsigned char)text[i + 1] < 0xA0;
    if (utf8 && length == 3 && isSeparatorOrBidi(text.substr(i, 3))) {
      out += llvm::formatv("\\u{0:x-4}", codePoint(text.substr(i, 3))).str();
      i += 3;
      continue;
    }
    if (!utf8 || c1) {
      for (unsigned j = 0; j < (c1 ? 2u : 1u); ++j)
        appendEscaped(out, (unsigned char)text[i + j]);
      i += c1 ? 2 : 1;
      continue;
    }
    out.append(text.data() + i, length);
    i += length;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Integer options and their ranges.
//===----------------------------------------------------------------------===//

/// The digits of a decimal integer, its sign taken off; false if `arg` is
/// not one ("0x10", "1e3", " 4", "").
static bool decimalDigits(llvm::StringRef arg, bool allowSign,
                          llvm::StringRef &digits, bool &negative) {
  digits = arg;
  negative = allowSign && digits.consume_front("-");
  return !digits.empty() && llvm::all_of(digits, llvm::isDigit);
}

/// LLVM's "for the --X option: 'V' value invalid for long argument!" line
/// (its own parser's words), with why.  The value is escaped here: the
/// driver keeps the first line of what LLVM prints, and a newline in the
/// value would cut the message short.
static bool badValue(cl::Option &option, llvm::StringRef arg,
                     llvm::StringRef type, llvm::StringRef why) {
  return option.error("'" + terminalSafe(arg) + "' value invalid for " + type +
                      " argument! (" + why + ")");
}

bool parseDecimal(cl::Option &option, llvm::StringRef arg, long long &value) {
  llvm::StringRef digits;
  bool negative;
  if (!decimalDigits(arg, /*allowSign=*/true, digits, negative))
    return badValue(option, arg, "long", "not a decimal integer");
  unsigned long long magnitude;
  // Radix 10: "010" is ten (getAsInteger(0, ...) would read octal).
  if (digits.getAsInteger(10, magnitude) ||
      magnitude > uint64_t(INT64_MAX) + (negative ? 1 : 0))
    return badValue(option, arg, "long", "out of range");
  value = negative ? (long long)(0 - magnitude) : (long long)magnitude;
  return false;
}

bool parseDecimal(cl::Option &option, llvm::StringRef arg,
                  unsigned long long &value) {
  llvm::StringRef digits;
  bool negative;
  if (!decimalDigits(arg, /*allowSign=*/false, digits, negative))
    return badValue(option, arg, "ulong", "not a decimal integer");
  if (digits.getAsInteger(10, value))
    return badValue(option, arg, "ulong", "out of range");
  return false;
}

/// The option's name as typed: "-o", "--stats".
static std::string spelled(const cl::Option &option) {
  return (option.ArgStr.size() == 1 ? "-" : "--") + option.ArgStr.str();
}

/// LLVM takes the last of a repeated option silently; of "--timesteps 4
/// --timesteps 8" one is a mistake, so neither is guessed.  Lists (and
/// positionals, which LLVM counts itself) may repeat.
static int checkRepeatedOptions() {
  cl::SubCommand *active = &cl::SubCommand::getTopLevel();
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    if (*sub)
      active = sub;
  // Without a command only LLVM's own options are there, and libLLVM is
  // built without RTTI: UBSan's vptr check cannot tell their type, and the
  // command-less call is refused anyway.
  if (active == &cl::SubCommand::getTopLevel())
    return 0;
  for (const auto &entry : active->OptionsMap) {
    const cl::Option &option = *entry.second;
    if (option.getNumOccurrencesFlag() == cl::Optional &&
        option.getNumOccurrences() > 1)
      return usage(llvm::formatv("{0} is given {1} times; give it once",
                                 spelled(option), option.getNumOccurrences()));
  }
  return 0;
}

/// Refuses a given value outside [lo, hi]: times and counts that reach
/// deadlines and buffers downstream (a link timeout of 2^63 ms overflows
/// the deadline it is added to).
template <typename T>
static int checkRange(const cl::opt<T, false, DecimalParser<T>> &option, T lo,
                      T hi, llvm::StringRef unit = "") {
  if (!option.getNumOccurrences() || (option >= lo && option <= hi))
    return 0;
  return usage(llvm::formatv("{0} must be in [{1}, {2}]{3}, got {4}",
                             spelled(option), lo, hi, unit, T(option)));
}

int checkOptionValues() {
  if (int rc = checkRepeatedOptions())
    return rc;
  // From termios's slowest to the FT2232H's fastest.
  if (int rc = checkRange<int64_t>(baudRate, kMinBaud, kMaxBaud))
    return rc;
  // An hour: a gate-level board answers within a minute.
  if (int rc = checkRange<int64_t>(linkTimeout, 1, 3'600'000, " ms"))
    return rc;
  // 10^12 cycles: a day of a 12 MHz board; the board's reply deadline is
  // derived from it.
  if (int rc = checkRange<uint64_t>(cycleBudget, 1, 1'000'000'000'000))
    return rc;
  if (int rc = checkRange<int64_t>(threadCount, 1, 1024))
    return rc;
  return checkRange<int64_t>(resetAfterFrames, 0, 1'000'000'000);
}

//===----------------------------------------------------------------------===//
// Outputs.
//===----------------------------------------------------------------------===//

/// `path` as the file it will be: absolute, its directory resolved
/// through symlinks where it exists, otherwise with dots removed.
static std::string outputIdentity(llvm::StringRef path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::StringRef name = llvm::sys::path::filename(absolute);
  llvm::SmallString<256> real;
  if (name != "." && name != ".." &&
      !llvm::sys::fs::real_path(llvm::sys::path::parent_path(absolute), real)) {
    llvm::sys::path::append(real, name);
    return std::string(real);
  }
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  return std::string(absolute);
}

int checkDistinctOutputs(
    llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>> outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    auto [name, path] = outputs[i];
    if (path.empty() || path == "-")
      continue;
    for (size_t j = 0; j < i; ++j) {
      auto [otherName, otherPath] = outputs[j];
      if (otherPath.empty() || otherPath == "-")
        continue;
      bool same = false;
      // Existing files: the same inode under two names (a hard link).
      if (llvm::sys::fs::equivalent(path, otherPath, same) || !same)
        same = outputIdentity(path) == outputIdentity(otherPath);
      if (same)
        return usage(llvm::formatv("{0} and {1} both name the file '{2}'; "
                                   "give each output a file of its own",
                                   otherName, name, path));
    }
  }
  return 0;
}

/// Parses --input-range; false if it is not "min,max" with min < max.
bool parseInputRange(double &lo, double &hi) {
  auto [a, b] = llvm::StringRef(inputRange).split(',');
  return !a.trim().getAsDouble(lo) && !b.trim().getAsDouble(hi) && lo < hi &&
         std::isfinite(lo) && std::isfinite(hi);
}

/// --state-bits, else the width the board's memories make natural (the
/// compile target's, or bitstream's --board), else 24.
static int64_t chosenStateBits() {
  if (stateBits.getNumOccurrences() || (!bitstreamCmd && targetName == "sim"))
    return stateBits;
  if (!bitstreamCmd)
    return pipeline::defaultStateBits(targetName);
  auto board = findBoard(boardName);
  if (!board) {
    llvm::consumeError(board.takeError());
    return stateBits;
  }
  return board->stateBits;
}

NirOptions nirOptions() {
  NirOptions options;
  if (nirDt.getNumOccurrences())
    options.dt = nirDt;
  options.encoding = nirEncoding;
  if (timesteps.getNumOccurrences())
    options.timesteps = int64_t(timesteps);
  return options;
}

pipeline::CompileOptions compileOptions() {
  pipeline::CompileOptions options;
  parseInputRange(options.inputMin, options.inputMax);
  options.weightBits = weightBits;
  options.stateBits = chosenStateBits();
  options.target = pipeline::canonicalTarget(targetName);
  // compile --lanes: the core a package is compiled for (the commands that
  // build a core take their --lanes when they choose it).
  options.lanes = bool(compileCmd) ? int64_t(lanes) : 0;
  options.nir = nirOptions();
  return options;
}

std::optional<int64_t> requestedSteps() {
  if (timesteps.getNumOccurrences())
    return int64_t(timesteps);
  return std::nullopt;
}

/// Options of the RTL engine; fails on an unreadable --core.
llvm::Expected<DeviceOptions> deviceOptions() {
  DeviceOptions options;
  options.lanes = lanes;
  options.vcdPath = vcdPath;
  options.cycleBudget = cycleBudget;
  if (!corePath.empty()) {
    auto core = CoreParams::readFile(corePath);
    if (!core)
      return core.takeError();
    options.core = *core;
  }
  options.link.device = devicePath;
  options.link.baud = baudRate;
  options.link.timeoutMs = linkTimeout;
  return options;
}

/// Adds the engine's stats to a command's outputs, if asked for and
/// available.
llvm::Error addStats(OutputTransaction &outputs, const Session &session) {
  llvm::json::Value stats = session.stats();
  if (statsPath.empty() || stats.kind() == llvm::json::Value::Null)
    return llvm::Error::success();
  return outputs.add(statsPath, [&](llvm::raw_ostream &os) {
    os << llvm::formatv("{0:2}", stats) << "\n";
  });
}

/// The cycle figures of an RTL or board run, for people.
void printCycles(const Session &session, llvm::raw_ostream &os) {
  const CoreRunStats &stats = *session.coreStats();
  const LinkStats *link = session.linkStats();
  double samples = double(std::max<int64_t>(1, stats.samples));
  os << llvm::formatv("{0}: {1} samples x {2} steps on {3} lanes\n",
                      session.deviceKind(), stats.samples, stats.timesteps,
                      stats.lanes);
  os << llvm::formatv("cycles per inference: {0:F1}\n",
                      double(stats.cycles) / samples);
  os << llvm::formatv("lower bound per inference: {0:F1} (sum of ceil(SOPs / "
                      "{1}) + {2:F1} neuron words swept)\n",
                      double(stats.lowerBound) / samples, stats.lanes,
                      double(stats.sweepWords) / samples);
  os << llvm::formatv("efficiency: {0:F3}\n", stats.efficiency());
  if (link) {
    os << llvm::formatv("link: {0} requests, {1} frames, {2} retransmissions "
                        "({3} timeouts, {4} corrupt replies, {5} rejected "
                        "requests), {6} reloads after a reset\n",
                        link->requests, link->frames, link->retransmissions,
                        link->timeouts, link->corruptReplies,
                        link->rejectedRequests, stats.reloads);
    return;
  }
  if (stats.simulationSeconds > 0)
    os << llvm::formatv("simulated: {0:F2} M cycles/s (Verilator)\n",
                        double(stats.cycles) / stats.simulationSeconds / 1e6);
}

/// Options that only some engines take.
int checkEngineOptions() {
  bool sim = bool(simCmd);
  if (!statsPath.empty() && engineKind == EngineKind::Float && !sim)
    return usage("--stats needs --engine golden, rtl or board");
  // compile --lanes chooses the core a package is compiled for.
  if (engineKind != EngineKind::Rtl && !sim && !bool(emitCmd) &&
      !bool(compileCmd) &&
      (lanes.getNumOccurrences() || !vcdPath.empty() || !corePath.empty()))
    return usage("--lanes, --core and --vcd need --engine rtl");
  bool onCore =
      engineKind == EngineKind::Rtl || engineKind == EngineKind::Board;
  if (!onCore && !sim && (cycleBudget.getNumOccurrences() || compareGolden))
    return usage("--cycle-budget and --compare-golden need --engine rtl or "
                 "board");
  bool board = engineKind == EngineKind::Board && !sim;
  if (board != !devicePath.empty() && !sim && !bool(emitCmd))
    return usage(board ? "--engine board needs --device PATH"
                       : "--device needs --engine board");
  if (!board &&
      (baudRate.getNumOccurrences() || linkTimeout.getNumOccurrences()))
    return usage("--baud and --link-timeout need --engine board");
  return checkInputRange();
}

int checkInputRange() {
  double lo, hi;
  if (!parseInputRange(lo, hi))
    return usage("--input-range must be MIN,MAX with MIN < MAX, got '" +
                 inputRange + "'");
  return 0;
}

/// The model as the core's network (compiled, or a package as it is):
/// the compiler and the package reader each validate what they produce.
llvm::Expected<CoreNetwork> loadValidNetwork(mlir::MLIRContext &context) {
  return pipeline::loadCoreNetwork(modelPath, context, compileOptions());
}

} // namespace snnc::driver
