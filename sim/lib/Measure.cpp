//===- Measure.cpp - a bitstream's core measured on its own board model ---===//
#include "snnc/Sim/Measure.h"
#include "snnc/Runtime/CoreEngine.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/SerialBus.h"
#include "snnc/Runtime/Session.h"
#include "snnc/Sim/BoardProcess.h"

#include "llvm/Support/FormatVariadic.h"

using namespace snnc;
using namespace snnc::sim;
using llvm::formatv;

namespace {
/// What the board and its host had done at one moment.
struct Snapshot {
  BoardCounters board;
  CoreRunStats core;
  LinkStats link;
};

llvm::Expected<Snapshot> snapshot(BoardProcess &process,
                                  const Session &session) {
  auto counters = process.counters();
  if (!counters)
    return counters.takeError();
  return Snapshot{*counters, *session.coreStats(), *session.linkStats()};
}

/// The board's outputs equal golden's, and so does its spike count.
llvm::Expected<bool> sameAsGolden(const CoreNetwork &network,
                                  const NDArray &input, const NDArray &scores,
                                  uint64_t boardSpikes,
                                  const MeasureOptions &options) {
  auto golden = Session::create(network);
  if (!golden)
    return golden.takeError();
  if (llvm::Error err = golden->recordSpikes(true))
    return std::move(err);
  auto expected = golden->infer(input, options.timesteps, options.inputName);
  if (!expected)
    return expected.takeError();
  return expected->data == scores.data &&
         golden->spikes().size() == boardSpikes;
}

/// One inference per call, so that the first one's board time is the
/// latency; the scores of all of them, in order.
llvm::Expected<NDArray> inferEach(Session &session, const NDArray &input,
                                  BoardProcess &process, Snapshot &afterFirst,
                                  const MeasureOptions &options) {
  size_t axis = session.signature().encoding == InputEncoding::Events ? 1 : 0;
  int64_t samples = sampleCount(input, session.signature().encoding);
  NDArray scores;
  for (int64_t i = 0; i < samples; ++i) {
    auto part = session.infer(sliceSamples(input, axis, i, 1),
                              options.timesteps, options.inputName, i);
    if (!part)
      return process.explain(part.takeError());
    if (i == 0) {
      scores.shape = part->shape;
      scores.shape[0] = samples;
      auto now = snapshot(process, session);
      if (!now)
        return now.takeError();
      afterFirst = *now;
    }
    scores.data.insert(scores.data.end(), part->data.begin(), part->data.end());
  }
  return scores;
}

llvm::json::Object figures(const Snapshot &start, const Snapshot &afterFirst,
                           const Snapshot &end, int64_t images,
                           const MeasureOptions &options) {
  double n = double(images);
  double cycles = double(end.core.cycles - start.core.cycles) / n;
  double sops = double(end.core.synapticOps - start.core.synapticOps) / n;
  double linkBytes = double(end.link.bytesSent + end.link.bytesReceived -
                            start.link.bytesSent - start.link.bytesReceived) /
                     n;
  double boardCycles = double((end.board - start.board).activeCycles) / n;
  double firstCycles = double((afterFirst.board - start.board).activeCycles);
  return llvm::json::Object{
      {"engine", options.gateLevel ? "gate-level netlist" : "rtl"},
      {"images", images},
      {"clock_mhz", options.clockHz / 1e6},
      {"cycles_per_inference", cycles},
      {"sops_per_inference", sops},
      {"sop_per_second", cycles > 0 ? sops * options.clockHz / cycles : 0.0},
      {"link_bytes_per_inference", linkBytes},
      {"baud", options.baud},
      {"board_cycles_per_inference", boardCycles},
      {"inferences_per_second",
       boardCycles > 0 ? options.clockHz / boardCycles : 0.0},
      {"latency_ms", firstCycles / options.clockHz * 1e3},
      {"retransmissions",
       end.link.retransmissions - start.link.retransmissions}};
}
} // namespace

llvm::Expected<llvm::json::Object>
sim::measureBoard(const CoreNetwork &network, const NDArray &input,
                  const MeasureOptions &options) {
  auto simulator = buildBoardSimulator(options.dir, options.gateLevel);
  if (!simulator)
    return simulator.takeError();
  auto process = BoardProcess::start(*simulator);
  if (!process)
    return process.takeError();
  LinkOptions link;
  link.device = process->terminal();
  link.baud = options.baud;
  // A gate-level step takes seconds of simulation: wait rather than
  // retransmit (a retransmission would count line time twice).
  link.timeoutMs = options.gateLevel ? 120000 : 20000;
  auto session = Session::create(network, Device::board(link));
  if (!session)
    return process->explain(session.takeError());
  // The first inference pays for the network's load and warms the link.
  auto signature = session->signature();
  size_t axis = signature.encoding == InputEncoding::Events ? 1 : 0;
  if (sampleCount(input, signature.encoding) < 1)
    return makeError<InputError>(
        formatv("{0}: no samples to measure", options.inputName));
  auto warm = session->infer(sliceSamples(input, axis, 0, 1), options.timesteps,
                             options.inputName);
  if (!warm)
    return process->explain(warm.takeError());
  auto start = snapshot(*process, *session);
  if (!start)
    return start.takeError();
  Snapshot afterFirst;
  auto scores = inferEach(*session, input, *process, afterFirst, options);
  if (!scores)
    return scores.takeError();
  auto end = snapshot(*process, *session);
  if (!end)
    return end.takeError();
  process->stop();
  int64_t images = sampleCount(input, signature.encoding);
  llvm::json::Object measured =
      figures(*start, afterFirst, *end, images, options);
  auto exact = sameAsGolden(network, input, *scores,
                            end->core.spikes - start->core.spikes, options);
  if (!exact)
    return exact.takeError();
  measured["bit_exact_with_golden"] = *exact;
  return measured;
}

void sim::printMeasured(const llvm::json::Object &m, llvm::raw_ostream &os) {
  auto number = [&](llvm::StringRef key) {
    return m.getNumber(key).value_or(0);
  };
  int64_t images = m.getInteger("images").value_or(0);
  os << formatv("measured on the {0} over {1} image{2} at {3:F2} MHz:\n",
                m.getString("engine").value_or(""), images,
                images == 1 ? "" : "s", number("clock_mhz"));
  os << formatv("  {0,-27} {1:F0}\n", "cycles per inference",
                number("cycles_per_inference"));
  os << formatv("  {0,-27} {1:F0}\n", "synaptic ops per inference",
                number("sops_per_inference"));
  os << formatv("  {0,-27} {1:F1} M\n", "synaptic ops per second",
                number("sop_per_second") / 1e6);
  os << formatv("  {0,-27} {1:F0} bytes at {2} baud\n", "link per inference",
                number("link_bytes_per_inference"),
                m.getInteger("baud").value_or(0));
  os << formatv("  {0,-27} {1:F1} (end to end)\n", "inferences per second",
                number("inferences_per_second"));
  os << formatv("  {0,-27} {1:F2} ms\n", "latency of one inference",
                number("latency_ms"));
  bool exact = m.getBoolean("bit_exact_with_golden").value_or(false);
  os << (exact ? "  bit-exact with golden: outputs and spike counts "
                 "identical\n"
               : "  NOT bit-exact with golden\n");
}
