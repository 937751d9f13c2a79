//===- Bitstream.cpp - the FPGA flow: network to bitstream ----------------===//
#include "snnc/Backends/Bitstream.h"
#include "snnc/Backends/OutputDirectory.h"
#include "snnc/Backends/VerilogEmitter.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Json.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstdio>

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;

namespace {
Error flowError(const llvm::Twine &what) {
  return plainError("bitstream: " + what);
}

std::string pathIn(llvm::StringRef dir, llvm::StringRef name) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  return std::string(path);
}

std::string readText(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

Error writeText(llvm::StringRef path, llvm::StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return flowError(formatv("{0}: {1}", path, ec.message()));
  os << text;
  return Error::success();
}

/// "ICESTORM_LC 6067 / 5280 (115%)" for every resource nextpnr's
/// utilisation table shows over its capacity.
std::string overflowingResources(llvm::StringRef log) {
  std::string over;
  llvm::SmallVector<llvm::StringRef> lines;
  log.split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    // "Info:          ICESTORM_LC:  6067/ 5280   114%"
    auto [head, rest] = line.split(':');
    auto [cell, figures] = rest.trim().split(':');
    if (!cell.startswith("ICESTORM_") && !cell.startswith("SB_"))
      continue;
    auto [usedText, availableText] = figures.split('/');
    int64_t used = 0, available = 0;
    if (usedText.trim().getAsInteger(10, used) ||
        availableText.trim().split(' ').first.getAsInteger(10, available))
      continue;
    if (used > available)
      over += formatv("{0}{1} needs {2} of {3}", over.empty() ? "" : ", ",
                      cell.trim(), used, available)
                  .str();
  }
  return over;
}

/// Runs one tool of the flow by its argv (no shell: no path reaches one),
/// its output into `log`; fails naming the stage and the tool's last error
/// line.
Error runTool(llvm::StringRef stage, llvm::StringRef tool,
              llvm::ArrayRef<std::string> args, llvm::StringRef log) {
  auto program = llvm::sys::findProgramByName(tool);
  if (!program)
    return flowError(formatv("{0}: {1} is not installed (scripts/setup.sh "
                             "installs yosys, nextpnr-ice40 and "
                             "fpga-icestorm)",
                             stage, tool));
  llvm::SmallVector<llvm::StringRef> argv = {*program};
  argv.append(args.begin(), args.end());
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), log, log};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*program, argv, std::nullopt, redirects, 0,
                                     0, &message);
  if (rc != 0)
    return flowError(
        formatv("{0} failed ({1}): {2} (log: {3})", stage, tool,
                message.empty() ? lastErrorLine(readText(log)) : message, log));
  return Error::success();
}

/// The first line a tool prints for its version.
std::string toolVersion(llvm::StringRef tool, llvm::StringRef flag,
                        llvm::StringRef scratch) {
  auto program = llvm::sys::findProgramByName(tool);
  if (!program)
    return "missing";
  llvm::sys::fs::remove(scratch);
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), scratch,
                                                scratch};
  llvm::sys::ExecuteAndWait(*program, {*program, flag}, std::nullopt,
                            redirects);
  std::string text = readText(scratch);
  return llvm::StringRef(text).split('\n').first.trim().str();
}

std::string debianVersion(llvm::StringRef package, llvm::StringRef scratch) {
  auto dpkg = llvm::sys::findProgramByName("dpkg-query");
  if (!dpkg)
    return "unknown";
  llvm::sys::fs::remove(scratch);
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), scratch,
                                                llvm::StringRef("")};
  llvm::sys::ExecuteAndWait(*dpkg, {*dpkg, "-W", "-f", "${Version}", package},
                            std::nullopt, redirects);
  std::string version = llvm::StringRef(readText(scratch)).trim().str();
  return version.empty() ? "unknown" : package.str() + " " + version;
}

/// used / available of one nextpnr utilization entry.
llvm::json::Value usage(const llvm::json::Object *utilization,
                        llvm::StringRef cell, int64_t available) {
  int64_t used = 0;
  if (utilization)
    if (const llvm::json::Object *entry = utilization->getObject(cell))
      used = entry->getInteger("used").value_or(0);
  return llvm::json::Object{{"used", used}, {"available", available}};
}
} // namespace

