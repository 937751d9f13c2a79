//===- CoreMemoriesTest.cpp - coreMemories against snn_core's RTL ---------===//
//
// coreMemories (backends/) restates the widths and depths snn_core's
// localparams give its memories; the fit check counts block RAMs with it.
// These cases elaborate the core that ships with snnc (coreSources) with
// yosys for a few parameter sets and compare every snn_ram with the host's
// figure, so that the two cannot drift.  About a second per case.
//
//===----------------------------------------------------------------------===//
#include "snnc/Backends/CoreMemories.h"
#include "snnc/Backends/VerilogEmitter.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

using namespace snnc;

namespace {

using Shape = std::pair<int64_t, int64_t>; // width, depth

/// The coreMemories name of the snn_ram at `path` (a flattened memory's
/// name, u_weight.g_block.mem_q), or "" for a memory that is no snn_ram.
std::string memoryName(llvm::StringRef path) {
  if (!path.endswith(".mem_q"))
    return "";
  static const std::pair<const char *, const char *> instances[] = {
      {"g_weight.u_weight.", "weights"},
      {"g_weight_state.u_weight.", "weights and neuron state"},
      {"u_param.", "per-channel parameters"},
      {"u_state.", "neuron state"},
      {"g_state_", "neuron state"},
      {"u_current.", "currents"},
      {"g_cache.u_cache.", "input-current cache"},
      {"u_event.", "events"},
      {"u_row_tap.", "row tap lists"},
      {"u_col_tap.", "column tap lists"},
      {"u_row_idx.", "row tap index"},
      {"u_col_idx.", "column tap index"},
      {"u_merge.", "merge slots"},
      {"u_readout.", "readout accumulators"},
      {"u_perf.", "SOP counts"},
      {"u_desc.", "descriptors"}};
  // yosys names an else-if's generate block genblkN.
  while (path.startswith("genblk"))
    path = path.split('.').second;
  for (auto [prefix, name] : instances)
    if (path.startswith(prefix))
      return name;
  return "unknown instance " + path.str();
}

/// Elaborates snn_core with `params` and the SPRAM choices and returns
/// each snn_ram's shapes by coreMemories name.
std::map<std::string, std::set<Shape>>
elaborate(const std::string &yosys, const CoreParams &params,
          const std::map<std::string, int64_t> &spram) {
  llvm::SmallString<128> dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("snnc-memories", dir));
  std::string script, sources;
  for (const EmbeddedFile &file : coreSources()) {
    llvm::StringRef name(file.name);
    if (!name.startswith("rtl/") || !name.endswith(".sv"))
      continue;
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, llvm::sys::path::filename(name));
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << file.contents;
    sources += " " + path.str().str();
  }
  script += "read_verilog -sv" + sources + "\nchparam";
  for (auto &[name, value] : params.verilogParameters())
    script += llvm::formatv(" -set {0} {1}", name, value).str();
  for (auto &[name, value] : spram)
    script += llvm::formatv(" -set {0} {1}", name, value).str();
  llvm::SmallString<128> out(dir), ys(dir);
  llvm::sys::path::append(out, "memories.txt");
  llvm::sys::path::append(ys, "core.ys");
  script += " snn_core\nhierarchy -top snn_core\nflatten\ntee -q -o " +
            out.str().str() + " dump m:*\n";
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(ys, ec);
    os << script;
  }
  std::optional<llvm::StringRef> quiet[] = {
      llvm::StringRef(""), llvm::StringRef(""), llvm::StringRef("")};
  std::string err;
  int rc = llvm::sys::ExecuteAndWait(yosys, {yosys, "-q", "-s", ys.str()},
                                     std::nullopt, quiet, 0, 0, &err);
  EXPECT_EQ(rc, 0) << "yosys failed on " << script << err;
  std::map<std::string, std::set<Shape>> found;
  auto text = llvm::MemoryBuffer::getFile(out);
  if (!text) {
    ADD_FAILURE() << "yosys wrote no memories";
    return found;
  }
  llvm::SmallVector<llvm::StringRef> lines;
  (*text)->getBuffer().split(lines, '\n');
  for (llvm::StringRef line : lines) {
    // "memory width 64 size 64 \u_weight.g_block.mem_q"
    llvm::SmallVector<llvm::StringRef> words;
    line.trim().split(words, ' ', -1, false);
    if (words.size() != 6 || words[0] != "memory")
      continue;
    std::string name = memoryName(words[5].drop_front());
    int64_t width = 0, depth = 0;
    if (name.empty() || words[2].getAsInteger(10, width) ||
        words[4].getAsInteger(10, depth))
      continue;
    found[name].insert({width, depth});
  }
  llvm::sys::fs::remove_directories(dir);
  return found;
}

std::optional<std::string> findYosys() {
  auto path = llvm::sys::findProgramByName("yosys");
  return path ? std::optional<std::string>(*path) : std::nullopt;
}

