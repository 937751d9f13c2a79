//===- LinkTest.cpp - the host link's bridge against the host's frames ----===//
//
// hw/rtl/snn_link.sv in Verilator (tests/hw/link_tb.sv: small buffer, two
// clocks a bit) behind a fake core that records every bus access, spoken
// to with the host's own framing (snnc/Runtime/HostLink.h) over the bit
// level UART of snnc/Sim/UartLine.h.  Each protocol promise is a test: a
// rejected request changes nothing, a repeated request is not run again.
//
//===----------------------------------------------------------------------===//
#include "Vlink_tb.h"
#include "snnc/Runtime/HostLink.h"
#include "snnc/Runtime/SnnPkg.h"
#include "snnc/Sim/UartLine.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <random>

using namespace snnc;
using namespace snnc::link;

namespace {
uint32_t address(uint32_t region, uint32_t word, uint32_t slice = 0) {
  return region << 24 | word << 4 | slice;
}

/// The bridge and a fake core: a word store, a command that stays busy for
/// 20 cycles and spikes 5 times, and cycle counters.
class Bench {
public:
  Bench() : top(std::make_unique<Vlink_tb>(&context)), rx(2), tx(2) {
    top->rst_ni = 1;
    top->rx_i = 1;
    top->clk_i = 0;
    top->eval();
    top->rst_ni = 0; // an edge, so that the asynchronous resets run
    top->eval();
    top->rst_ni = 1;
    for (int i = 0; i < 4; ++i)
      tick();
  }

  /// Sends raw bytes and returns every frame received until the line is
  /// quiet.
  std::vector<std::vector<uint8_t>> exchange(const std::vector<uint8_t> &wire,
                                             int quietCycles = 4000) {
    for (uint8_t b : wire)
      toBridge.push_back(b);
    std::vector<std::vector<uint8_t>> frames;
    std::vector<uint8_t> current;
    int quiet = 0;
    for (int64_t cycle = 0; quiet < quietCycles; ++cycle) {
      if (cycle > 2000000) {
        ADD_FAILURE() << "the bridge never went quiet: active "
                      << int(top->active_o) << " rx " << rx.busy() << " tx "
                      << tx.busy() << " queue " << toBridge.size() << " line "
                      << int(top->tx_o);
        break;
      }
      uint8_t byte;
      bool got = tick(&byte);
      bool busy = !toBridge.empty() || rx.busy() || tx.busy() || top->active_o;
      quiet = busy ? 0 : quiet + 1;
      if (!got)
        continue;
      if (byte == 0) {
        frames.push_back(current);
        current.clear();
      } else {
        current.push_back(byte);
      }
    }
    return frames;
  }

  /// One request, one decoded reply.
  Reply request(uint8_t seq, uint8_t cmd, const std::vector<uint8_t> &payload) {
    auto frames = exchange(encodeRequest(seq, cmd, payload));
    EXPECT_EQ(frames.size(), 1u);
    if (frames.size() != 1)
      return {};
    auto reply = decodeReply(frames[0]);
    EXPECT_TRUE(reply.has_value());
    return reply.value_or(Reply{});
  }

  std::map<uint32_t, uint32_t> memory;
  int commandsRun = 0, coreResets = 0, writes = 0;

private:
  bool tick(uint8_t *byte = nullptr) {
    if (!rx.busy() && !toBridge.empty()) {
      rx.load(toBridge.front());
      toBridge.pop_front();
    }
    top->rx_i = rx.level();
    top->clk_i = 0;
    top->eval();
    // The fake core answers the access the bridge presents this cycle.
    uint32_t rdata = top->bus_rdata_i;
    if (top->bus_req_o && !busyLeft) {
      uint32_t addr = top->bus_addr_o;
      if (top->bus_we_o) {
        ++writes;
        memory[addr] = top->bus_wdata_o;
        if (addr == address(bus::RegionCtrl, bus::CtrlCommand)) {
          ++commandsRun;
          busyLeft = 20;
          spikesLeft = 5;
        }
      } else if (addr == address(bus::RegionCtrl, bus::CtrlCyclesLo)) {
        rdata = 20;
      } else if (addr == address(bus::RegionCtrl, bus::CtrlCyclesHi)) {
        rdata = 1;
      } else {
        rdata = memory.count(addr) ? memory[addr] : 0;
      }
    }
    bool spike = busyLeft && spikesLeft;
    if (!top->core_rst_no)
      ++coreResets;
    top->clk_i = 1;
    top->eval();
    top->bus_rdata_i = rdata;
    if (busyLeft)
      --busyLeft;
    if (spike)
      --spikesLeft;
    top->core_busy_i = busyLeft > 0;
    top->spike_valid_i = spike;
    top->eval();
    uint8_t received;
    bool got = tx.sample(top->tx_o, received);
    if (got && byte)
      *byte = received;
    return got;
  }