/// A line that only relays a failure below it (make's `*** [...] Error 2`,
/// Verilator's `%Error: make ... exited with 2`): the cause is elsewhere.
static bool relayLine(llvm::StringRef line) {
  line = line.trim();
  return (line.contains("*** [") && line.contains("] Error ")) ||
         line.startswith("%Error: make ") ||
         line.startswith("%Error: Command Failed") ||
         line.startswith("%Error: Exiting due to") ||
         line.contains("warnings,");
}

/// The last line of a log that states an error (the tools' `ERROR:`
/// first, then Verilator's and make's, then a compiler's; not the lines
/// that relay a failure nor the closing counts), else its last line
/// (before iceprog's closing `ABORT.`), at most 300 characters.
std::string snnc::lastErrorLine(llvm::StringRef log) {
  llvm::SmallVector<llvm::StringRef> lines;
  log.split(lines, '\n', -1, false);
  auto shortened = [](llvm::StringRef line) {
    line = line.trim();
    return line.size() > 300 ? line.take_front(300).str() + "..." : line.str();
  };
  for (llvm::StringRef marker :
       {"ERROR:", "%Error", "*** ", "error:", "Error", "error"})
    for (auto it = lines.rbegin(); it != lines.rend(); ++it)
      if (it->contains(marker) && !relayLine(*it))
        return shortened(*it);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (!it->trim().empty() && it->trim() != "ABORT.")
      return shortened(*it);
  return "(no output)";
}

namespace {
/// What the flow writes besides the core's sources.
const char *const kFlowFiles[] = {
    "board_top.sv",  "snn.pcf",   "snn.json",    "synth_stat.txt",
    "snn_netlist.v", "yosys.log", "pnr.json",    "nextpnr.log",
    "snn.asc",       "snn.bin",   "icepack.log", "report.json"};

/// Whether yosys can take `path` in a script as it is: its commands split
/// at blanks and `;`, and one that starts with `!` runs a shell.
bool plainPath(llvm::StringRef path) {
  return !path.empty() && llvm::all_of(path, [](char c) {
    return llvm::isAlnum(c) || llvm::StringRef("/._+-").contains(c);
  });
}

/// The tools' private directory, under the temporary directory with a name
/// of plain characters only: the user's path never reaches a tool, so no
/// quote, `;` or newline in it can turn into a command.
Expected<std::string> createWorkDirectory() {
  llvm::SmallString<256> prefix;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, prefix);
  if (!plainPath(prefix) || !llvm::sys::path::is_absolute(prefix))
    prefix = "/tmp";
  llvm::sys::path::append(prefix, "snnc-bitstream");
  llvm::SmallString<256> work;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(prefix, work))
    return flowError(formatv("{0}: {1}", prefix, ec.message()));
  return std::string(work);
}

/// An entry's type, asked of the file system where the directory does not
/// say (some file systems leave readdir's d_type unknown).
llvm::sys::fs::file_type typeOf(const llvm::sys::fs::directory_entry &entry) {
  if (entry.type() != llvm::sys::fs::file_type::type_unknown)
    return entry.type();
  auto status = entry.status();
  return status ? status->type() : llvm::sys::fs::file_type::type_unknown;
}

/// The regular files under `root`, relative to it.
Expected<std::vector<std::string>> filesUnder(llvm::StringRef root) {
  std::vector<std::string> names;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(root, ec), end;
       it != end && !ec; it.increment(ec))
    if (typeOf(*it) == llvm::sys::fs::file_type::regular_file)
      names.push_back(
          llvm::StringRef(it->path()).drop_front(root.size() + 1).str());
  if (ec)
    return flowError(formatv("{0}: {1}", root, ec.message()));
  return names;
}

/// After a failure only the tools' logs stay, since the error names one.
void keepLogs(llvm::StringRef work) {
  bool logs = false;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(work, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (typeOf(*it) == llvm::sys::fs::file_type::directory_file)
      llvm::sys::fs::remove_directories(it->path());
    else if (llvm::StringRef(it->path()).endswith(".log"))
      logs = true;
    else
      llvm::sys::fs::remove(it->path());
  }
  if (!logs)
    llvm::sys::fs::remove_directories(work);
}

