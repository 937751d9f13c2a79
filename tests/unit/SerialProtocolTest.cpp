//===- SerialProtocolTest.cpp - the host link's retries, without a line ---===//
//
// SerialBus's request protocol driven through a fake SerialPort that
// answers like snn_link (docs/host-link.md): it decodes each request with
// the host's own framing (snnc/Runtime/HostLink.h), runs it against a word
// store, keeps the last good reply and answers a repeated {seq, cmd} from
// it, and can lose, drop, corrupt, duplicate or refuse any frame.  A read
// with nothing to deliver is a timeout at once, so the retry paths run in
// microseconds; the deadline the host asked for is recorded and checked.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/SerialBus.h"

#include <gtest/gtest.h>

#include <deque>
#include <map>

using namespace snnc;
using namespace snnc::link;

namespace {

/// What the fake board does with one received frame.
enum class Fault {
  None,
  LoseRequest,  // the request never arrives: nothing runs, no reply
  DropReply,    // it runs, the reply is lost
  CorruptReply, // it runs, the reply arrives with a flipped bit
  DoubleReply,  // it runs, the reply arrives twice
  Reject,       // refused as damaged (`bad CRC` status)
};

class FakeBoard : public SerialPort {
public:
  struct Request {
    uint8_t seq = 0, cmd = 0;
    std::vector<uint8_t> payload, wire;
  };
  std::vector<Request> requests;           // every frame the host sent
  std::map<size_t, Fault> faults;          // by index into `requests`
  bool silent = false, gone = false;       // never answers; line closed
  std::map<uint32_t, uint32_t> memory;     // bus address -> data
  std::deque<std::vector<uint8_t>> toHost; // one chunk per read
  std::vector<int64_t> waits; // ms to the deadline of each timed-out read
  uint16_t session = 0;
  int executed = 0;               // requests run, not answered from the cache
  uint32_t version = LinkVersion; // what Identify reports
  CoreParams core;                // the core Identify reports

  ReadStatus read(std::vector<uint8_t> &into, int64_t deadlineMs) override {
    if (gone)
      return ReadStatus::Gone;
    if (toHost.empty()) {
      waits.push_back(deadlineMs - nowMs());
      return ReadStatus::Timeout;
    }
    into.insert(into.end(), toHost.front().begin(), toHost.front().end());
    toHost.pop_front();
    return ReadStatus::Data;
  }

  llvm::Error write(llvm::ArrayRef<uint8_t> bytes, int64_t) override {
    partial.insert(partial.end(), bytes.begin(), bytes.end());
    for (auto end = std::find(partial.begin(), partial.end(), 0);
         end != partial.end();
         end = std::find(partial.begin(), partial.end(), 0)) {
      std::vector<uint8_t> frame(partial.begin(), end + 1);
      partial.erase(partial.begin(), end + 1);
      receive(frame);
    }
    return llvm::Error::success();
  }

  /// The reset button: the session is gone, and so is the reply cache.
  void pressReset() {
    session = 0;
    cache.reset();
  }

  /// The write requests among `requests`, decoded: {address, slices, words}.
  struct Write {
    uint32_t address, slices;
    std::vector<uint32_t> words;
  };
  /// The WriteEvents requests among `requests`: {mode, entries}.
  /// Entries of a WriteEvents request (dense: addresses, events or not).
  static size_t eventEntries(const Request &r) {
    size_t bytes = r.payload.size() - 5;
    switch (r.payload[4]) {
    case LinkEventsOnes:
      return bytes / 2;
    case LinkEventsDense:
      return bytes - 2;
    default:
      return bytes / 3;
    }
  }
  std::vector<std::pair<uint8_t, size_t>> eventWrites() const {
    std::vector<std::pair<uint8_t, size_t>> out;
    for (const Request &r : requests)
      if (r.cmd == LinkCmdWriteEvents)
        out.push_back({r.payload[4], eventEntries(r)});
    return out;
  }
  std::vector<Write> writes() const {
    std::vector<Write> out;
    for (const Request &r : requests)
      if (r.cmd == LinkCmdWrite)
        out.push_back(
            {getU32(r.payload.data()), r.payload[4],
             wordsOf(llvm::ArrayRef<uint8_t>(r.payload).drop_front(5))});
    return out;
  }

private:
  std::vector<uint8_t> partial;
  std::optional<Reply> cache;

  static std::vector<uint32_t> wordsOf(llvm::ArrayRef<uint8_t> bytes) {
    std::vector<uint32_t> words;
    for (size_t i = 0; i + 4 <= bytes.size(); i += 4)
      words.push_back(getU32(bytes.data() + i));
    return words;
  }