  VerilatedContext context;
  std::unique_ptr<Vlink_tb> top;
  sim::UartSerializer rx;
  sim::UartDeserializer tx;
  std::deque<uint8_t> toBridge;
  int busyLeft = 0, spikesLeft = 0;
};

std::vector<uint8_t> writePayload(uint32_t addr, uint8_t slices,
                                  const std::vector<uint32_t> &words) {
  std::vector<uint8_t> p;
  putU32(p, addr);
  p.push_back(slices);
  for (uint32_t w : words)
    putU32(p, w);
  return p;
}

std::vector<uint8_t> readPayload(uint32_t addr, uint8_t slices,
                                 uint16_t count) {
  std::vector<uint8_t> p;
  putU32(p, addr);
  p.push_back(slices);
  putU16(p, count);
  return p;
}
} // namespace

TEST(HostLinkFraming, CrcAndCobs) {
  const uint8_t check[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(crc32c(check), 0xE3069283u); // the CRC-32C check value
  std::mt19937 rng(7);
  for (size_t size : {0, 1, 253, 254, 255, 508, 1000}) {
    for (int zeros : {0, 1, 50}) {
      std::vector<uint8_t> data(size);
      for (uint8_t &b : data)
        b = uint8_t(int(rng() % 100) < zeros ? 0 : 1 + rng() % 255);
      std::vector<uint8_t> encoded = cobsEncode(data);
      EXPECT_EQ(std::count(encoded.begin(), encoded.end(), 0), 0);
      auto decoded = cobsDecode(encoded);
      ASSERT_TRUE(decoded.has_value()) << size;
      EXPECT_EQ(*decoded, data) << size << " bytes, " << zeros << "% zeros";
    }
  }
  EXPECT_FALSE(cobsDecode(std::vector<uint8_t>{5, 1, 2}).has_value());
  // A reply with one bit flipped never decodes.
  Reply reply{9, LinkCmdRead, LinkOk, 0x1234, {1, 0, 2, 0, 3}};
  std::vector<uint8_t> wire = encodeReply(reply);
  wire.pop_back();
  ASSERT_TRUE(decodeReply(wire).has_value());
  for (size_t i = 0; i < wire.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> bad = wire;
      bad[i] ^= uint8_t(1 << bit);
      EXPECT_FALSE(decodeReply(bad).has_value()) << i << ":" << bit;
    }
}

TEST(HostLinkBridge, IdentifiesItself) {
  Bench bench;
  Reply r = bench.request(1, LinkCmdIdentify, {});
  EXPECT_EQ(r.seq, 1);
  EXPECT_EQ(r.status, LinkOk);
  ASSERT_EQ(r.payload.size(), 4u * (LinkIdentFixed + 2));
  EXPECT_EQ(getU32(&r.payload[0]), LinkMagic);
  EXPECT_EQ(getU32(&r.payload[4]), LinkVersion);
  EXPECT_EQ(getU32(&r.payload[8]), 1000000u);
  EXPECT_EQ(getU32(&r.payload[12]), 2u);
  EXPECT_EQ(getU32(&r.payload[16]), 512u);
  EXPECT_EQ(getU32(&r.payload[20]), 8u);
  EXPECT_EQ(getU32(&r.payload[24]), 77u);
}

TEST(HostLinkBridge, BurstsWrapSlicesAndReadBack) {
  Bench bench;
  // Three words of two slices from word 2 on: slices 0, 1, then the next
  // word.
  std::vector<uint32_t> data = {11, 12, 21, 22, 31, 32};
  Reply w =
      bench.request(1, LinkCmdWrite, writePayload(address(3, 2), 2, data));
  EXPECT_EQ(w.status, LinkOk);
  EXPECT_EQ(bench.memory[address(3, 2, 0)], 11u);
  EXPECT_EQ(bench.memory[address(3, 2, 1)], 12u);
  EXPECT_EQ(bench.memory[address(3, 4, 1)], 32u);
  Reply r = bench.request(2, LinkCmdRead, readPayload(address(3, 2), 2, 6));
  ASSERT_EQ(r.status, LinkOk);
  ASSERT_EQ(r.payload.size(), 24u);
  for (size_t i = 0; i < data.size(); ++i)
    EXPECT_EQ(getU32(&r.payload[4 * i]), data[i]);
}

TEST(HostLinkBridge, LongRunsWithoutZerosUseFullCobsGroups) {
  Bench bench;
  // 400 bytes without a zero each way: groups of 254 (code 0xFF).
  std::vector<uint32_t> data;
  for (uint32_t i = 0; i < 100; ++i)
    data.push_back(0x01010101u * (i % 200 + 1));
  EXPECT_EQ(bench.request(1, LinkCmdWrite, writePayload(address(3, 0), 1, data))
                .status,
            LinkOk);
  Reply r = bench.request(2, LinkCmdRead, readPayload(address(3, 0), 1, 100));
  ASSERT_EQ(r.payload.size(), 400u);
  for (size_t i = 0; i < data.size(); ++i)
    EXPECT_EQ(getU32(&r.payload[4 * i]), data[i]);
}

TEST(HostLinkBridge, RejectedRequestsChangeNothing) {
  Bench bench;
  // Word 255 is the last of region 3: a burst that runs past it is
  // refused before its first write.
  Reply r =
      bench.request(1, LinkCmdWrite, writePayload(address(3, 255), 1, {1, 2}));
  EXPECT_EQ(r.status, LinkBadAddress);
  Reply region =
      bench.request(2, LinkCmdWrite, writePayload(address(12, 0), 1, {1}));
  EXPECT_EQ(region.status, LinkBadAddress);
  Reply slices =
      bench.request(3, LinkCmdWrite, writePayload(address(3, 0, 3), 2, {1}));
  EXPECT_EQ(slices.status, LinkBadAddress);
  Reply length = bench.request(4, LinkCmdWrite, {1, 2, 3});
  EXPECT_EQ(length.status, LinkBadLength);
  Reply command = bench.request(5, 0x42, {});
  EXPECT_EQ(command.status, LinkBadCommand);
  Reply run = bench.request(6, LinkCmdRun, {9});
  EXPECT_EQ(run.status, LinkBadCommand);
  Reply tooMany =
      bench.request(7, LinkCmdRead, readPayload(address(3, 0), 1, 126));
  EXPECT_EQ(tooMany.status, LinkBadLength);
  // The bench's burst counters are 8 bits (WordBits, link_tb.sv): a word
  // with address bits above them is out of range, never wrapped onto the
  // low words (256 would be word 0, 0x10003 word 3).
  for (uint32_t word : {256u, 0x10003u, 0xFFFFFu}) {
    Reply high = bench.request(uint8_t(20 + word % 7), LinkCmdWrite,
                               writePayload(address(3, word), 1, {0x77}));
    EXPECT_EQ(high.status, LinkBadAddress) << word;
    Reply read = bench.request(uint8_t(30 + word % 7), LinkCmdRead,
                               readPayload(address(3, word), 1, 1));
    EXPECT_EQ(read.status, LinkBadAddress) << word;
  }
  // A frame whose CRC fails.
  std::vector<uint8_t> frame = {8, LinkCmdWrite};
  std::vector<uint8_t> payload = writePayload(address(3, 1), 1, {0x55});
  frame.insert(frame.end(), payload.begin(), payload.end());
  putU32(frame, crc32c(frame) ^ 0x100);
  std::vector<uint8_t> wire = cobsEncode(frame);
  wire.push_back(0);
  auto frames = bench.exchange(wire);
  ASSERT_EQ(frames.size(), 1u);
  auto reply = decodeReply(frames[0]);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, LinkBadCrc);
  EXPECT_EQ(bench.writes, 0);
}