/// Moves the flow's files into the output directory: into a staging
/// directory beside it (copied where the temporary directory is another
/// file system), then committed whole.
Error deliver(OutputDirectory &out, llvm::StringRef work) {
  auto files = filesUnder(work);
  if (!files)
    return files.takeError();
  const std::vector<std::string> &names = *files;
  auto staging = out.createStaging();
  if (!staging)
    return staging.takeError();
  for (const std::string &name : names) {
    std::string from = pathIn(work, name), to = pathIn(*staging, name);
    std::error_code ec =
        llvm::sys::fs::create_directories(llvm::sys::path::parent_path(to));
    if (!ec && llvm::sys::fs::rename(from, to))
      ec = llvm::sys::fs::copy_file(from, to);
    if (ec) {
      llvm::sys::fs::remove_directories(*staging);
      return flowError(formatv("{0}: {1}", to, ec.message()));
    }
  }
  return out.commit(*staging, names);
}

/// Synthesis; the netlist is also written as Verilog over yosys's own cell
/// models (for gate-level simulation; see docs/core.md).
Error synthesize(const CoreParams &params, const BoardDescription &board,
                 llvm::StringRef work) {
  std::string sources;
  for (const EmbeddedFile &file : coreSources())
    if (llvm::StringRef(file.name).startswith("rtl/"))
      sources += pathIn(work, file.name) + " ";
  for (const char *top : {"snn_top.sv", "snn_board.sv", "board_top.sv"})
    sources += pathIn(work, top) + " ";
  // snn_top carries the SPRAM choices (flowAt); -spram lets yosys use them.
  SpramPlacement spram = placeInSpram(params, board);
  std::string synth =
      formatv("read_verilog -defer -sv {0}; synth_ice40 -top board_top{1}{2} "
              "-json {3}; tee -q -o {4} stat; write_verilog -noattr {5}",
              sources, board.resources.dsp > 0 ? " -dsp" : "",
              spram.blocks > 0 ? " -spram" : "", pathIn(work, "snn.json"),
              pathIn(work, "synth_stat.txt"), pathIn(work, "snn_netlist.v"))
          .str();
  assert(plainPath(work) && "the work directory's name is snnc's");
  return runTool("synthesis", "yosys", {"-q", "-p", synth},
                 pathIn(work, "yosys.log"));
}

/// Place and route against the board's clock: nextpnr's report, or an
/// error in its figures.
Expected<llvm::json::Value> placeAndRoute(const BoardDescription &board,
                                          double clockHz, int64_t seed,
                                          llvm::StringRef work) {
  std::string nextpnr = "nextpnr-" + board.family;
  std::string log = pathIn(work, "nextpnr.log");
  std::vector<std::string> args = {"--" + board.device,
                                   "--package",
                                   board.package,
                                   "--pcf",
                                   pathIn(work, "snn.pcf"),
                                   "--json",
                                   pathIn(work, "snn.json"),
                                   "--asc",
                                   pathIn(work, "snn.asc"),
                                   "--freq",
                                   formatv("{0:F6}", clockHz / 1e6).str(),
                                   "--report",
                                   pathIn(work, "pnr.json"),
                                   "--seed",
                                   std::to_string(seed)};
  if (Error err = runTool("place and route", nextpnr, args, log)) {
    // Say which resource overflowed, in nextpnr's own figures.
    std::string over = overflowingResources(readText(log));
    if (over.empty())
      return std::move(err);
    llvm::consumeError(std::move(err));
    return flowError(formatv("the design does not fit {0}: {1} (log: {2})",
                             board.name, over, log));
  }
  auto pnr = snnc::parseJson(readText(pathIn(work, "pnr.json")));
  if (!pnr)
    return flowError("place and route: nextpnr wrote no readable report (" +
                     llvm::toString(pnr.takeError()) + ")");
  return pnr;
}

/// The slowest clock domain's Fmax in nextpnr's report.
std::optional<double> fmaxOf(const llvm::json::Object *pnr) {
  std::optional<double> fmax;
  if (const llvm::json::Object *clocks = pnr ? pnr->getObject("fmax") : nullptr)
    for (auto &[name, entry] : *clocks)
      if (const llvm::json::Object *e = entry.getAsObject())
        if (auto achieved = e->getNumber("achieved"))
          fmax = fmax ? std::min(*fmax, *achieved) : *achieved;
  return fmax;
}

