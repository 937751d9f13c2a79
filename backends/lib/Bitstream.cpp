//===- Bitstream.cpp - the FPGA flow: network to bitstream ----------------===//
#include "snnc/Backends/Bitstream.h"
#include "snnc/Backends/VerilogEmitter.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;

namespace {
Error flowError(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "bitstream: " + what);
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

/// Runs one tool of the flow, its output into `log`; fails naming the stage
/// and the tool's last error line.
Error runTool(llvm::StringRef stage, llvm::StringRef tool,
              llvm::ArrayRef<std::string> args, llvm::StringRef log,
              llvm::StringRef cwd) {
  auto program = llvm::sys::findProgramByName(tool);
  if (!program)
    return flowError(formatv("{0}: {1} is not installed (scripts/setup.sh "
                             "installs yosys, nextpnr-ice40 and "
                             "fpga-icestorm)",
                             stage, tool));
  // The tools run inside DIR, so that its files are named relative to it.
  std::string script = "cd '" + cwd.str() + "' && exec '" + *program + "'";
  for (const std::string &arg : args)
    script += " '" + arg + "'";
  std::optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), log, log};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait("/bin/sh", {"/bin/sh", "-c", script},
                                     std::nullopt, redirects, 0, 0, &message);
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

/// The last line of a log that states an error (the tools' `ERROR:`
/// first, not their closing counts), else its last line.
std::string snnc::lastErrorLine(llvm::StringRef log) {
  llvm::SmallVector<llvm::StringRef> lines;
  log.split(lines, '\n', -1, false);
  for (llvm::StringRef marker : {"ERROR:", "Error", "error"})
    for (auto it = lines.rbegin(); it != lines.rend(); ++it)
      if (it->contains(marker) && !it->contains("warnings,"))
        return it->trim().str();
  return lines.empty() ? "(no output)" : lines.back().trim().str();
}