// The defect behind wrong scores under line faults (docs/host-link.md):
// the core commits a word from a staging register that every write
// shares, so a write that began mid-word committed slices another request
// had left there, and running a copy of it again after the cache had moved
// on (the halves of a split burst did) changed memory.  A write must now
// carry whole words, which makes every accepted write idempotent.
TEST(HostLinkBridge, WritesCarryWholeWords) {
  Bench bench;
  // Starts at slice 1 of a two-slice word.
  Reply midStart = bench.request(
      1, LinkCmdWrite, writePayload(address(3, 2, 1), 2, {12, 21, 22}));
  EXPECT_EQ(midStart.status, LinkBadAddress);
  // Ends after the first slice of its second word.
  Reply midEnd = bench.request(2, LinkCmdWrite,
                               writePayload(address(3, 2), 2, {11, 12, 21}));
  EXPECT_EQ(midEnd.status, LinkBadAddress);
  // One word stating a width it does not fill (16 slices, 2 written).
  Reply wide =
      bench.request(3, LinkCmdWrite, writePayload(address(3, 2), 16, {1, 2}));
  EXPECT_EQ(wide.status, LinkBadAddress);
  EXPECT_EQ(bench.writes, 0);
  // Whole words run, and running them again after another request (a copy
  // the cache no longer knows) leaves the same memory.
  std::vector<uint8_t> words = writePayload(address(3, 2), 2, {11, 12, 21, 22});
  ASSERT_EQ(bench.request(4, LinkCmdWrite, words).status, LinkOk);
  ASSERT_EQ(
      bench.request(5, LinkCmdWrite, writePayload(address(3, 3), 2, {31, 32}))
          .status,
      LinkOk);
  std::map<uint32_t, uint32_t> after = bench.memory;
  ASSERT_EQ(bench.request(4, LinkCmdWrite, words).status, LinkOk);
  ASSERT_EQ(
      bench.request(5, LinkCmdWrite, writePayload(address(3, 3), 2, {31, 32}))
          .status,
      LinkOk);
  EXPECT_EQ(bench.memory, after);
}

