//===- BoardProcessTest.cpp - the board simulator's last words ------------===//
//
// When the board simulator ends under the host (an RTL assertion fails, it
// crashes), the host sees its line close. BoardProcess::explain turns that
// into what the simulator said, so `bitstream --measure` names the failed
// assertion instead of "the device disappeared".
//
//===----------------------------------------------------------------------===//
#include "snnc/Sim/BoardProcess.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Sim/BoardSim.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace snnc;

namespace {
/// A stand-in simulator: prints its terminal, then `stderrText`, and ends.
std::string fakeSimulator(const std::string &stderrText, int status) {
  llvm::SmallString<128> path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("board-sim", "sh", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    out << "#!/bin/sh\necho /dev/null\nsleep 0.2\nprintf '" << stderrText
        << "' >&2\nexit " << status << "\n";
  }
  ::chmod(path.c_str(), 0700);
  return path.str().str();
}
} // namespace

TEST(BoardProcess, AnEndedSimulatorsErrorLineReplacesTheHostsView) {
  std::string script = fakeSimulator(
      "board-sim: starting\\n[120] %%Error: snn_core.sv:42: Assertion "
      "failed in TOP.snn_core.StateValid: controller state 12\\n",
      1);
  auto process = sim::BoardProcess::start({script, 4});
  ASSERT_TRUE(bool(process)) << llvm::toString(process.takeError());
  ::sleep(1);
  llvm::Error err = process->explain(
      makeError<DeviceError>("the device disappeared (the line was closed)"));
  std::string text = llvm::toString(std::move(err));
  EXPECT_NE(text.find("board simulator: it stopped (exit status 1): [120] "
                      "%Error: snn_core.sv:42: Assertion failed in "
                      "TOP.snn_core.StateValid: controller state 12"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("the host saw: the device disappeared"),
            std::string::npos)
      << text;
  llvm::sys::fs::remove(script);
}

TEST(BoardProcess, ARunningSimulatorLeavesTheErrorAlone) {
  std::string script = fakeSimulator("", 0);
  // Keeps running: replace the exit with a long sleep.
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(script, ec);
    out << "#!/bin/sh\necho /dev/null\nsleep 30\n";
  }
  auto process = sim::BoardProcess::start({script, 4});
  ASSERT_TRUE(bool(process)) << llvm::toString(process.takeError());
  llvm::Error err = process->explain(makeError<DeviceError>("a timeout"));
  EXPECT_EQ(llvm::toString(std::move(err)), "a timeout");
  process->stop();
  llvm::sys::fs::remove(script);
}