  void receive(const std::vector<uint8_t> &wire) {
    auto frame = cobsDecode(llvm::ArrayRef<uint8_t>(wire).drop_back());
    ASSERT_TRUE(frame && frame->size() >= LinkRequestHeader + LinkCrcBytes);
    size_t body = frame->size() - LinkCrcBytes;
    ASSERT_EQ(crc32c(llvm::ArrayRef<uint8_t>(*frame).take_front(body)),
              getU32(frame->data() + body));
    Request r{(*frame)[0], (*frame)[1], {}, wire};
    r.payload.assign(frame->begin() + LinkRequestHeader, frame->begin() + body);
    Fault fault =
        faults.count(requests.size()) ? faults[requests.size()] : Fault::None;
    requests.push_back(r);
    if (silent || fault == Fault::LoseRequest)
      return;
    if (fault == Fault::Reject)
      return send(Reply{r.seq, r.cmd, LinkBadCrc, session, {}});
    Reply reply;
    if (cache && cache->seq == r.seq && cache->cmd == r.cmd) {
      reply = *cache;
    } else {
      reply = execute(r);
      if (reply.status == LinkOk)
        cache = reply;
    }
    std::vector<uint8_t> bytes = encodeReply(reply);
    if (fault == Fault::DropReply)
      return;
    if (fault == Fault::CorruptReply)
      bytes[2] ^= bytes[2] == 0x40 ? 0x20 : 0x40; // never a 0x00
    toHost.push_back(bytes);
    if (fault == Fault::DoubleReply)
      toHost.push_back(bytes);
  }

  void send(const Reply &reply) { toHost.push_back(encodeReply(reply)); }

  /// WriteEvents as snn_link runs it: `addr:4 mode:1` and 2- or 3-byte
  /// entries, each a whole one-slice event word, or (version 4, dense)
  /// `first:2` and a value byte an address; checked before any write.
  Reply writeEvents(const Request &r) {
    auto refuse = [&](uint8_t status) {
      return Reply{r.seq, r.cmd, status, session, {}};
    };
    if (r.payload.size() < 7)
      return refuse(LinkBadLength);
    uint32_t address = getU32(r.payload.data()), mode = r.payload[4];
    if (mode > (version >= 4 ? LinkEventsDense : LinkEventsValued))
      return refuse(LinkBadCommand);
    if (address >> 24 != bus::RegionEvent || (address & 0xF) != 0 ||
        core.eventBits() > 32)
      return refuse(LinkBadAddress);
    int64_t addressBits = core.eventAddressBits();
    uint32_t first = (address >> 4) & 0xFFFFF;
    if (mode == LinkEventsDense) {
      // The bridge checks every entry as a word (an upper bound).
      if (r.payload.size() < 8)
        return refuse(LinkBadLength);
      size_t entries = r.payload.size() - 7;
      if (first + entries > uint32_t(core.eventDepth))
        return refuse(LinkBadAddress);
      uint32_t at = uint32_t(r.payload[5]) | uint32_t(r.payload[6]) << 8;
      for (size_t i = 0; i < entries; ++i, ++at)
        if (uint64_t value = r.payload[7 + i])
          memory[bus::address(bus::RegionEvent, first++)] =
              uint32_t(value << addressBits | (at & 0xFFFF));
      return Reply{r.seq, r.cmd, LinkOk, session, {}};
    }
    size_t entry = mode == LinkEventsOnes ? 2 : 3, bytes = r.payload.size() - 5;
    if (bytes % entry != 0)
      return refuse(LinkBadLength);
    if (first + bytes / entry > uint32_t(core.eventDepth))
      return refuse(LinkBadAddress);
    for (size_t i = 0; i < bytes / entry; ++i) {
      const uint8_t *e = r.payload.data() + 5 + i * entry;
      uint64_t value = mode == LinkEventsOnes ? 1 : e[0];
      const uint8_t *low = e + entry - 2;
      memory[bus::address(bus::RegionEvent, first + uint32_t(i))] = uint32_t(
          value << addressBits | uint32_t(low[0]) | uint32_t(low[1]) << 8);
    }
    return Reply{r.seq, r.cmd, LinkOk, session, {}};
  }