TEST(HostLinkBridge, RepeatedRequestsAreAnsweredFromTheCache) {
  Bench bench;
  std::vector<uint8_t> step = {uint8_t(bus::CmdStep)};
  Reply first = bench.request(5, LinkCmdRun, step);
  ASSERT_EQ(first.status, LinkOk);
  ASSERT_EQ(first.payload.size(), 12u);
  EXPECT_EQ(getU32(&first.payload[0]), 20u);
  EXPECT_EQ(getU32(&first.payload[4]), 1u);
  EXPECT_EQ(getU32(&first.payload[8]), 5u); // spikes
  EXPECT_EQ(bench.commandsRun, 1);
  // A retransmission (same seq and command) is not run again.
  Reply again = bench.request(5, LinkCmdRun, step);
  EXPECT_EQ(again.payload, first.payload);
  EXPECT_EQ(bench.commandsRun, 1);
  // A corrupted retransmission is refused without losing the cache.
  std::vector<uint8_t> wire = encodeRequest(5, LinkCmdRun, step);
  wire[2] ^= 0x10;
  bench.exchange(wire);
  Reply third = bench.request(5, LinkCmdRun, step);
  EXPECT_EQ(third.payload, first.payload);
  EXPECT_EQ(bench.commandsRun, 1);
  // A new sequence number runs it.
  bench.request(6, LinkCmdRun, step);
  EXPECT_EQ(bench.commandsRun, 2);
}

TEST(HostLinkBridge, SessionsResetsOverrunsAndGarbage) {
  Bench bench;
  std::vector<uint8_t> session;
  putU16(session, 0xBEEF);
  EXPECT_EQ(bench.request(1, LinkCmdSession, session).session, 0xBEEF);
  EXPECT_EQ(bench.request(2, LinkCmdIdentify, {}).session, 0xBEEF);
  Reply reset = bench.request(3, LinkCmdReset, {});
  EXPECT_EQ(reset.status, LinkOk);
  EXPECT_EQ(reset.session, 0);
  EXPECT_GT(bench.coreResets, 0);
  // Longer than the 512-byte buffer.
  std::vector<uint32_t> many(130, 7);
  Reply overrun =
      bench.request(4, LinkCmdWrite, writePayload(address(3, 0), 1, many));
  EXPECT_EQ(overrun.status, LinkOverrun);
  EXPECT_EQ(bench.writes, 0);
  // Garbage and a broken frame cost nothing but themselves.
  std::vector<uint8_t> junk = {0x13, 0x37, 0xFF, 0x00, 0x05, 0x01, 0x00};
  std::vector<uint8_t> valid = encodeRequest(5, LinkCmdIdentify, {});
  junk.insert(junk.end(), valid.begin(), valid.end());
  auto frames = bench.exchange(junk);
  ASSERT_EQ(frames.size(), 1u);
  auto reply = decodeReply(frames[0]);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->seq, 5);
  EXPECT_EQ(reply->status, LinkOk);
}

