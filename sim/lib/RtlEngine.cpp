//===- RtlEngine.cpp - build, cache and drive the Verilator core ----------===//
#include "snnc/Sim/RtlEngine.h"
#include "snnc/Backends/VerilogEmitter.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Sim/SystemEngine.h"
#include "snnc/Sim/VerilatorOutput.h"
#include "snnc/Targets/Targets.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA256.h"

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace snnc;
using namespace snnc::sim;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;

namespace {
Error simError(const llvm::Twine &what) { return makeError<DeviceError>(what); }

/// The last non-empty line of a child's stderr, kept in `file`.
std::string lastLineOf(FILE *file) {
  std::string text;
  char buffer[4096];
  for (off_t offset = 0;;) {
    ssize_t n = ::pread(fileno(file), buffer, sizeof buffer, offset);
    if (n <= 0)
      break;
    text.append(buffer, size_t(n));
    offset += n;
  }
  llvm::StringRef rest = llvm::StringRef(text).rtrim();
  return rest.substr(rest.rfind('\n') + 1).trim().str();
}

/// The child process of a built simulator, spoken to over two pipes; its
/// stderr goes to an anonymous file, read when it dies.
class PipeBus : public CoreBus {
public:
  PipeBus(pid_t pid, FILE *toChild, FILE *fromChild, FILE *childErrors)
      : pid(pid), toChild(toChild), fromChild(fromChild),
        childErrors(childErrors) {}
  ~PipeBus() override {
    if (!reaped) {
      std::fputc('Q', toChild);
      reap();
    }
    std::fclose(childErrors);
  }
  Error write(uint32_t address, uint32_t data) override {
    if (reaped) // the pipes are closed: the child's death, again
      return lost();
    std::fputc('W', toChild);
    put(address);
    put(data);
    return Error::success();
  }
  Expected<uint32_t> read(uint32_t address) override {
    if (reaped)
      return lost();
    std::fputc('R', toChild);
    put(address);
    uint32_t data;
    if (!flush() || !get(data))
      return lost();
    return data;
  }
  Expected<CommandResult> command(uint32_t command, uint64_t budget) override {
    if (reaped)
      return lost();
    std::fputc('C', toChild);
    put(bus::address(bus::RegionCtrl, bus::CtrlCommand));
    put(command);
    put(budget);
    uint8_t ok;
    uint32_t count;
    CommandResult result;
    if (!flush() || !get(ok) || !get(result.cycles) || !get(count))
      return lost();
    result.spikes.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      uint16_t s[4];
      if (std::fread(s, sizeof s, 1, fromChild) != 1)
        return lost();
      result.spikes.push_back({0, 0, s[0], s[1], s[2], s[3]});
    }
    result.spikeCount = result.spikes.size();
    if (!ok)
      return simError(formatv("the core ran past the cycle budget of {0} "
                              "cycles without finishing",
                              budget));
    return result;
  }

private:
  template <typename T> void put(const T &v) {
    std::fwrite(&v, sizeof v, 1, toChild);
  }
  template <typename T> bool get(T &v) {
    return std::fread(&v, sizeof v, 1, fromChild) == 1;
  }
  bool flush() { return std::fflush(toChild) == 0; }
  /// Closes the pipes (a live child reads EOF and exits) and waits.
  int reap() {
    std::fclose(toChild);
    std::fclose(fromChild);
    int status = 0;
    waitpid(pid, &status, 0);
    reaped = true;
    return status;
  }
  /// The child died: why, in one line.  A failed assertion is the line
  /// the harness printed (snnc_rtl_server.cpp); anything else it printed
  /// last comes after the generic message.
  Error lost() {
    if (!reaped) {
      int status = reap();
      std::string line = lastLineOf(childErrors);
      if (WIFEXITED(status) && WEXITSTATUS(status) == kAssertionExitCode &&
          !line.empty())
        why = "the core's " + line;
      else if (!line.empty())
        why = "the RTL simulator exited unexpectedly: " + line;
    }
    return simError(why);
  }