  Reply execute(const Request &r) {
    ++executed;
    Reply reply{r.seq, r.cmd, LinkOk, session, {}};
    const uint8_t *p = r.payload.data();
    switch (r.cmd) {
    case LinkCmdIdentify: {
      std::vector<uint32_t> values = {LinkMagic, version, 12000000, 4, 1024};
      for (auto &[name, value] : core.verilogParameters())
        values.push_back(uint32_t(value));
      for (uint32_t v : values)
        putU32(reply.payload, v);
      break;
    }
    case LinkCmdWrite: {
      uint32_t address = getU32(p), slices = p[4];
      std::vector<uint32_t> words =
          wordsOf(llvm::ArrayRef<uint8_t>(r.payload).drop_front(5));
      // Version 2 runs whole words only (docs/host-link.md).
      if (slices == 0 || slices > 16 || (address & 0xF) != 0 ||
          words.size() % slices != 0)
        return Reply{r.seq, r.cmd, LinkBadAddress, session, {}};
      for (size_t i = 0; i < words.size(); ++i)
        memory[bus::advance(address, slices, uint32_t(i))] = words[i];
      break;
    }
    case LinkCmdWriteEvents:
      if (version < 3)
        return Reply{r.seq, r.cmd, LinkBadCommand, session, {}};
      return writeEvents(r);
    case LinkCmdRead: {
      uint32_t address = getU32(p), slices = p[4], count = p[5] | p[6] << 8;
      if (slices == 0 || slices > 16)
        return Reply{r.seq, r.cmd, LinkBadAddress, session, {}};
      for (uint32_t i = 0; i < count; ++i)
        putU32(reply.payload, memory[bus::advance(address, slices, i)]);
      break;
    }
    case LinkCmdRun:
      putU32(reply.payload, 100); // cycles, low word
      putU32(reply.payload, 0);
      putU32(reply.payload, 7); // spikes
      break;
    case LinkCmdSession:
      session = uint16_t(p[0] | p[1] << 8);
      reply.session = session;
      break;
    case LinkCmdReset:
      session = reply.session = 0;
      break;
    default:
      reply.status = LinkBadCommand;
    }
    return reply;
  }
};

struct Link {
  FakeBoard *board;
  std::unique_ptr<SerialBus> bus;
};

Link connect(bool identify = true, uint32_t version = LinkVersion) {
  auto port = std::make_unique<FakeBoard>();
  FakeBoard *board = port.get();
  board->version = version;
  LinkOptions options;
  options.device = "fake";
  auto bus = std::make_unique<SerialBus>(std::move(port), options);
  if (identify) {
    auto id = bus->identify();
    EXPECT_TRUE(bool(id)) << llvm::toString(id.takeError());
  }
  return {board, std::move(bus)};
}

std::string message(llvm::Error err) { return llvm::toString(std::move(err)); }

uint32_t wordAddress(uint32_t word, uint32_t slice = 0) {
  return bus::address(2, word, slice);
}

TEST(SerialProtocol, CleanRequestAndReply) {
  Link link = connect();
  FakeBoard &board = *link.board;
  ASSERT_EQ(board.requests.size(), 1u);
  EXPECT_EQ(board.requests[0].wire, encodeRequest(1, LinkCmdIdentify, {}));
  EXPECT_EQ(link.bus->identity().bufferBytes, 1024u);
  EXPECT_EQ(link.bus->identity().clockHz, 12000000u);

  board.memory[wordAddress(3, 1)] = 0xDEADBEEF;
  auto value = link.bus->read(wordAddress(3, 1));
  ASSERT_TRUE(bool(value)) << message(value.takeError());
  EXPECT_EQ(*value, 0xDEADBEEFu);
  // One word at slice 1 of a 16-slice burst, as sequence number 2.
  std::vector<uint8_t> payload;
  putU32(payload, wordAddress(3, 1));
  payload.push_back(16);
  putU16(payload, 1);
  EXPECT_EQ(board.requests[1].wire, encodeRequest(2, LinkCmdRead, payload));

  const LinkStats &stats = link.bus->stats();
  EXPECT_EQ(stats.requests, 2);
  EXPECT_EQ(stats.frames, 2);
  EXPECT_EQ(stats.retransmissions + stats.timeouts + stats.corruptReplies +
                stats.staleReplies + stats.rejectedRequests,
            0);
  EXPECT_EQ(stats.bytesSent, int64_t(board.requests[0].wire.size() +
                                     board.requests[1].wire.size()));
}

TEST(SerialProtocol, DroppedReplyIsAskedForAgain) {
  Link link = connect();
  FakeBoard &board = *link.board;
  board.faults[1] = Fault::DropReply;
  auto result = link.bus->command(1, 1000);
  ASSERT_TRUE(bool(result)) << message(result.takeError());
  EXPECT_EQ(result->cycles, 100u);
  EXPECT_EQ(result->spikeCount, 7u);
  // The same frame twice; the board ran it once and answered the copy
  // from its cache.
  ASSERT_EQ(board.requests.size(), 3u);
  EXPECT_EQ(board.requests[1].wire, board.requests[2].wire);
  EXPECT_EQ(board.executed, 2);
  EXPECT_EQ(link.bus->stats().timeouts, 1);
  EXPECT_EQ(link.bus->stats().retransmissions, 1);
}

TEST(SerialProtocol, CorruptReplyIsIgnoredAndRetried) {
  Link link = connect();
  FakeBoard &board = *link.board;
  board.faults[1] = Fault::CorruptReply;
  board.memory[wordAddress(0)] = 42;
  auto value = link.bus->read(wordAddress(0));
  ASSERT_TRUE(bool(value)) << message(value.takeError());
  EXPECT_EQ(*value, 42u);
  EXPECT_EQ(board.requests[1].wire, board.requests[2].wire);
  EXPECT_EQ(link.bus->stats().corruptReplies, 1);
  EXPECT_EQ(link.bus->stats().retransmissions, 1);
  EXPECT_EQ(link.bus->stats().timeouts, 0);
}

TEST(SerialProtocol, RejectedRequestIsSentAgain) {
  Link link = connect();
  link.board->faults[1] = Fault::Reject;
  auto result = link.bus->command(1, 1000);
  ASSERT_TRUE(bool(result)) << message(result.takeError());
  EXPECT_EQ(link.bus->stats().rejectedRequests, 1);
  EXPECT_EQ(link.bus->stats().retransmissions, 1);
}

TEST(SerialProtocol, StaleReplyIsSkipped) {
  // The reply to request 2 arrives twice: the copy is still on the line
  // when the host waits for request 3, and must not answer it.
  Link link = connect();
  FakeBoard &board = *link.board;
  board.faults[1] = Fault::DoubleReply;
  board.memory[wordAddress(1)] = 11;
  board.memory[wordAddress(2)] = 22;
  auto first = link.bus->read(wordAddress(1));
  ASSERT_TRUE(bool(first)) << message(first.takeError());
  auto second = link.bus->read(wordAddress(2));
  ASSERT_TRUE(bool(second)) << message(second.takeError());
  EXPECT_EQ(*first, 11u);
  EXPECT_EQ(*second, 22u);
  EXPECT_EQ(link.bus->stats().staleReplies, 1);
  EXPECT_EQ(link.bus->stats().retransmissions, 0);
  EXPECT_EQ(link.bus->stats().frames, 3);
}

TEST(SerialProtocol, SilentBoardTimesOut) {
  Link link = connect(/*identify=*/false);
  link.board->silent = true;
  auto id = link.bus->identify();
  ASSERT_FALSE(bool(id));
  EXPECT_EQ(message(id.takeError()),
            "board fake: no valid reply to identify after 16 attempts (16 "
            "timeouts, 0 corrupt replies, 0 rejected requests)");
  EXPECT_EQ(link.board->requests.size(), 16u);
  // Each attempt waits --link-timeout plus the line time of the frame, a
  // full buffer (none known yet) and 16 bytes: 24 bytes at 3 Mbaud, 1 ms.
  ASSERT_EQ(link.board->waits.size(), 16u);
  for (int64_t wait : link.board->waits) {
    EXPECT_LE(wait, 500 + 1);
    EXPECT_GE(wait, 500 - 100); // slack for a loaded machine
  }
}

TEST(SerialProtocol, RunWaitsForTheCycleBudget) {
  Link link = connect();
  link.board->silent = true;
  auto result = link.bus->command(1, 3000000);
  ASSERT_FALSE(bool(result));
  EXPECT_EQ(message(result.takeError()),
            "board fake: no valid reply to run after 16 attempts (16 "
            "timeouts, 0 corrupt replies, 0 rejected requests)");
  // 500 ms, four times 3M cycles at 12 MHz, and the line time of a 9-byte
  // frame, the 1024-byte buffer and 16 bytes (1049 bytes: 4 ms).
  ASSERT_EQ(link.board->waits.size(), 16u);
  for (int64_t wait : link.board->waits) {
    EXPECT_LE(wait, 500 + 1000 + 4);
    EXPECT_GE(wait, 1500 - 100);
  }
}

TEST(SerialProtocol, ClosedLine) {
  Link link = connect();
  link.board->gone = true;
  auto value = link.bus->read(wordAddress(0));
  ASSERT_FALSE(bool(value));
  EXPECT_EQ(message(value.takeError()),
            "board fake: the device disappeared (the line was closed)");
}

TEST(SerialProtocol, RefusalIsAnError) {
  Link link = connect();
  auto words = link.bus->readBurst(wordAddress(0), 0, 1);
  ASSERT_FALSE(bool(words));
  EXPECT_EQ(message(words.takeError()),
            "board fake: the board refused read: address out of range");
}

/// Writes `words` words of `slices` slices from word 5 on (value: the
/// slice's index), then flushes the burst with a run.
void writeWords(SerialBus &bus, uint32_t words, uint32_t slices) {
  uint32_t value = 0;
  for (uint32_t w = 0; w < words; ++w)
    for (uint32_t s = 0; s < slices; ++s)
      ASSERT_EQ(message(bus.write(wordAddress(5 + w, s), ++value)), "");
  auto flushed = bus.command(1, 1000);
  ASSERT_TRUE(bool(flushed)) << message(flushed.takeError());
}

/// Every write the host sent starts at slice 0 and carries whole words.
void expectWholeWords(const FakeBoard &board) {
  for (const FakeBoard::Write &w : board.writes()) {
    EXPECT_EQ(w.address & 0xF, 0u);
    EXPECT_EQ(w.words.size() % w.slices, 0u);
  }
}

TEST(SerialProtocol, CoalescedWritesAreOneBurst) {
  Link link = connect();
  writeWords(*link.bus, 12, 3);
  auto writes = link.board->writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].address, wordAddress(5));
  EXPECT_EQ(writes[0].slices, 3u);
  EXPECT_EQ(writes[0].words.size(), 36u);
}