std::vector<uint8_t> eventsPayload(uint32_t addr, uint8_t mode,
                                   const std::vector<uint8_t> &entries) {
  std::vector<uint8_t> p;
  putU32(p, addr);
  p.push_back(mode);
  p.insert(p.end(), entries.begin(), entries.end());
  return p;
}

// WriteEvents (version 3): each 2-byte entry is an event word's low 16 bits
// with value 1 above the 11 address bits; each 3-byte entry carries its
// value first.  They land as whole words at consecutive event words.
TEST(HostLinkBridge, EventEntriesBecomeEventWords) {
  Bench bench;
  uint32_t events = address(bus::RegionEvent, 0);
  Reply ones =
      bench.request(1, LinkCmdWriteEvents,
                    eventsPayload(events + (2 << 4), LinkEventsOnes,
                                  {0x23, 0x01, 0xFF, 0x07, 0x00, 0x00}));
  ASSERT_EQ(ones.status, LinkOk);
  EXPECT_EQ(bench.memory[address(bus::RegionEvent, 2)], 0x0123u | 1u << 11);
  EXPECT_EQ(bench.memory[address(bus::RegionEvent, 3)], 0x07FFu | 1u << 11);
  EXPECT_EQ(bench.memory[address(bus::RegionEvent, 4)], 1u << 11);
  Reply valued =
      bench.request(2, LinkCmdWriteEvents,
                    eventsPayload(events, LinkEventsValued,
                                  {0xFF, 0x45, 0x03, 0x00, 0x01, 0x00}));
  ASSERT_EQ(valued.status, LinkOk);
  EXPECT_EQ(bench.memory[address(bus::RegionEvent, 0)], 0x0345u | 0xFFu << 11);
  EXPECT_EQ(bench.memory[address(bus::RegionEvent, 1)], 0x0001u);
  EXPECT_EQ(bench.writes, 5);
  // A whole-word write after it still takes 4 bytes a word.
  ASSERT_EQ(bench.request(3, LinkCmdWrite, writePayload(events, 1, {0xABCDEF}))
                .status,
            LinkOk);
  EXPECT_EQ(bench.memory[address(bus::RegionEvent, 0)], 0xABCDEFu);
}

// WriteEvents mode 2 (version 4): the first address part, then a value
// byte an address; a 0 writes no word, and the next event takes it.
TEST(HostLinkBridge, DenseEntriesBecomeEventWords) {
  Bench bench;
  Reply dense = bench.request(
      1, LinkCmdWriteEvents,
      eventsPayload(address(bus::RegionEvent, 3), LinkEventsDense,
                    {0xFE, 0x03, 0x09, 0x00, 0xFF, 0x00, 0x00, 0x01}));
  ASSERT_EQ(dense.status, LinkOk);
  // Addresses 0x3FE to 0x403 (the bench's 11 address bits): 0x3FF, 0x401
  // and 0x402 have value 0 and write nothing.
  EXPECT_EQ(bench.memory[address(bus::RegionEvent, 3)], 0x03FEu | 9u << 11);
  EXPECT_EQ(bench.memory[address(bus::RegionEvent, 4)], 0x0400u | 0xFFu << 11);
  EXPECT_EQ(bench.memory[address(bus::RegionEvent, 5)], 0x0403u | 1u << 11);
  EXPECT_EQ(bench.writes, 3);
  EXPECT_EQ(bench.memory.count(address(bus::RegionEvent, 6)), 0u);
  // All zeros: a frame that writes nothing, and succeeds.
  ASSERT_EQ(bench
                .request(2, LinkCmdWriteEvents,
                         eventsPayload(address(bus::RegionEvent, 0),
                                       LinkEventsDense, {0x00, 0x00, 0x00}))
                .status,
            LinkOk);
  EXPECT_EQ(bench.writes, 3);
}