void expectMatch(const CoreParams &params,
                 const std::map<std::string, int64_t> &spram) {
  std::optional<std::string> yosys = findYosys();
  if (!yosys)
    GTEST_SKIP() << "yosys is not installed";
  std::map<std::string, std::set<Shape>> want;
  for (const CoreMemory &m : coreMemories(params))
    want[m.name].insert({m.width, m.depth});
  EXPECT_EQ(elaborate(*yosys, params, spram), want);
}

TEST(Boards, CoreMemoriesMatchSnnCoreDefault) { expectMatch(CoreParams(), {}); }

TEST(Boards, CoreMemoriesMatchSnnCoreEightLanes) {
  // The widest lanes, the subtract reset, narrowed currents, a banked state.
  CoreParams p;
  p.lanes = 8;
  p.subtractReset = 1;
  p.currentBits = 17;
  p.slotDepth = 5;
  p.maxPops = 6;
  p.maxProjs = 5;
  expectMatch(p, {{"StateSpram", 1}});
}

TEST(Boards, CoreMemoriesMatchSnnCoreSpram) {
  // Everything single-port that can be, the state phased; no merge slots.
  CoreParams p;
  p.lanes = 2;
  p.stateBits = 15;
  p.decayBits = 4;
  p.slotDepth = 0;
  p.cacheDepth = 1;
  expectMatch(p, {{"WeightSpram", 1}, {"StateSpram", 2}, {"EventSpram", 1}});
}

TEST(Boards, CoreMemoriesMatchSnnCoreLarge) {
  // The board example's depths: wide addresses in the taps and
  // descriptors, wide event fields.
  CoreParams p;
  p.lanes = 4;
  p.weightDepth = 20000;
  p.stateDepth = 5000;
  p.eventDepth = 6000;
  p.currentDepth = 1500;
  p.paramDepth = 40;
  p.rowTapDepth = 300;
  p.colTapDepth = 700;
  p.rowIdxDepth = 90;
  p.colIdxDepth = 33;
  p.readoutWords = 3;
  p.valueBits = 10;
  p.chanBits = 10;
  p.coordBits = 6;
  p.maxPops = 9;
  p.maxProjs = 17;
  expectMatch(p, {});
}

TEST(Boards, CoreMemoriesMatchSnnCoreNarrowSweep) {
  // Four delivery lanes beside a one-neuron sweep: the state, parameters,
  // readout and merge slots one lane wide, the currents and cache four.
  CoreParams p;
  p.lanes = 4;
  p.narrowSweep = 1;
  p.readoutModes = 1;
  p.currentBits = 19;
  p.slotDepth = 7;
  expectMatch(p, {{"WeightSpram", 1}, {"StateSpram", 2}, {"EventSpram", 1}});
}

TEST(Boards, CoreMemoriesMatchSnnCorePhasedCurrents) {
  // The currents in single-port memory, no input-current cache (CacheDepth
  // 0: coreMemories leaves it out, snn_core builds none).
  CoreParams p;
  p.stateBits = 15;
  p.currentBits = 20;
  p.currentDepth = 3000;
  p.cacheDepth = 0;
  expectMatch(p, {{"WeightSpram", 1}, {"StateSpram", 2}, {"CurrentSpram", 1}});
}

TEST(Boards, TheStateSharesTheWeightsSpram) {
  // StateSpram 3: one single-port memory, the state's words after the
  // weights', as wide as the wider of the two (what placeInSpram counts).
  std::optional<std::string> yosys = findYosys();
  if (!yosys)
    GTEST_SKIP() << "yosys is not installed";
  CoreParams p;
  p.lanes = 4;
  p.narrowSweep = 1;
  p.stateBits = 15;
  p.weightDepth = 300;
  p.stateDepth = 500;
  std::map<std::string, std::set<Shape>> want;
  for (const CoreMemory &m : coreMemories(p))
    if (m.name != "weights" && m.name != "neuron state")
      want[m.name].insert({m.width, m.depth});
  want["weights and neuron state"].insert({32, 800});
  EXPECT_EQ(elaborate(*yosys, p, {{"WeightSpram", 1}, {"StateSpram", 3}}),
            want);
}

TEST(Boards, SpramParametersAreSnnCores) {
  // The fit check sets snn_core parameters by the names coreMemories gives.
  std::set<std::string> spram = {
#define SNNC_CORE_SPRAM_NAME(field, name, value) #name,
      SNNC_CORE_SPRAM_PARAMS(SNNC_CORE_SPRAM_NAME)
#undef SNNC_CORE_SPRAM_NAME
  };
  std::set<std::string> used;
  for (const CoreMemory &m : coreMemories(CoreParams()))
    if (m.singlePort != CoreMemory::SinglePort::No)
      used.insert(m.spramParameter);
  EXPECT_EQ(used, spram);
}

} // namespace