TEST(SerialProtocol, BurstSplitOnRetryCarriesWholeWords) {
  // A burst of 5 three-slice words gets no reply three times (the first
  // copy ran, its reply was lost; the others never arrived): it is sent
  // again in halves of 2 and 3 words, and the 3-word half, failing three
  // times too, in halves of 1 and 2 words.  Every piece is whole words.
  Link link = connect();
  FakeBoard &board = *link.board;
  board.faults = {{1, Fault::DropReply},   {2, Fault::LoseRequest},
                  {3, Fault::LoseRequest}, {5, Fault::LoseRequest},
                  {6, Fault::DropReply},   {7, Fault::LoseRequest}};
  writeWords(*link.bus, 5, 3);
  expectWholeWords(board);
  auto writes = board.writes();
  std::vector<std::pair<uint32_t, size_t>> pieces;
  for (const FakeBoard::Write &w : writes)
    pieces.push_back({w.address, w.words.size()});
  using P = std::pair<uint32_t, size_t>;
  std::vector<P> expected = {
      P(wordAddress(5), 15), P(wordAddress(5), 15), P(wordAddress(5), 15),
      P(wordAddress(5), 6),  P(wordAddress(7), 9),  P(wordAddress(7), 9),
      P(wordAddress(7), 9),  P(wordAddress(7), 3),  P(wordAddress(8), 6)};
  EXPECT_EQ(pieces, expected);
  // Every slice holds its value, whichever copies ran.
  for (uint32_t i = 0; i < 15; ++i)
    EXPECT_EQ(board.memory[bus::advance(wordAddress(5), 3, i)], i + 1);
}

