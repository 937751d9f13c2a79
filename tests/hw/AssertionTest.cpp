//===- AssertionTest.cpp - the RTL's assertions fire ----------------------===//
//
// Every Verilator build passes --assert (docs/core.md, "Assertions").  Here
// modules built that way are driven into the states their assertions
// forbid, and each test checks that the named assertion fires in the
// cycle it should, reported as the one line the simulators print
// (snnc/Sim/VerilatorOutput.h).  Built without --assert, every test that
// expects a firing fails.  The same modules used correctly fire nothing.
//
//===----------------------------------------------------------------------===//
#include "Vcore_assert.h"
#include "Vcore_assert___024root.h"
#include "Vcore_readout.h"
#include "Vlink_assert.h"
#include "Vlink_assert___024root.h"
#include "Vpool_max1.h"
#include "Vreadout_assert.h"
#include "snnc/Runtime/CoreParams.h"
#include "snnc/Sim/VerilatorOutput.h"

#include "gtest/gtest.h"

#include <functional>
#include <memory>
#include <optional>

using namespace snnc;

namespace {

/// A model clocked with its assertions live and non-fatal; what Verilator
/// prints is diverted for the bench's lifetime.
template <class Model> class Bench {
public:
  Bench() {
    output.divert();
    context = std::make_unique<VerilatedContext>();
    context->fatalOnError(false);
    top = std::make_unique<Model>(context.get());
    top->clk_i = 0;
    top->rst_ni = 1;
    top->eval();
    top->rst_ni = 0; // an edge, so that the asynchronous resets run
    top->eval();
    top->rst_ni = 1;
    top->eval();
  }
  ~Bench() {
    top->final();
    output.restore();
  }
  void tick() {
    top->clk_i = 1;
    top->eval();
    if (!failedAt && context->gotError())
      failedAt = cycle;
    top->clk_i = 0;
    top->eval();
    ++cycle;
  }
  /// The one-line report of the first failed assertion; empty if none.
  std::string fired() const {
    return failedAt ? sim::assertionSummary(output.text(), *failedAt) : "";
  }

private:
  // Declared before the model, which must go first.
  sim::VerilatorOutput output;
  std::unique_ptr<VerilatedContext> context;

public:
  std::unique_ptr<Model> top;

private:
  uint64_t cycle = 0;
  std::optional<uint64_t> failedAt;
};

/// Runs `drive` on a fresh bench; what fired, after stdout is back.
template <class Model>
std::string firedBy(const std::function<void(Bench<Model> &)> &drive) {
  Bench<Model> bench;
  drive(bench);
  return bench.fired();
}

void add(Bench<Vreadout_assert> &bench, uint32_t word) {
  bench.top->add_we_i = 1;
  bench.top->word_i = word;
  bench.tick();
  bench.top->add_we_i = 0;
}

template <class Model>
void write(Bench<Model> &bench, uint32_t address, uint32_t data) {
  bench.top->bus_req_i = 1;
  bench.top->bus_we_i = 1;
  bench.top->bus_addr_i = address;
  bench.top->bus_wdata_i = data;
  bench.tick();
  bench.top->bus_req_i = 0;
  bench.top->bus_we_i = 0;
}

const uint32_t kCommand = bus::address(bus::RegionCtrl, bus::CtrlCommand);

TEST(Assertions, AReadoutWordPastTheCoreFiresWordInRange) {
  std::string fired = firedBy<Vreadout_assert>([](auto &bench) {
    add(bench, 0);
    bench.tick();
    add(bench, 4); // the core has words 0..3, cycle 2
  });
  EXPECT_EQ(fired, "assertion snn_readout.WordInRange failed at cycle 2: "
                   "snn_readout: readout word 4 past the core's 4");
}

TEST(Assertions, AReadoutWordAddedTwiceInARowFiresNoBackToBack) {
  std::string fired = firedBy<Vreadout_assert>([](auto &bench) {
    add(bench, 1);
    add(bench, 1);
  });
  EXPECT_EQ(fired, "assertion snn_readout.NoBackToBack failed at cycle 1: "
                   "snn_readout: readout word 1 added twice in a row");
}

TEST(Assertions, ACommandWrittenWhileBusyFiresCommandWhenIdle) {
  std::string fired = firedBy<Vcore_assert>([](auto &bench) {
    write(bench, kCommand, bus::CmdClear);
    write(bench, kCommand, bus::CmdClear); // still clearing, cycle 1
  });
  EXPECT_EQ(fired, "assertion snn_core.CommandWhenIdle failed at cycle 1: "
                   "snn_core: command 2 written while busy");
}

TEST(Assertions, AnIllegalControllerStateFiresStateValid) {
  std::string fired = firedBy<Vcore_assert>([](auto &bench) {
    bench.tick();
    bench.top->rootp->snn_core__DOT__state_q = 15; // 10 states in 4 bits
    bench.tick();
  });
  EXPECT_EQ(fired, "assertion snn_core.StateValid failed at cycle 1: "
                   "snn_core: controller state 15 is not a state");
}

TEST(Assertions, APooledPopulationOnACoreWithoutPoolingFiresPoolCurrentsBuilt) {
  std::string fired = firedBy<Vcore_assert>([](auto &bench) {
    bench.tick();
    write(bench,
          bus::address(bus::RegionPop, 2 * bus::DescWords + bus::PopFlags),
          1u << bus::PopFlagPoolCurrents | 2u << bus::PopFlagPoolYShift |
              2u << bus::PopFlagPoolXShift);
  });
  EXPECT_EQ(fired, "assertion snn_core.PoolCurrentsBuilt failed at cycle 1: "
                   "snn_core: population 2 pools its currents: the core is "
                   "built without PoolCurrents");
}

TEST(Assertions, AMembraneReadoutOnACoreWithoutReadoutModesFiresItsBuilt) {
  std::string fired = firedBy<Vcore_assert>([](auto &bench) {
    bench.tick();
    write(bench,
          bus::address(bus::RegionPop, 3 * bus::DescWords + bus::PopKind),
          bus::PopKindMembrane);
  });
  EXPECT_EQ(fired, "assertion snn_core.MembraneReadoutBuilt failed at cycle 1: "
                   "snn_core: population 3 reads out its membranes: the core "
                   "is built without ReadoutModes");
}

TEST(Assertions, ALastStepReadoutOnACoreWithoutReadoutModesFiresItsBuilt) {
  std::string fired = firedBy<Vcore_assert>([](auto &bench) {
    bench.tick();
    // A readout kind is fine; its flag is not.
    write(bench,
          bus::address(bus::RegionPop, 3 * bus::DescWords + bus::PopKind),
          bus::PopKindReadout);
    write(bench,
          bus::address(bus::RegionPop, 3 * bus::DescWords + bus::PopFlags),
          1u << bus::PopFlagReadoutLast);
  });
  EXPECT_EQ(fired, "assertion snn_core.ReadoutLastBuilt failed at cycle 2: "
                   "snn_core: population 3 keeps the last step's readout: the "
                   "core is built without ReadoutModes");
}

TEST(Assertions, ALastStepFlagOnALifPopulationFiresReadoutLastOnReadout) {
  // Population 1 (one neuron, no projections) is LIF with the flag.
  std::string fired = firedBy<Vcore_readout>([](auto &bench) {
    auto pop = [](uint32_t field) {
      return bus::address(bus::RegionPop, bus::DescWords + field);
    };
    write(bench, pop(bus::PopKind), bus::PopKindLif);
    write(bench, pop(bus::PopGroups), 1);
    write(bench, pop(bus::PopLastLanes), 1);
    write(bench, pop(bus::PopHeight), 1);
    write(bench, pop(bus::PopWidth), 1);
    write(bench, pop(bus::PopFlags), 1u << bus::PopFlagReadoutLast);
    write(bench, bus::address(bus::RegionCtrl, bus::CtrlNumPops), 2);
    // Written in cycle 7, the step copies the descriptor in cycles 8-24
    // (16 words, one cycle behind their reads), finds no projections in
    // 25 and starts the sweep in 26.
    write(bench, kCommand, bus::CmdStep);
    for (int cycle = 0; cycle < 40 && bench.top->busy_o; ++cycle)
      bench.tick();
  });
  EXPECT_EQ(fired, "assertion snn_core.ReadoutLastOnReadout failed at cycle "
                   "26: snn_core: population 1 keeps the last step's readout "
                   "but is no readout");
}

TEST(Assertions, AnEmptyPoolingWindowFiresWindowLegal) {
  std::string fired = firedBy<Vpool_max1>([](auto &bench) {
    bench.tick();
    bench.top->start_i = 1;
    bench.top->groups_i = 1;
    bench.top->height_i = 1;
    bench.top->width_i = 1;
    bench.top->pool_y_i = 0;
    bench.top->pool_x_i = 2;
    bench.tick();
  });
  EXPECT_EQ(fired, "assertion snn_pool_max.WindowLegal failed at cycle 1: "
                   "snn_pool_max: a 0 x 2 pooling window");
}

TEST(Assertions, TakingAMaximumThatIsNotThereFiresTakenWhenValid) {
  std::string fired = firedBy<Vpool_max1>([](auto &bench) {
    bench.tick();
    bench.top->max_ready_i = 1;
    bench.tick();
  });
  EXPECT_EQ(fired, "assertion snn_pool_max.TakenWhenValid failed at cycle 1: "
                   "snn_pool_max: the sweep took a maximum that is not there");
}

TEST(Assertions, AnIllegalBridgeStateFiresStateValid) {
  std::string fired = firedBy<Vlink_assert>([](auto &bench) {
    bench.top->rx_i = 1;
    bench.tick();
    bench.top->rootp->snn_link__DOT__state_q = 63;
    bench.tick();
  });
  EXPECT_EQ(fired, "assertion snn_link.StateValid failed at cycle 1: "
                   "snn_link: executor state 63 (return 0) is not a state");
}

TEST(Assertions, CorrectUseFiresNothing) {
  EXPECT_EQ(firedBy<Vreadout_assert>([](auto &bench) {
              for (uint32_t word : {0, 1, 2, 3, 2, 1, 0})
                add(bench, word);
            }),
            "");
  // Two clears, the second once the first is done.
  bool idle = true;
  EXPECT_EQ(firedBy<Vcore_assert>([&idle](auto &bench) {
              for (int command = 0; command < 2; ++command) {
                write(bench, kCommand, bus::CmdClear);
                for (int cycle = 0; cycle < 1000 && bench.top->busy_o; ++cycle)
                  bench.tick();
                idle = idle && !bench.top->busy_o;
              }
            }),
            "");
  EXPECT_TRUE(idle);
  EXPECT_EQ(firedBy<Vlink_assert>([](auto &bench) {
              bench.top->rx_i = 1;
              for (int cycle = 0; cycle < 100; ++cycle)
                bench.tick();
            }),
            "");
}

TEST(Assertions, TheReportIsOneLineNamingTheAssertion) {
  std::string log =
      "[2468] %Error: snn_sweep.sv:364: Assertion failed in "
      "TOP.snn_top.u_core.u_sweep.QueueNoOverflow: snn_sweep: spike queue "
      "overflow\n%Error: snn_sweep.sv:364: Verilog $stop\n";
  EXPECT_EQ(sim::assertionSummary(log, 1234),
            "assertion snn_sweep.QueueNoOverflow failed at cycle 1234 (in "
            "u_core.u_sweep): snn_sweep: spike queue overflow");
  // A parameter check has no label: it is named by its place.
  log = "[0] %Error: snn_core.sv:797: Assertion failed in TOP.snn_top.u_core: "
        "snn_core: Lanes must be 1, 2, 4 or 8\n";
  EXPECT_EQ(sim::assertionSummary(log, 0),
            "assertion at snn_core.sv:797 failed at cycle 0 (in u_core): "
            "snn_core: Lanes must be 1, 2, 4 or 8");
  EXPECT_EQ(sim::assertionSummary("%Error: something else\n", 5), "");
}

} // namespace
