//===- VerilatorOutput.h - a failed assertion as one line -------*- C++ -*-===//
//
// A model built with --assert reports a failed assertion on stdout:
//
//   [T] %Error: snn_sweep.sv:364: Assertion failed in
//       TOP.snn_top.u_core.u_sweep.QueueNoOverflow: snn_sweep: spike queue
//       overflow
//   %Error: snn_sweep.sv:364: Verilog $stop
//
// and then aborts.  The simulators built from the emitted Makefile use
// stdout for something else (the RTL server's replies, board-sim's
// terminal path), so they divert what Verilator prints into an anonymous
// file, let the model go on (VerilatedContext::fatalOnError(false)), check
// VerilatedContext::gotError() as they clock, and print one line on stderr:
//
//   assertion snn_sweep.QueueNoOverflow failed at cycle 1234 (in
//   u_core.u_sweep): snn_sweep: spike queue overflow
//
// Header-only and free of LLVM: compiled by `verilator --build` into the
// harnesses and into the tests.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_SIM_VERILATOROUTPUT_H
#define SNNC_SIM_VERILATOROUTPUT_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace snnc::sim {

/// The exit status of a harness whose model failed an assertion.
constexpr int kAssertionExitCode = 3;

/// One line for the first failed assertion in `log` (what Verilator
/// printed), at `cycle`; empty when `log` names none.
inline std::string assertionSummary(const std::string &log, uint64_t cycle) {
  const std::string marker = "Assertion failed in ";
  size_t at = log.find(marker);
  if (at == std::string::npos)
    return "";
  size_t lineStart = log.rfind('\n', at);
  lineStart = lineStart == std::string::npos ? 0 : lineStart + 1;
  size_t lineEnd = log.find('\n', at);
  std::string line =
      log.substr(lineStart, lineEnd == std::string::npos ? std::string::npos
                                                         : lineEnd - lineStart);
  // "[T] %Error: FILE:LINE: Assertion failed in HIER: MESSAGE"
  size_t error = line.find("%Error: ");
  size_t place = error == std::string::npos ? 0 : error + 8;
  std::string where = line.substr(place, line.find(": ", place) - place);
  size_t hierStart = line.find(marker) + marker.size();
  size_t hierEnd = line.find(": ", hierStart);
  std::string hier = line.substr(hierStart, hierEnd - hierStart);
  std::string message =
      hierEnd == std::string::npos ? "" : line.substr(hierEnd + 2);
  // TOP.<top module>.u_core.u_sweep.QueueNoOverflow: the path below the top.
  for (int dropped = 0; dropped < 2; ++dropped) {
    size_t dot = hier.find('.');
    hier = dot == std::string::npos ? "" : hier.substr(dot + 1);
  }
  // A labelled assertion ends the path with its label (CamelCase, the
  // project's style); an unlabelled one (a parameter check) names its file.
  std::string file = where.substr(0, where.find(':'));
  std::string module = file.substr(0, file.rfind(".sv"));
  size_t lastDot = hier.rfind('.');
  std::string last =
      lastDot == std::string::npos ? hier : hier.substr(lastDot + 1);
  bool labelled = !last.empty() && last[0] >= 'A' && last[0] <= 'Z';
  std::string scope =
      labelled ? (lastDot == std::string::npos ? "" : hier.substr(0, lastDot))
               : hier;
  std::string name = labelled ? module + "." + last : "at " + where;
  std::string summary =
      "assertion " + name + " failed at cycle " + std::to_string(cycle);
  if (!scope.empty())
    summary += " (in " + scope + ")";
  if (!message.empty())
    summary += ": " + message;
  return summary;
}

/// Sends what Verilator prints (on stdout) into an anonymous file, until
/// restored (or for good).
class VerilatorOutput {
public:
  /// Diverts stdout; false when no file can be made.
  bool divert() {
    std::fflush(stdout);
    log = std::tmpfile();
    if (!log)
      return false;
    original = ::dup(STDOUT_FILENO);
    return original >= 0 && ::dup2(::fileno(log), STDOUT_FILENO) >= 0;
  }
  /// The process's stdout before divert() (for its own output).
  int originalStdout() const { return original; }
  /// Puts stdout back.
  void restore() {
    std::fflush(stdout);
    if (original >= 0)
      ::dup2(original, STDOUT_FILENO);
  }
  /// Everything printed since divert().
  std::string text() const {
    std::fflush(stdout);
    std::string all;
    if (!log)
      return all;
    char buffer[4096];
    for (off_t offset = 0;;) {
      ssize_t n = ::pread(::fileno(log), buffer, sizeof buffer, offset);
      if (n <= 0)
        break;
      all.append(buffer, size_t(n));
      offset += n;
    }
    return all;
  }

private:
  std::FILE *log = nullptr;
  int original = -1;
};

} // namespace snnc::sim

#endif // SNNC_SIM_VERILATOROUTPUT_H