TEST(SerialProtocol, LongReadIsAskedForInPieces) {
  Link link = connect();
  FakeBoard &board = *link.board;
  for (uint32_t i = 0; i < 20; ++i)
    board.memory[bus::advance(wordAddress(0), 2, i)] = 100 + i;
  board.faults = {
      {1, Fault::LoseRequest}, {2, Fault::DropReply}, {3, Fault::CorruptReply}};
  auto words = link.bus->readBurst(wordAddress(0), 2, 20);
  ASSERT_TRUE(bool(words)) << message(words.takeError());
  ASSERT_EQ(words->size(), 20u);
  for (uint32_t i = 0; i < 20; ++i)
    EXPECT_EQ((*words)[i], 100 + i);
  // 20 words three times, then 10 and 10.
  ASSERT_EQ(board.requests.size(), 6u);
  EXPECT_EQ(board.requests[4].payload[5], 10);
  EXPECT_EQ(board.requests[5].payload[5], 10);
}

TEST(SerialProtocol, ResyncAfterGarbage) {
  Link link = connect();
  FakeBoard &board = *link.board;
  board.memory[wordAddress(1)] = 11;
  board.memory[wordAddress(2)] = 22;
  // Stray delimiters and more bytes without one than any frame holds: all
  // dropped without costing a retransmission.
  board.toHost.push_back({0, 0});
  board.toHost.push_back(std::vector<uint8_t>(5000, 0x55));
  auto first = link.bus->read(wordAddress(1));
  ASSERT_TRUE(bool(first)) << message(first.takeError());
  EXPECT_EQ(*first, 11u);
  EXPECT_EQ(link.bus->stats().retransmissions, 0);
  EXPECT_EQ(link.bus->stats().corruptReplies, 0);
  // A garbage frame counts as a corrupt reply and asks again; the real
  // reply behind it answers, and the board's answer to the copy is skipped
  // as stale by the next request.
  board.toHost.push_back({0x13, 0x37, 0x00});
  auto second = link.bus->read(wordAddress(2));
  ASSERT_TRUE(bool(second)) << message(second.takeError());
  EXPECT_EQ(*second, 22u);
  EXPECT_EQ(link.bus->stats().corruptReplies, 1);
  EXPECT_EQ(link.bus->stats().retransmissions, 1);
  auto third = link.bus->read(wordAddress(1));
  ASSERT_TRUE(bool(third)) << message(third.takeError());
  EXPECT_EQ(*third, 11u);
  EXPECT_EQ(link.bus->stats().staleReplies, 1);
}