/// The whole flow inside `work`: sources, synthesis, place and route,
/// pack; returns the report (also written to work/report.json).
Expected<llvm::json::Value>
runFlow(const CoreParams &params, const BoardDescription &board,
        const CoreClock &clock, const BitstreamOptions &options,
        llvm::ArrayRef<GeneratedFile> sources, llvm::StringRef work) {
  llvm::json::Array stages;
  auto timed = [&](llvm::StringRef name, auto &&body) -> Error {
    auto start = std::chrono::steady_clock::now();
    Error err = body();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    stages.push_back(llvm::json::Object{{"stage", name}, {"seconds", seconds}});
    return err;
  };

  // 1. The sources: the core, the board top and the pins.
  if (Error err = timed("emit", [&]() -> Error {
        if (Error e = writeFiles(work, sources))
          return e;
        if (Error e = writeText(pathIn(work, "board_top.sv"),
                                emitBoardWrapper(board, clock.pll)))
          return e;
        return writeText(pathIn(work, "snn.pcf"), emitPinConstraints(board));
      }))
    return std::move(err);
  // 2. Synthesis.
  if (Error err =
          timed("synth", [&] { return synthesize(params, board, work); }))
    return std::move(err);
  // 3. Place and route against the board's clock.
  std::optional<llvm::json::Value> pnr;
  if (Error err = timed("place and route", [&]() -> Error {
        auto routed = placeAndRoute(board, clock.hz, options.seed, work);
        if (!routed)
          return routed.takeError();
        pnr = std::move(*routed);
        return Error::success();
      }))
    return std::move(err);
  const llvm::json::Object *pnrObject = pnr->getAsObject();
  const llvm::json::Object *utilization =
      pnrObject ? pnrObject->getObject("utilization") : nullptr;
  double clockMhz = clock.hz / 1e6;
  std::optional<double> fmax = fmaxOf(pnrObject);
  if (!fmax)
    return flowError("place and route: nextpnr reported no Fmax");
  if (*fmax < clockMhz)
    return flowError(formatv("timing: the design reaches {0:F1} MHz, below "
                             "the {1} {2} MHz clock (log: {3})",
                             *fmax, clock.pll ? "PLL's" : "board's", clockMhz,
                             pathIn(work, "nextpnr.log")));
  // 4. The bitstream.
  std::string bin = pathIn(work, "snn.bin");
  if (Error err = timed("pack", [&] {
        return runTool("pack", "icepack", {pathIn(work, "snn.asc"), bin},
                       pathIn(work, "icepack.log"));
      }))
    return std::move(err);

  std::string nextpnr = "nextpnr-" + board.family;
  std::string scratch = pathIn(work, "versions.tmp");
  llvm::json::Object tools{
      {"yosys", toolVersion("yosys", "-V", scratch)},
      {nextpnr, toolVersion(nextpnr, "--version", scratch)},
      {"icepack", debianVersion("fpga-icestorm", scratch)}};
  llvm::sys::fs::remove(scratch);
  uint64_t binBytes = 0;
  llvm::sys::fs::file_size(bin, binBytes);
  const DeviceResources &r = board.resources;
  llvm::json::Object report{
      {"board", board.name},
      {"device",
       formatv("{0} {1} {2}", board.family, board.device, board.package).str()},
      {"utilization",
       llvm::json::Object{
           {"lc", usage(utilization, "ICESTORM_LC", r.lc)},
           {"ebr", usage(utilization, "ICESTORM_RAM", r.ebr)},
           {"spram", usage(utilization, "ICESTORM_SPRAM", r.spram)},
           {"dsp", usage(utilization, "ICESTORM_DSP", r.dsp)}}},
      {"fmax_mhz", *fmax},
      {"clock_mhz", clockMhz},
      {"oscillator_mhz", double(board.clockHz) / 1e6},
      {"timing_met", true},
      {"timing_slack_percent", (*fmax / clockMhz - 1) * 100},
      {"bitstream", "snn.bin"},
      {"bitstream_bytes", int64_t(binBytes)},
      {"tools", std::move(tools)},
      {"stages", std::move(stages)},
      {"core", params.toJson()}};
  if (clock.pll)
    report["pll"] = llvm::json::Object{{"primitive", board.pll},
                                       {"divr", clock.pll->divr},
                                       {"divf", clock.pll->divf},
                                       {"divq", clock.pll->divq},
                                       {"filter_range", clock.pll->filterRange},
                                       {"vco_mhz", clock.pll->vcoHz() / 1e6}};
  llvm::json::Value value(std::move(report));
  std::string text;
  llvm::raw_string_ostream(text) << formatv("{0:2}", value) << "\n";
  if (Error err = writeText(pathIn(work, "report.json"), text))
    return std::move(err);
  return value;
}
} // namespace