TEST(HostLinkBridge, EventRefusalsChangeNothing) {
  Bench bench;
  uint32_t events = address(bus::RegionEvent, 0);
  auto status = [&](uint8_t seq, const std::vector<uint8_t> &payload) {
    return bench.request(seq, LinkCmdWriteEvents, payload).status;
  };
  // Lengths: no entry, a half entry, 4 bytes of 3-byte entries.
  EXPECT_EQ(status(1, eventsPayload(events, 0, {})), LinkBadLength);
  EXPECT_EQ(status(2, eventsPayload(events, 0, {1})), LinkBadLength);
  EXPECT_EQ(status(3, eventsPayload(events, 0, {1, 0, 2})), LinkBadLength);
  EXPECT_EQ(status(4, eventsPayload(events, 1, {1, 2, 0, 3})), LinkBadLength);
  EXPECT_EQ(status(5, {1, 2, 3}), LinkBadLength);
  // An unknown mode.
  EXPECT_EQ(status(6, eventsPayload(events, 3, {1, 2})), LinkBadCommand);
  // Dense: the first address and at least one entry; every entry counts
  // as a word against the 16 event words (an upper bound).
  EXPECT_EQ(status(12, eventsPayload(events, LinkEventsDense, {1, 2})),
            LinkBadLength);
  EXPECT_EQ(status(13, eventsPayload(address(bus::RegionEvent, 14),
                                     LinkEventsDense, {0, 0, 5, 0, 0})),
            LinkBadAddress);
  // Another region, a slice other than 0, past the 16 event words.
  EXPECT_EQ(status(7, eventsPayload(address(3, 0), 0, {1, 2})), LinkBadAddress);
  EXPECT_EQ(status(8, eventsPayload(events | 1, 0, {1, 2})), LinkBadAddress);
  EXPECT_EQ(
      status(9, eventsPayload(address(bus::RegionEvent, 15), 0, {1, 2, 3, 4})),
      LinkBadAddress);
  EXPECT_EQ(
      status(10, eventsPayload(address(bus::RegionEvent, 16), 1, {1, 2, 3})),
      LinkBadAddress);
  EXPECT_EQ(bench.writes, 0);
  // The last word of the region is in range.
  EXPECT_EQ(
      status(11, eventsPayload(address(bus::RegionEvent, 15), 1, {1, 2, 3})),
      LinkOk);
  EXPECT_EQ(bench.writes, 1);
}

TEST(HostLinkBridge, EventWritesAreIdempotent) {
  Bench bench;
  std::vector<uint8_t> first = eventsPayload(
      address(bus::RegionEvent, 0), LinkEventsValued, {7, 1, 0, 9, 2, 0});
  ASSERT_EQ(bench.request(1, LinkCmdWriteEvents, first).status, LinkOk);
  EXPECT_EQ(bench.writes, 2);
  // A retransmission is answered from the cache, not run again.
  EXPECT_EQ(bench.request(1, LinkCmdWriteEvents, first).status, LinkOk);
  EXPECT_EQ(bench.writes, 2);
  // A copy that runs again after another request leaves the same memory.
  ASSERT_EQ(bench
                .request(2, LinkCmdWriteEvents,
                         eventsPayload(address(bus::RegionEvent, 1),
                                       LinkEventsOnes, {5, 0}))
                .status,
            LinkOk);
  std::map<uint32_t, uint32_t> after = bench.memory;
  ASSERT_EQ(bench.request(1, LinkCmdWriteEvents, first).status, LinkOk);
  ASSERT_EQ(bench
                .request(2, LinkCmdWriteEvents,
                         eventsPayload(address(bus::RegionEvent, 1),
                                       LinkEventsOnes, {5, 0}))
                .status,
            LinkOk);
  EXPECT_EQ(bench.writes, 6);
  EXPECT_EQ(bench.memory, after);
  EXPECT_EQ(after[address(bus::RegionEvent, 0)], 1u | 7u << 11);
  EXPECT_EQ(after[address(bus::RegionEvent, 1)], 5u | 1u << 11);
}