TEST(SerialProtocol, ResetBoardIsABusResetError) {
  Link link = connect();
  ASSERT_EQ(message(link.bus->resetBoard()), "");
  EXPECT_NE(link.board->session, 0);
  link.board->pressReset();
  auto value = link.bus->read(wordAddress(0));
  ASSERT_FALSE(bool(value));
  llvm::Error err = value.takeError();
  EXPECT_TRUE(err.isA<BusResetError>());
  EXPECT_EQ(message(std::move(err)),
            "board fake: the board was reset (its session is gone)");
  // recover() starts a new session, and the link works again.
  ASSERT_EQ(message(link.bus->recover()), "");
  auto again = link.bus->read(wordAddress(0));
  EXPECT_TRUE(bool(again)) << message(again.takeError());
}

/// Event words of the default core (8-bit coordinates and channels: the
/// value field starts at bit 24) at channel 0, so that {c, y, x} fits 16
/// bits; `value` of each.
std::vector<uint32_t> eventWords(size_t count, uint32_t value) {
  std::vector<uint32_t> words;
  for (size_t i = 0; i < count; ++i)
    words.push_back(value << 24 | uint32_t(i % 28) << 8 | uint32_t(i % 27));
  return words;
}

/// Whether the board's event memory holds `words` from word 0 on.
void expectEvents(FakeBoard &board, const std::vector<uint32_t> &words) {
  for (size_t i = 0; i < words.size(); ++i)
    EXPECT_EQ(board.memory[bus::address(bus::RegionEvent, uint32_t(i))],
              words[i])
        << "event word " << i;
}

TEST(SerialProtocol, EventsGoAsTwoOrThreeBytes) {
  Link link = connect();
  FakeBoard &board = *link.board;
  // Every value 1: 2-byte entries.
  std::vector<uint32_t> ones = eventWords(40, 1);
  ASSERT_EQ(message(link.bus->writeEvents(0, 1, ones)), "");
  expectEvents(board, ones);
  using P = std::pair<uint8_t, size_t>;
  EXPECT_EQ(board.eventWrites(), std::vector<P>{P(LinkEventsOnes, 40)});
  EXPECT_EQ(board.requests.back().payload.size(), 5u + 2 * 40);
  // Values up to 255: 3-byte entries.
  std::vector<uint32_t> valued = eventWords(40, 1);
  valued[7] = 255u << 24 | 3;
  ASSERT_EQ(message(link.bus->writeEvents(0, 1, valued)), "");
  expectEvents(board, valued);
  EXPECT_EQ(board.eventWrites().back(), P(LinkEventsValued, 40));
  EXPECT_EQ(board.requests.back().payload.size(), 5u + 3 * 40);
  EXPECT_TRUE(board.writes().empty());
}

/// An image's events: every address of `pixels` but those where
/// `(i % 5) == 3`, values 1 + i % 200 (some above 127: negative pixels).
std::vector<uint32_t> imageWords(size_t pixels, size_t from = 0) {
  std::vector<uint32_t> words;
  for (size_t i = from; i < from + pixels; ++i)
    if (i % 5 != 3)
      words.push_back(uint32_t(1 + i % 200) << 24 | uint32_t(i));
  return words;
}

/// A link to a board whose event memory has `depth` words (Identify
/// reports it).
Link linkWithEvents(int64_t depth, uint32_t version = LinkVersion) {
  Link link = connect(/*identify=*/false, version);
  link.board->core.eventDepth = depth;
  auto id = link.bus->identify();
  EXPECT_TRUE(bool(id)) << llvm::toString(id.takeError());
  return link;
}