/// One run of the flow at `clock` in a fresh work directory; the sources
/// are rendered for that clock (the link's UART divides it).  On failure
/// the work directory keeps the logs; on success the caller delivers it.
static Expected<std::pair<llvm::json::Value, std::string>>
flowAt(const CoreParams &params, const CoreImage &image,
       const BoardDescription &board, const BitstreamOptions &options,
       const CoreClock &clock, OutputDirectory &out) {
  BoardLinkParams link;
  link.clockHz = int64_t(std::llround(clock.hz));
  link.clksPerBit = linkClocksPerBit(clock.hz);
  link.bufferBytes = board.linkBufferBytes;
  // On devices with SPRAM, the memories placeInSpram chose go there; the
  // choice is written into snn_top, so that synthesis and the directory's
  // simulations (board-sim, --measure) build the same core.
  for (auto &[name, value] : placeInSpram(params, board).parameters)
    link.memoryChoices.push_back({name, value});
  auto sources = renderCore(params, &image, options.origin, link);
  if (!sources)
    return sources.takeError();
  std::vector<std::string> names(std::begin(kFlowFiles), std::end(kFlowFiles));
  for (const GeneratedFile &file : *sources)
    names.push_back(file.name);
  if (Error err = out.checkNames(names))
    return std::move(err);
  auto work = createWorkDirectory();
  if (!work)
    return work.takeError();
  auto report = runFlow(params, board, clock, options, *sources, *work);
  if (!report) {
    keepLogs(*work);
    return report.takeError();
  }
  return std::make_pair(std::move(*report), *work);
}

/// `--clock-mhz auto`: the flow on the oscillator gives the design's Fmax;
/// the PLL then runs it at the highest setting with kTimingMargin below
/// that; a setting lower again (or back on the oscillator) if the
/// placement with the PLL leaves less margin, or a setting higher if it
/// leaves more (nextpnr's Fmax on a nearly full UP5K moves by a tenth with
/// the clock it places for; a 12 MHz probe undersells the design).  A
/// higher setting that fails keeps the run before it.  The earlier runs'
/// stages stay in the report as probes.
namespace {
using FlowRun = std::pair<llvm::json::Value, std::string>;

/// A finished run's report: the probes before it, its own stages, and the
/// Fmax its PLL setting was chosen for.
Expected<FlowRun> finishRun(FlowRun run, llvm::json::Array probes,
                            const CoreClock &clock, double chosenFromHz) {
  llvm::json::Object &report = *run.first.getAsObject();
  for (const llvm::json::Value &stage : *report.getArray("stages"))
    probes.push_back(stage);
  report["stages"] = std::move(probes);
  if (clock.pll)
    report["clock_chosen_for_fmax_mhz"] = chosenFromHz / 1e6;
  return std::move(run);
}

/// A run's stages as probes ("probe at 16.5 MHz: synth").
void appendProbes(const FlowRun &run, const CoreClock &clock,
                  llvm::json::Array &probes) {
  for (const llvm::json::Value &stage :
       *run.first.getAsObject()->getArray("stages")) {
    llvm::json::Object probe = *stage.getAsObject();
    probe["stage"] = formatv("probe at {0} MHz: {1}", mhzText(clock.hz),
                             *probe.getString("stage"))
                         .str();
    probes.push_back(std::move(probe));
  }
}

/// The last PLL run that met its clock with margin, kept while a higher
/// setting is tried.
struct MetRun {
  FlowRun run;
  CoreClock clock;
  double chosenFromHz;
  llvm::json::Array probes;
};
} // namespace