Expected<llvm::json::Value>
snnc::buildBitstream(const CoreParams &params, const CoreImage &image,
                     const BoardDescription &board,
                     const BitstreamOptions &options) {
  llvm::StringRef dir = options.dir;
  std::string bin = pathIn(dir, "snn.bin"), asc = pathIn(dir, "snn.asc"),
              reportPath = pathIn(dir, "report.json");
  // A failed flow must not leave an older bitstream looking current.
  for (const std::string &stale : {bin, asc, reportPath})
    llvm::sys::fs::remove(stale);
  // Memories that cannot fit are refused before a minute of synthesis.
  if (auto fit = checkMemoryFit(params, board, board.name); !fit)
    return flowError(llvm::toString(fit.takeError()));
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
        BoardLinkParams link;
        link.clockHz = board.clockHz;
        link.bufferBytes = board.linkBufferBytes;
        if (Error e = emitVerilog(params, &image, options.origin, dir, link))
          return e;
        if (Error e =
                writeText(pathIn(dir, "board_top.sv"), emitBoardWrapper(board)))
          return e;
        return writeText(pathIn(dir, "snn.pcf"), emitPinConstraints(board));
      }))
    return std::move(err);

  // 2. Synthesis; the netlist is also written as Verilog over yosys's own
  // cell models (for gate-level simulation; see docs/core.md).
  std::string sources;
  for (const EmbeddedFile &file : coreSources())
    if (llvm::StringRef(file.name).startswith("rtl/"))
      sources += std::string(file.name) + " ";
  sources += "snn_top.sv snn_board.sv board_top.sv";
  // On devices with SPRAM, the memories placeInSpram chose go there.
  SpramPlacement spram = placeInSpram(params, board);
  std::string chparam = "chparam";
  for (auto &[name, value] : spram.parameters)
    chparam += formatv(" -set {0} {1}", name, value).str();
  chparam += " snn_core; ";
  std::string synth =
      formatv(
          "read_verilog -defer -sv {0}; {1}synth_ice40 -top board_top{2}{3} "
          "-json snn.json; tee -q -o synth_stat.txt stat; write_verilog "
          "-noattr snn_netlist.v",
          sources, chparam, board.resources.dsp > 0 ? " -dsp" : "",
          spram.blocks > 0 ? " -spram" : "")
          .str();
  if (Error err = timed("synth", [&] {
        return runTool("synthesis", "yosys", {"-q", "-p", synth},
                       pathIn(dir, "yosys.log"), dir);
      }))
    return std::move(err);

  // 3. Place and route against the board's clock.
  std::string nextpnr = "nextpnr-" + board.family;
  double clockMhz = double(board.clockHz) / 1e6;
  std::vector<std::string> pnrArgs = {"--" + board.device,
                                      "--package",
                                      board.package,
                                      "--pcf",
                                      "snn.pcf",
                                      "--json",
                                      "snn.json",
                                      "--asc",
                                      "snn.asc.tmp",
                                      "--freq",
                                      formatv("{0}", clockMhz).str(),
                                      "--report",
                                      "pnr.json",
                                      "--seed",
                                      std::to_string(options.seed)};
  if (Error err = timed("place and route", [&] {
        return runTool("place and route", nextpnr, pnrArgs,
                       pathIn(dir, "nextpnr.log"), dir);
      })) {
    // Say which resource overflowed, in nextpnr's own figures.
    if (std::string over =
            overflowingResources(readText(pathIn(dir, "nextpnr.log")));
        !over.empty()) {
      llvm::consumeError(std::move(err));
      return flowError(formatv("the design does not fit {0}: {1} (log: {2})",
                               board.name, over, pathIn(dir, "nextpnr.log")));
    }
    return std::move(err);
  }
  auto pnr = llvm::json::parse(readText(pathIn(dir, "pnr.json")));
  if (!pnr)
    return flowError("place and route: nextpnr wrote no readable report (" +
                     llvm::toString(pnr.takeError()) + ")");
  const llvm::json::Object *pnrObject = pnr->getAsObject();
  const llvm::json::Object *utilization =
      pnrObject ? pnrObject->getObject("utilization") : nullptr;
  // Fmax of the board clock: the slowest clock domain.
  std::optional<double> fmax;
  if (const llvm::json::Object *clocks =
          pnrObject ? pnrObject->getObject("fmax") : nullptr)
    for (auto &[name, entry] : *clocks)
      if (const llvm::json::Object *e = entry.getAsObject())
        if (auto achieved = e->getNumber("achieved"))
          fmax = fmax ? std::min(*fmax, *achieved) : *achieved;
  if (!fmax)
    return flowError("place and route: nextpnr reported no Fmax");
  if (*fmax < clockMhz)
    return flowError(formatv("timing: the design reaches {0:F1} MHz, below "
                             "the board's {1} MHz clock (log: {2})",
                             *fmax, clockMhz, pathIn(dir, "nextpnr.log")));

  // 4. The bitstream, written whole or not at all.
  if (Error err = timed("pack", [&]() -> Error {
        if (Error e = runTool("pack", "icepack", {"snn.asc.tmp", "snn.bin.tmp"},
                              pathIn(dir, "icepack.log"), dir))
          return e;
        if (std::error_code ec =
                llvm::sys::fs::rename(pathIn(dir, "snn.asc.tmp"), asc))
          return flowError(formatv("{0}: {1}", asc, ec.message()));
        if (std::error_code ec =
                llvm::sys::fs::rename(pathIn(dir, "snn.bin.tmp"), bin))
          return flowError(formatv("{0}: {1}", bin, ec.message()));
        return Error::success();
      }))
    return std::move(err);

  std::string scratch = pathIn(dir, "versions.tmp");
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
      {"timing_met", true},
      {"bitstream", "snn.bin"},
      {"bitstream_bytes", int64_t(binBytes)},
      {"tools", std::move(tools)},
      {"stages", std::move(stages)},
      {"core", params.toJson()}};
  llvm::json::Value value(std::move(report));
  std::string text;
  llvm::raw_string_ostream(text) << formatv("{0:2}", value) << "\n";
  if (Error err = writeText(reportPath, text))
    return std::move(err);
  return value;
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
  os << formatv("  {0,-17} {1:F1} MHz (board clock {2} MHz: met)\n", "Fmax",
                o->getNumber("fmax_mhz").value_or(0),
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
  auto report = llvm::json::parse(readText(pathIn(dir, "report.json")));
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
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "flash: " + programmer +
                                       " is not installed (fpga-icestorm)");
  std::string log = pathIn(dir, "flash.log");
  std::optional<llvm::StringRef> redirects[] = {
      llvm::StringRef(""), llvm::StringRef(log), llvm::StringRef(log)};
  int rc = llvm::sys::ExecuteAndWait(*program, {*program, bin}, std::nullopt,
                                     redirects);
  if (rc != 0)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        formatv("flash: {0} failed: {1} (is a board attached?)", programmer,
                lastErrorLine(readText(log))));
  return Error::success();
}