TEST(SerialProtocol, DenseInputsGoAsAByteAnAddress) {
  Link link = linkWithEvents(1024);
  FakeBoard &board = *link.board;
  // 784 pixels from address 16 on, 628 of them events: 786 entry bytes
  // (the first address, a byte an address) instead of 1,884.
  std::vector<uint32_t> image = imageWords(784, 16);
  ASSERT_EQ(message(link.bus->writeEvents(0, 1, image)), "");
  expectEvents(board, image);
  size_t bytes = 0;
  for (const FakeBoard::Request &r : board.requests)
    if (r.cmd == LinkCmdWriteEvents) {
      EXPECT_EQ(r.payload[4], LinkEventsDense);
      EXPECT_LE(LinkRequestHeader + r.payload.size() + LinkCrcBytes, 1024u);
      bytes += r.payload.size() - 7;
    }
  EXPECT_EQ(bytes, 784u); // first and last pixels are events
  // A sparse input keeps its entries; so does a version-3 board.
  std::vector<uint32_t> sparse = {1u << 24 | 5, 1u << 24 | 900};
  ASSERT_EQ(message(link.bus->writeEvents(0, 1, sparse)), "");
  EXPECT_EQ(board.eventWrites().back().first, LinkEventsOnes);
  Link old = linkWithEvents(1024, /*version=*/3);
  ASSERT_EQ(message(old.bus->writeEvents(0, 1, image)), "");
  expectEvents(*old.board, image);
  for (auto [mode, entries] : old.board->eventWrites())
    EXPECT_EQ(mode, LinkEventsValued);
  // A dense frame lost on the line is sent again in halves, whole words.
  Link noisy = linkWithEvents(1024);
  noisy.board->faults = {{1, Fault::LoseRequest},
                         {2, Fault::LoseRequest},
                         {3, Fault::LoseRequest}};
  ASSERT_EQ(message(noisy.bus->writeEvents(0, 1, image)), "");
  expectEvents(*noisy.board, image);
  // A core whose address part is narrower than 16 bits (5-bit coordinates,
  // 4-bit channels: the value starts at bit 14, inside an entry's 16 bits):
  // a 28 x 28 image's addresses run over rows of 32.
  Link narrow = connect(/*identify=*/false);
  narrow.board->core.coordBits = 5;
  narrow.board->core.chanBits = 4;
  narrow.board->core.eventDepth = 1024;
  ASSERT_TRUE(bool(narrow.bus->identify()));
  std::vector<uint32_t> pixels;
  for (uint32_t y = 0; y < 28; ++y)
    for (uint32_t x = 0; x < 28; ++x)
      pixels.push_back((1 + (y * 28 + x) % 250) << 14 | y << 5 | x);
  ASSERT_EQ(message(narrow.bus->writeEvents(0, 1, pixels)), "");
  expectEvents(*narrow.board, pixels);
  size_t span = 0;
  for (const FakeBoard::Request &r : narrow.board->requests)
    if (r.cmd == LinkCmdWriteEvents) {
      EXPECT_EQ(r.payload[4], LinkEventsDense);
      span += r.payload.size() - 7;
    }
  EXPECT_EQ(span, 27u * 32 + 28);
  // Where the span would pass the event memory's end (the bridge counts a
  // dense entry as a word), frames stop short of it: a 700-word memory
  // holds the 628 events but not the 784-byte span from word 0.
  Link tight = linkWithEvents(700);
  ASSERT_EQ(message(tight.bus->writeEvents(0, 1, image)), "");
  expectEvents(*tight.board, image);
  EXPECT_GT(tight.board->eventWrites().size(), 1u);
}

TEST(SerialProtocol, EventsThatDoNotFitGoAsWholeWords) {
  // Channel 1 puts an address bit above bit 15; a two-slice event word has
  // no compact form at all.
  for (bool wide : {false, true}) {
    Link link = connect();
    FakeBoard &board = *link.board;
    std::vector<uint32_t> words = eventWords(10, 1);
    if (!wide)
      words[4] |= 1u << 16;
    ASSERT_EQ(message(link.bus->writeEvents(0, wide ? 2 : 1, words)), "");
    auto flushed = link.bus->command(1, 1000);
    ASSERT_TRUE(bool(flushed)) << message(flushed.takeError());
    EXPECT_TRUE(board.eventWrites().empty());
    ASSERT_EQ(board.writes().size(), 1u);
    EXPECT_EQ(board.writes()[0].words, words);
    EXPECT_EQ(board.writes()[0].slices, wide ? 2u : 1u);
  }
}

TEST(SerialProtocol, VersionTwoBoardGetsWholeWords) {
  Link link = connect(/*identify=*/true, /*version=*/2);
  FakeBoard &board = *link.board;
  EXPECT_EQ(link.bus->identity().version, 2u);
  std::vector<uint32_t> ones = eventWords(20, 1);
  ASSERT_EQ(message(link.bus->writeEvents(0, 1, ones)), "");
  auto flushed = link.bus->command(1, 1000);
  ASSERT_TRUE(bool(flushed)) << message(flushed.takeError());
  expectEvents(board, ones);
  EXPECT_TRUE(board.eventWrites().empty());
  EXPECT_EQ(board.writes().size(), 1u);
  // Neither an older nor a newer protocol than the host knows.
  for (uint32_t version : {LinkMinVersion - 1, LinkVersion + 1}) {
    Link other = connect(/*identify=*/false, version);
    auto id = other.bus->identify();
    ASSERT_FALSE(bool(id));
    EXPECT_EQ(message(id.takeError()),
              "board fake: the board speaks host-link version " +
                  std::to_string(version) +
                  "; this snnc speaks versions 2 to 4");
  }
}