  pid_t pid;
  FILE *toChild, *fromChild, *childErrors;
  bool reaped = false;
  std::string why = "the RTL simulator exited unexpectedly";
};

} // namespace

std::string sim::cacheRoot(llvm::StringRef requested) {
  if (!requested.empty())
    return requested.str();
  if (auto dir = llvm::sys::Process::GetEnv("SNNC_CACHE_DIR"))
    return *dir;
  llvm::SmallString<256> path;
  if (auto xdg = llvm::sys::Process::GetEnv("XDG_CACHE_HOME"))
    path = *xdg;
  else if (auto home = llvm::sys::Process::GetEnv("HOME"))
    llvm::sys::path::append(path, *home, ".cache");
  else
    path = "/tmp";
  llvm::sys::path::append(path, "snnc");
  return std::string(path);
}

std::string sim::buildKey(const CoreParams &params, llvm::StringRef variant) {
  llvm::SHA256 hash;
  hash.update(variant);
  hash.update(coreMakefile());
  std::string json;
  llvm::raw_string_ostream(json) << params.toJson();
  hash.update(json);
  for (const EmbeddedFile &file : coreSources()) {
    hash.update(llvm::StringRef(file.name));
    hash.update(llvm::StringRef(file.contents));
  }
  std::array<uint8_t, 32> digest = hash.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(digest.data(), 12), true);
}

Expected<std::string> sim::buildSimulator(const CoreParams &params,
                                          llvm::StringRef cacheDir,
                                          bool tracing) {
  llvm::SmallString<256> dir(cacheRoot(cacheDir));
  llvm::sys::path::append(dir, "rtl",
                          buildKey(params, tracing ? "trace" : "fast"));
  llvm::SmallString<256> executable(dir);
  llvm::sys::path::append(executable, "Vsnn_top");
  if (llvm::sys::fs::can_execute(executable))
    return std::string(executable);
  auto make = llvm::sys::findProgramByName("make");
  if (!make)
    return simError("building the RTL simulator needs make and verilator "
                    "(scripts/setup.sh installs them)");
  // Built in a private directory, then moved into place in one rename.
  std::string staging = formatv("{0}.tmp{1}", dir, ::getpid()).str();
  llvm::sys::fs::remove_directories(staging);
  if (Error err = emitVerilog(params, nullptr, "the RTL engine", staging))
    return std::move(err);
  llvm::SmallString<256> log(staging);
  llvm::sys::path::append(log, "build.log");
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(),
                                                log.str()};
  llvm::SmallVector<llvm::StringRef> args = {*make, "-C", staging, "sim"};
  if (tracing)
    args.push_back("TRACE=--trace");
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*make, args, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc != 0)
    return simError(formatv("building the RTL simulator failed (see {0}){1}",
                            log, message.empty() ? "" : ": " + message));
  if (std::error_code ec = llvm::sys::fs::rename(staging, dir)) {
    // Another process finished the same build first: use its result.
    llvm::sys::fs::remove_directories(staging);
    if (!llvm::sys::fs::can_execute(executable))
      return simError(formatv("{0}: {1}", dir, ec.message()));
  }
  return std::string(executable);
}

Expected<std::unique_ptr<CoreBus>>
sim::startSimulator(llvm::StringRef executable, llvm::StringRef vcdPath) {
  int toChild[2], fromChild[2];
  // Close-on-exec: a second simulator must not hold this one's pipes open
  // (its death would never read as EOF).
  if (pipe2(toChild, O_CLOEXEC) != 0 || pipe2(fromChild, O_CLOEXEC) != 0)
    return simError("cannot create pipes for the RTL simulator");
  FILE *childErrors = std::tmpfile();
  if (!childErrors)
    return simError("cannot create a file for the RTL simulator's errors");
  // A dying child must surface as an error here, not kill the host.
  std::signal(SIGPIPE, SIG_IGN);
  std::string exe = executable.str(), vcd = vcdPath.str();
  pid_t pid = fork();
  if (pid < 0) {
    std::fclose(childErrors);
    return simError("cannot start the RTL simulator");
  }
  if (pid == 0) {
    dup2(toChild[0], 0);
    dup2(fromChild[1], 1);
    dup2(fileno(childErrors), 2);
    if (vcd.empty())
      execl(exe.c_str(), exe.c_str(), (char *)nullptr);
    else
      execl(exe.c_str(), exe.c_str(), "--vcd", vcd.c_str(), (char *)nullptr);
    _exit(127);
  }
  close(toChild[0]);
  close(fromChild[1]);
  FILE *out = fdopen(toChild[1], "w"), *in = fdopen(fromChild[0], "r");
  std::setvbuf(out, nullptr, _IOFBF, 1 << 16);
  return std::unique_ptr<CoreBus>(new PipeBus(pid, out, in, childErrors));
}

