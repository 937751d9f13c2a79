//===- BoardProcess.cpp - a board simulator as a child process ------------===//
#include "snnc/Sim/BoardProcess.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace snnc;
using namespace snnc::sim;
using llvm::formatv;

namespace {
llvm::Error processError(const llvm::Twine &what) {
  return makeError<DeviceError>("board simulator: " + what);
}

/// Parses `board-sim: counters cycles=C active=A to_board=B from_board=F`.
std::optional<BoardCounters> parseCounters(llvm::StringRef line) {
  if (!line.consume_front("board-sim: counters "))
    return std::nullopt;
  BoardCounters counters;
  std::pair<const char *, uint64_t *> fields[] = {
      {"cycles", &counters.cycles},
      {"active", &counters.activeCycles},
      {"to_board", &counters.toBoard},
      {"from_board", &counters.fromBoard}};
  llvm::SmallVector<llvm::StringRef> words;
  line.trim().split(words, ' ');
  if (words.size() != std::size(fields))
    return std::nullopt;
  for (size_t i = 0; i < words.size(); ++i) {
    auto [key, value] = words[i].split('=');
    if (key != fields[i].first || value.getAsInteger(10, *fields[i].second))
      return std::nullopt;
  }
  return counters;
}
} // namespace

BoardCounters BoardCounters::operator-(const BoardCounters &earlier) const {
  return {cycles - earlier.cycles, activeCycles - earlier.activeCycles,
          toBoard - earlier.toBoard, fromBoard - earlier.fromBoard};
}

llvm::Expected<BoardProcess>
BoardProcess::start(const BoardSimulator &simulator, int startSeconds) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0)
    return processError(formatv("cannot make a pipe: {0}", strerror(errno)));
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return processError(formatv("cannot make a pipe: {0}", strerror(errno)));
  }
  std::string clocks = std::to_string(simulator.clocksPerBit);
  const char *argv[] = {simulator.executable.c_str(), "--clocks-per-bit",
                        clocks.c_str(), nullptr};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execv(argv[0], const_cast<char *const *>(argv));
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  BoardProcess process;
  process.pid = pid;
  process.outFd = out[0];
  process.errFd = err[0];
  if (pid < 0)
    return processError(formatv("cannot start {0}: {1}", simulator.executable,
                                strerror(errno)));
  auto line =
      process.readLine(process.outFd, process.pendingOut, startSeconds * 1000);
  if (!line)
    return line.takeError();
  if (line->empty() || (*line)[0] != '/')
    return processError(formatv("{0} printed '{1}', not its terminal",
                                simulator.executable, *line));
  process.pty = *line;
  return std::move(process);
}

BoardProcess::BoardProcess(BoardProcess &&other) noexcept
    : pid(other.pid), outFd(other.outFd), errFd(other.errFd),
      pty(std::move(other.pty)), pendingOut(std::move(other.pendingOut)),
      pendingErr(std::move(other.pendingErr)) {
  other.pid = -1;
  other.outFd = other.errFd = -1;
}

BoardProcess::~BoardProcess() { stop(); }

void BoardProcess::stop() {
  if (pid > 0) {
    ::kill(pid, SIGTERM);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
      ;
    pid = -1;
  }
  for (int *fd : {&outFd, &errFd})
    if (*fd >= 0) {
      ::close(*fd);
      *fd = -1;
    }
}

/// One line from `fd` (without its newline), waiting at most `timeoutMs`.
/// The simulator ending first is an error that quotes its last words.
llvm::Expected<std::string> BoardProcess::readLine(int fd, std::string &pending,
                                                   int timeoutMs) {
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  for (;;) {
    size_t newline = pending.find('\n');
    if (newline != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0)
      return processError(formatv("no answer within {0} s", timeoutMs / 1000));
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, int(left));
    if (ready < 0 && errno == EINTR)
      continue;
    char buffer[4096];
    ssize_t n = ready > 0 ? ::read(fd, buffer, sizeof buffer) : 0;
    if (n < 0 && errno == EINTR)
      continue;
    if (ready > 0 && n <= 0) {
      std::string last = llvm::StringRef(pending).trim().str();
      return processError(last.empty() ? "it exited"
                                       : formatv("it exited: {0}", last).str());
    }
    pending.append(buffer, size_t(std::max<ssize_t>(n, 0)));
  }
}

llvm::Error BoardProcess::explain(llvm::Error err) {
  if (!err || pid <= 0)
    return err;
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) != pid) {
    // Still running, or just about to end: give it a moment, since the
    // host often sees the line close before the exit is reaped.
    ::usleep(200000);
    if (::waitpid(pid, &status, WNOHANG) != pid)
      return err;
  }
  pid = -1;
  // What it wrote before it ended (its stderr is never blocked on: the
  // pipe holds far more than an assertion's lines).
  char buffer[4096];
  ssize_t n;
  while (errFd >= 0 && (n = ::read(errFd, buffer, sizeof buffer)) > 0)
    pendingErr.append(buffer, size_t(n));
  // Its first error line (an assertion's message), else its last line.
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(pendingErr).split(lines, '\n', -1, /*KeepEmpty=*/false);
  llvm::StringRef last = lines.empty() ? "" : lines.back().trim();
  for (llvm::StringRef line : lines)
    if (line.contains("Error") || line.contains("error")) {
      last = line.trim();
      break;
    }
  std::string why = WIFSIGNALED(status)
                        ? formatv("signal {0}", WTERMSIG(status)).str()
                        : formatv("exit status {0}", WEXITSTATUS(status)).str();
  std::string host = llvm::toString(std::move(err));
  return processError(formatv("it stopped ({0}){1}; the host saw: {2}", why,
                              last.empty() ? "" : ": " + last.str(), host));
}

llvm::Expected<BoardCounters> BoardProcess::counters() {
  if (pid <= 0 || ::kill(pid, SIGUSR1) != 0)
    return processError("it is not running");
  for (;;) {
    auto line = readLine(errFd, pendingErr, 30000);
    if (!line)
      return line.takeError();
    if (auto counters = parseCounters(*line))
      return *counters;
  }
}