static Expected<FlowRun> flowAtBestClock(const CoreParams &params,
                                         const CoreImage &image,
                                         const BoardDescription &board,
                                         const BitstreamOptions &options,
                                         OutputDirectory &out) {
  const CoreClock oscillator{double(board.clockHz), std::nullopt};
  constexpr int kLastAttempt = 3;
  CoreClock clock = oscillator;
  llvm::json::Array stages;
  double chosenFromHz = 0; // the Fmax the clock was chosen for
  std::optional<MetRun> met;
  for (int attempt = 0;; ++attempt) {
    auto run = flowAt(params, image, board, options, clock, out);
    if (!run && clock.pll && (met || attempt < kLastAttempt)) {
      // nextpnr refuses a PLL clock its placement cannot meet (the
      // placement differs from the probe's): the run before a higher
      // setting, else a setting a margin lower, or the oscillator. A
      // failure of another kind fails there again.
      llvm::json::Object missed{
          {"stage", formatv("probe at {0} MHz: place and route missed it ({1})",
                            mhzText(clock.hz), llvm::toString(run.takeError()))
                        .str()},
          {"seconds", 0.0}};
      if (met) {
        met->probes.push_back(std::move(missed));
        return finishRun(std::move(met->run), std::move(met->probes),
                         met->clock, met->chosenFromHz);
      }
      stages.push_back(std::move(missed));
      // The Fmax is below this clock: the next is chosen for that.
      chosenFromHz = clock.hz / kTimingMargin;
      std::optional<CoreClock> lower = autoClock(board, chosenFromHz);
      clock = lower && lower->hz < clock.hz ? *lower : oscillator;
      continue;
    }
    if (!run)
      return run.takeError();
    double fmaxHz =
        run->first.getAsObject()->getNumber("fmax_mhz").value_or(0) * 1e6;
    std::optional<CoreClock> best = autoClock(board, fmaxHz);
    bool metMargin = fmaxHz >= kTimingMargin * clock.hz;
    std::optional<CoreClock> next;
    if (best && best->hz > clock.hz && (!clock.pll || metMargin))
      next = best; // faster than the oscillator, or than this setting
    else if (clock.pll && !metMargin)
      next = best && best->hz < clock.hz ? *best : oscillator;
    if (met && clock.pll && !metMargin) {
      // A higher setting placed without its margin: the run before it.
      llvm::sys::fs::remove_directories(run->second);
      appendProbes(*run, clock, met->probes);
      return finishRun(std::move(met->run), std::move(met->probes), met->clock,
                       met->chosenFromHz);
    }
    if (met)
      llvm::sys::fs::remove_directories(met->run.second);
    met.reset();
    if (!next || attempt == kLastAttempt)
      return finishRun(std::move(*run), std::move(stages), clock, chosenFromHz);
    if (clock.pll && metMargin)
      met = MetRun{*run, clock, chosenFromHz, stages};
    else
      llvm::sys::fs::remove_directories(run->second);
    chosenFromHz = fmaxHz;
    appendProbes(*run, clock, stages);
    clock = *next;
  }
}

Expected<llvm::json::Value>
snnc::buildBitstream(const CoreParams &params, const CoreImage &image,
                     const BoardDescription &board,
                     const BitstreamOptions &options) {
  // Whose directory it is, the clock, and memories that cannot fit, are
  // settled before a minute of synthesis.
  auto out = OutputDirectory::open(options.dir, "bitstream");
  if (!out)
    return out.takeError();
  if (auto fit = checkMemoryFit(params, board, board.name); !fit)
    return flowError(llvm::toString(fit.takeError()));
  if (options.autoClock && board.pll.empty())
    return flowError(formatv("--clock-mhz auto: {0} has no PLL in its "
                             "description",
                             board.name));
  Expected<std::pair<llvm::json::Value, std::string>> run =
      plainError("no flow ran");
  if (options.autoClock) {
    llvm::consumeError(run.takeError());
    run = flowAtBestClock(params, image, board, options, *out);
  } else {
    auto clock = planCoreClock(board, options.clockHz);
    if (!clock)
      return clock.takeError();
    llvm::consumeError(run.takeError());
    run = flowAt(params, image, board, options, *clock, *out);
  }
  if (!run)
    return run.takeError();
  Error delivered = deliver(*out, run->second);
  llvm::sys::fs::remove_directories(run->second);
  if (delivered)
    return std::move(delivered);
  return std::move(run->first);
}