Expected<CoreParams> sim::chooseCore(const CoreNetwork &network,
                                     const RtlOptions &options) {
  if (options.core)
    return *options.core;
  int64_t lanes = options.lanes;
  if (lanes == 0) // the mapper's lanes, rounded down to what the core has
    lanes = std::min<int64_t>(8, int64_t(llvm::PowerOf2Floor(uint64_t(
                                     std::max<int64_t>(1, network.lanes)))));
  // The core of the network's target: a board's narrow sweep too.
  return coreParamsFor(network, lanes, targets::narrowSweep(network.target));
}

Expected<std::unique_ptr<CoreEngine>>
sim::createRtlEngine(CoreNetwork network, const RtlOptions &options) {
  auto params = chooseCore(network, options);
  if (!params)
    return params.takeError();
  // Refuse a network the core cannot hold before building anything.
  auto image = buildCoreImage(network, *params);
  if (!image)
    return image.takeError();
  auto executable =
      buildSimulator(*params, options.cacheDir, !options.vcdPath.empty());
  if (!executable)
    return executable.takeError();
  auto bus = startSimulator(*executable, options.vcdPath);
  if (!bus)
    return bus.takeError();
  auto engine = CoreEngine::create(std::move(network), std::move(*image),
                                   std::move(*bus));
  if (!engine)
    return engine.takeError();
  (*engine)->setCycleBudget(options.cycleBudget);
  return std::move(*engine);
}

/// A network partitioned by `compile --chips`: one core per chip, each
/// sized to its chip's sub-network, the host relaying spikes between them
/// (SystemEngine).
static Expected<std::unique_ptr<Engine>>
createRtlSystem(const CoreNetwork &network, const RtlOptions &options) {
  auto system = SystemEngine::create(
      network, network.partition,
      [&](const CoreNetwork &chip) -> Expected<std::unique_ptr<CoreEngine>> {
        RtlOptions perChip = options;
        perChip.vcdPath.clear();
        return createRtlEngine(chip, perChip);
      });
  if (!system)
    return system.takeError();
  return std::unique_ptr<Engine>(std::move(*system));
}

Device sim::rtlDevice(const RtlOptions &options) {
  return Device(
      "rtl", "rtl",
      [options](CoreNetwork network) -> Expected<std::unique_ptr<Engine>> {
        // A partitioned package runs as its system of chips, unless a core
        // was named (it then runs whole on that core).
        if (network.chips > 1 && !options.core) {
          auto system = createRtlSystem(network, options);
          if (!system)
            return classify<DeviceError>(system.takeError());
          return std::move(*system);
        }
        auto engine = createRtlEngine(std::move(network), options);
        if (!engine)
          return classify<DeviceError>(engine.takeError());
        return std::unique_ptr<Engine>(std::move(*engine));
      });
}

sim::RtlOptions sim::rtlOptions(const DeviceOptions &device) {
  RtlOptions options;
  options.lanes = device.lanes;
  options.vcdPath = device.vcdPath;
  options.cacheDir = device.cacheDir;
  options.cycleBudget = device.cycleBudget;
  options.core = device.core;
  return options;
}

void sim::registerRtlDevice() {
  Device::registerKind("rtl", [](const DeviceOptions &device) {
    return rtlDevice(rtlOptions(device));
  });
}