TEST(SerialProtocol, EventFramesFitTheBoardsBuffer) {
  Link link = connect();
  FakeBoard &board = *link.board;
  board.core.eventDepth = 4096;
  std::vector<uint32_t> words = eventWords(1500, 1);
  words[1000] = 9u << 24;
  ASSERT_EQ(message(link.bus->writeEvents(0, 1, words)), "");
  expectEvents(board, words);
  size_t entries = 0;
  for (const FakeBoard::Request &r : board.requests)
    if (r.cmd == LinkCmdWriteEvents) {
      EXPECT_LE(LinkRequestHeader + r.payload.size() + LinkCrcBytes, 1024u);
      EXPECT_EQ(r.payload[4], LinkEventsValued);
      entries += (r.payload.size() - 5) / 3;
    }
  EXPECT_EQ(entries, 1500u);
  EXPECT_EQ(board.eventWrites().size(), 5u); // 337 entries a frame at most
}

TEST(SerialProtocol, EventFrameRetriesAndSplits) {
  // The first frame's reply is lost (the copy is answered from the cache),
  // then a frame gets no reply three times and is sent again in halves.
  Link link = connect();
  FakeBoard &board = *link.board;
  board.faults = {{1, Fault::DropReply},
                  {3, Fault::LoseRequest},
                  {4, Fault::DropReply},
                  {5, Fault::LoseRequest}};
  std::vector<uint32_t> first = eventWords(30, 1), second = eventWords(30, 2);
  ASSERT_EQ(message(link.bus->writeEvents(0, 1, first)), "");
  EXPECT_EQ(board.executed, 2); // identify, and the frame once
  ASSERT_EQ(message(link.bus->writeEvents(0, 1, second)), "");
  expectEvents(board, second);
  using P = std::pair<uint8_t, size_t>;
  std::vector<P> frames = {P(0, 30), P(0, 30), P(1, 30), P(1, 30),
                           P(1, 30), P(1, 15), P(1, 15)};
  EXPECT_EQ(board.eventWrites(), frames);
}

TEST(SerialProtocol, FakeBoardRefusesEventsLikeTheBridge) {
  Link link = connect();
  FakeBoard &board = *link.board;
  auto status = [&](std::vector<uint8_t> payload) {
    board.toHost.clear();
    EXPECT_EQ(message(board.write(
                  encodeRequest(200, LinkCmdWriteEvents, payload), 0)),
              "");
    auto reply =
        decodeReply(llvm::ArrayRef<uint8_t>(board.toHost.back()).drop_back());
    return reply ? int(reply->status) : -1;
  };
  auto events = [](uint32_t address, uint8_t mode, size_t bytes) {
    std::vector<uint8_t> p;
    putU32(p, address);
    p.push_back(mode);
    p.resize(p.size() + bytes, 1);
    return p;
  };
  uint32_t base = bus::address(bus::RegionEvent, 0);
  EXPECT_EQ(status(events(base, 0, 1)), int(LinkBadLength));
  EXPECT_EQ(status(events(base, 1, 4)), int(LinkBadLength));
  EXPECT_EQ(status(events(base, 3, 2)), int(LinkBadCommand));
  // Dense: the first address and at least one entry; every entry is
  // checked as a word (an upper bound: 63 + 2 entries pass word 63).
  EXPECT_EQ(status(events(base, 2, 2)), int(LinkBadLength));
  EXPECT_EQ(status(events(bus::address(bus::RegionEvent, 63), 2, 4)),
            int(LinkBadAddress));
  EXPECT_EQ(status(events(bus::address(3, 0), 0, 2)), int(LinkBadAddress));
  EXPECT_EQ(status(events(base | 1, 0, 2)), int(LinkBadAddress));
  // Word 63 is the last of the default 64-word event memory.
  EXPECT_EQ(status(events(bus::address(bus::RegionEvent, 63), 0, 4)),
            int(LinkBadAddress));
  EXPECT_TRUE(board.memory.empty());
  EXPECT_EQ(status(events(bus::address(bus::RegionEvent, 63), 0, 2)),
            int(LinkOk));
  EXPECT_EQ(board.memory[bus::address(bus::RegionEvent, 63)], 0x1000101u);
}

} // namespace