void snnc::printBitstreamReport(const llvm::json::Value &report,
                                llvm::raw_ostream &os) {
  const llvm::json::Object *o = report.getAsObject();
  if (!o)
    return;
  os << formatv("bitstream for {0} ({1})\n", *o->getString("board"),
                *o->getString("device"));
  const char *labels[][2] = {{"lc", "logic cells"},
                             {"ebr", "EBR (4 kbit)"},
                             {"spram", "SPRAM (256 kbit)"},
                             {"dsp", "DSP (SB_MAC16)"}};
  const llvm::json::Object *u = o->getObject("utilization");
  for (auto &[key, label] : labels) {
    const llvm::json::Object *entry = u ? u->getObject(key) : nullptr;
    int64_t used = entry ? entry->getInteger("used").value_or(0) : 0;
    int64_t available = entry ? entry->getInteger("available").value_or(0) : 0;
    os << formatv("  {0,-17} {1,6} / {2,-6}", label, used, available);
    if (available)
      os << formatv(" ({0}%)", (100 * used + available / 2) / available);
    os << "\n";
  }
  if (const llvm::json::Object *pll = o->getObject("pll"))
    os << formatv("  {0,-17} {1:F3} MHz from the {2} MHz oscillator "
                  "(DIVR {3}, DIVF {4}, DIVQ {5}, FILTER_RANGE {6})\n",
                  "PLL", o->getNumber("clock_mhz").value_or(0),
                  o->getNumber("oscillator_mhz").value_or(0),
                  pll->getInteger("divr").value_or(0),
                  pll->getInteger("divf").value_or(0),
                  pll->getInteger("divq").value_or(0),
                  pll->getInteger("filter_range").value_or(0));
  os << formatv("  {0,-17} {1:F1} MHz ({2} clock {3} MHz: met)\n", "Fmax",
                o->getNumber("fmax_mhz").value_or(0),
                o->getObject("pll") ? "PLL" : "board",
                o->getNumber("clock_mhz").value_or(0));
  os << "  stages:";
  if (const llvm::json::Array *stages = o->getArray("stages"))
    for (const llvm::json::Value &stage : *stages)
      if (const llvm::json::Object *s = stage.getAsObject())
        os << formatv(" {0} {1:F1} s;", *s->getString("stage"),
                      s->getNumber("seconds").value_or(0));
  os << "\n";
}

Error snnc::flashBitstream(llvm::StringRef dir) {
  std::string bin = pathIn(dir, "snn.bin");
  if (!llvm::sys::fs::exists(bin))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        formatv("flash: {0} does not exist (run snnc bitstream first)", bin));
  auto report = snnc::parseJson(readText(pathIn(dir, "report.json")));
  std::string programmer = "iceprog";
  if (report) {
    const llvm::json::Object *o = report->getAsObject();
    if (auto name = o ? o->getString("board") : std::nullopt) {
      auto board = findBoard(*name);
      if (board && !board->programmer.empty())
        programmer = board->programmer;
      else if (!board)
        llvm::consumeError(board.takeError());
    }
  } else {
    llvm::consumeError(report.takeError());
  }
  auto program = llvm::sys::findProgramByName(programmer);
  if (!program)
    return makeError<DeviceError>("flash: " + programmer +
                                  " is not installed (fpga-icestorm)");
  // An absolute path: a directory named like an option stays a file name.
  llvm::SmallString<256> absolute(bin);
  llvm::sys::fs::make_absolute(absolute);
  std::string log = pathIn(dir, "flash.log");
  std::optional<llvm::StringRef> redirects[] = {
      llvm::StringRef(""), llvm::StringRef(log), llvm::StringRef(log)};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*program, {*program, absolute},
                                     std::nullopt, redirects, 0, 0, &message);
  // iceprog ends every failure with "ABORT."; the line before it says why
  // ("Can't find iCE FTDI USB device ...").
  if (rc != 0)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        formatv("flash: {0} failed: {1} (is a board attached? log: {2})",
                programmer,
                message.empty() ? lastErrorLine(readText(log)) : message, log));
  return Error::success();
}
