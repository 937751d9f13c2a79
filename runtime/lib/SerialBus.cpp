//===- SerialBus.cpp - the core's host bus over a serial line -------------===//
#include "snnc/Runtime/SerialBus.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/Support/FormatVariadic.h"

#include <cstdio>
#include <cstdlib>
#include <random>

using namespace snnc;
using namespace snnc::link;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;

namespace {
int64_t nowMs() { return SerialPort::nowMs(); }

/// Bursts are never split below this many words.
constexpr uint32_t kMinBurst = 8;

/// No wait on the line is longer than a day: deadlines are sums of
/// milliseconds, and a timeout near INT64_MAX would overflow them.
constexpr int64_t kMaxWaitMs = int64_t(24) * 3600 * 1000;

/// The first host-link versions with WriteEvents, and with its dense mode.
constexpr uint32_t kEventsVersion = 3;
constexpr uint32_t kDenseVersion = 4;

/// The value field of an event word whose address part {c, y, x} is
/// `addressBits` wide (none above 32 bits in a one-slice word).
uint64_t eventValue(uint32_t word, int64_t addressBits) {
  return addressBits < 32 ? word >> addressBits : 0;
}

/// The 16 bits a WriteEvents entry carries: the address part {c, y, x},
/// and the value's low bits where the address part is narrower.
uint32_t entryBits(uint32_t word) { return word & 0xFFFF; }

/// The address part {c, y, x} of an event word.
uint32_t eventAddress(uint32_t word, int64_t addressBits) {
  return addressBits < 32 ? word & ((uint32_t(1) << addressBits) - 1) : word;
}

/// Entry bytes of a dense WriteEvents frame for `words` (addresses
/// increasing): a byte an address from the first word's to the last's.
size_t denseSpan(llvm::ArrayRef<uint32_t> words, int64_t addressBits) {
  return size_t(eventAddress(words.back(), addressBits) -
                eventAddress(words.front(), addressBits)) +
         1;
}

/// Entry bytes of `count` words in a WriteEvents mode (dense: `span`).
size_t entryBytes(uint8_t mode, size_t count, size_t span) {
  if (mode == LinkEventsDense)
    return span;
  return count * (mode == LinkEventsOnes ? 2 : 3);
}

} // namespace

llvm::json::Value LinkStats::toJson() const {
  return llvm::json::Object{{"requests", requests},
                            {"frames", frames},
                            {"retransmissions", retransmissions},
                            {"timeouts", timeouts},
                            {"corrupt_replies", corruptReplies},
                            {"rejected_requests", rejectedRequests},
                            {"stale_replies", staleReplies},
                            {"bytes_sent", bytesSent},
                            {"bytes_received", bytesReceived},
                            {"seconds", seconds}};
}

SerialBus::SerialBus(std::unique_ptr<SerialPort> port, LinkOptions options)
    : port(std::move(port)), options(std::move(options)) {}

SerialBus::~SerialBus() = default;

Error SerialBus::linkError(const llvm::Twine &what) const {
  return makeError<DeviceError>("board " + options.device + ": " + what);
}

int64_t SerialBus::lineMs(size_t bytes) const {
  return int64_t(bytes) * 10 * 1000 / std::max<int64_t>(1, options.baud) + 1;
}

Expected<std::unique_ptr<SerialBus>>
SerialBus::open(const LinkOptions &options) {
  auto fail = [&](const llvm::Twine &what) {
    return makeError<DeviceError>("board " + options.device + ": " + what);
  };
  if (options.device.empty())
    return fail("no serial device given (--device PATH)");
  if (!FdSerialPort::supportsBaud(options.baud))
    return fail(formatv("unsupported baud rate {0}", options.baud));
  if (options.timeoutMs < 1 || options.attempts < 1)
    return fail("the timeout and the attempts must be positive");
  if (options.timeoutMs > kMaxWaitMs)
    return fail(formatv("a link timeout of {0} ms is longer than a day",
                        options.timeoutMs));
  auto port = FdSerialPort::open(options.device, options.baud);
  if (!port)
    return fail(llvm::toString(port.takeError()));
  return std::make_unique<SerialBus>(std::move(*port), options);
}

Error SerialBus::sendBytes(llvm::ArrayRef<uint8_t> bytes) {
  if (Error err = port->write(bytes, options.timeoutMs))
    return linkError(llvm::toString(std::move(err)));
  linkStats.bytesSent += int64_t(bytes.size());
  return Error::success();
}

SerialBus::Receive SerialBus::receiveFrame(std::vector<uint8_t> &frame,
                                           int64_t deadlineMs) {
  for (;;) {
    auto end = std::find(pending.begin(), pending.end(), uint8_t(0));
    if (end != pending.end()) {
      frame.assign(pending.begin(), end);
      pending.erase(pending.begin(), end + 1);
      if (frame.empty())
        continue; // a stray delimiter
      return Receive::Frame;
    }
    // Garbage without a delimiter cannot be a reply: drop it.
    if (pending.size() >
        4 * size_t(std::max<uint32_t>(board.bufferBytes, 1024)))
      pending.clear();
    size_t had = pending.size();
    switch (port->read(pending, deadlineMs)) {
    case SerialPort::ReadStatus::Timeout:
      return Receive::Timeout;
    case SerialPort::ReadStatus::Gone:
      return Receive::Gone;
    case SerialPort::ReadStatus::Data:
      linkStats.bytesReceived += int64_t(pending.size() - had);
      break;
    }
  }
}

Expected<std::vector<uint8_t>>
SerialBus::transact(uint8_t cmd, llvm::ArrayRef<uint8_t> payload,
                    int64_t extraMs, int64_t attempts) {
  int64_t started = nowMs();
  ++linkStats.requests;
  uint8_t seq = nextSeq++;
  std::vector<uint8_t> wire = encodeRequest(seq, cmd, payload);
  int64_t timeouts = 0, corrupt = 0, rejected = 0;
  if (attempts <= 0)
    attempts = options.attempts;
  lastNoReply = false;
  for (int64_t attempt = 0; attempt < attempts; ++attempt) {
    if (attempt)
      ++linkStats.retransmissions;
    ++linkStats.frames;
    if (Error err = sendBytes(wire))
      return std::move(err);
    int64_t deadline = nowMs() + options.timeoutMs +
                       std::min(extraMs, kMaxWaitMs) +
                       lineMs(wire.size() + board.bufferBytes + 16);
    for (;;) {
      std::vector<uint8_t> frame;
      Receive got = receiveFrame(frame, deadline);
      if (got == Receive::Gone)
        return linkError("the device disappeared (the line was closed)");
      if (got == Receive::Timeout) {
        if (std::getenv("SNNC_LINK_TRACE"))
          std::fprintf(stderr, "timeout: %s seq %d\n", commandName(cmd).c_str(),
                       int(seq));
        ++linkStats.timeouts;
        ++timeouts;
        break;
      }
      std::optional<Reply> reply = decodeReply(frame);
      if (!reply && std::getenv("SNNC_LINK_TRACE")) {
        std::string hex;
        for (uint8_t b : frame)
          hex += formatv("{0:x-2} ", b).str();
        std::fprintf(stderr, "corrupt reply: %s\n", hex.c_str());
      }
      if (!reply) {
        // Corrupted on the way back: ask again; the board answers a
        // repeated request from its reply cache.
        ++linkStats.corruptReplies;
        ++corrupt;
        break;
      }
      if (reply->seq != seq || reply->cmd != cmd) {
        ++linkStats.staleReplies; // an answer to an earlier attempt
        continue;
      }
      if (reply->status == LinkBadCrc || reply->status == LinkOverrun) {
        ++linkStats.rejectedRequests;
        ++rejected;
        break;
      }
      if (reply->status != LinkOk)
        return linkError(formatv("the board refused {0}: {1}", commandName(cmd),
                                 statusName(reply->status)));
      if (session && reply->session != session)
        return llvm::make_error<BusResetError>(
            "board " + options.device +
            ": the board was reset (its session is gone)");
      lastAttempts = attempt + 1;
      linkStats.seconds += double(nowMs() - started) / 1000.0;
      return std::move(reply->payload);
    }
  }
  lastNoReply = true;
  return linkError(formatv("no valid reply to {0} after {1} attempts ({2} "
                           "timeouts, {3} corrupt replies, {4} rejected "
                           "requests)",
                           commandName(cmd), attempts, timeouts, corrupt,
                           rejected));
}

Expected<BoardIdentity> SerialBus::identify() {
  auto payload = transact(LinkCmdIdentify, {});
  if (!payload)
    return payload.takeError();
  size_t words = payload->size() / 4;
  if (payload->size() % 4 || words < LinkIdentFixed ||
      getU32(payload->data()) != LinkMagic)
    return linkError("the device does not speak the snnc host link");
  std::vector<int64_t> values;
  for (size_t i = 0; i < words; ++i)
    values.push_back(getU32(payload->data() + 4 * i));
  BoardIdentity id;
  id.version = uint32_t(values[1]);
  id.clockHz = uint32_t(values[2]);
  id.clocksPerBit = uint32_t(values[3]);
  id.bufferBytes = uint32_t(values[4]);
  // A version-2 board gets whole words only (no WriteEvents).
  if (id.version < LinkMinVersion || id.version > LinkVersion)
    return linkError(formatv("the board speaks host-link version {0}; this "
                             "snnc speaks versions {1} to {2}",
                             id.version, LinkMinVersion, LinkVersion));
  if (id.clocksPerBit && options.baud != int64_t(id.clockHz / id.clocksPerBit))
    return linkError(formatv("the board's link runs at {0} baud, not {1} "
                             "(--baud)",
                             id.clockHz / id.clocksPerBit, options.baud));
  auto core = CoreParams::fromValues(
      llvm::ArrayRef<int64_t>(values).drop_front(LinkIdentFixed));
  if (!core)
    return linkError("the board's core parameters are invalid: " +
                     llvm::toString(core.takeError()));
  id.core = *core;
  board = id;
  // Bursts fill the board's buffers: a write request (header, address,
  // slices, words, CRC) and a read reply (header, words, CRC).
  uint32_t writeWords =
      (id.bufferBytes - LinkRequestHeader - 5 - LinkCrcBytes) / 4;
  uint32_t readWords = (id.bufferBytes - LinkReplyHeader - LinkCrcBytes) / 4;
  maxBurstWords = std::min(writeWords, readWords);
  // A write carries whole words, and the widest word has 16 slices.
  if (id.bufferBytes < 64 || maxBurstWords < 16)
    return linkError(formatv("the board's link buffer ({0} bytes) cannot "
                             "hold one 16-slice word",
                             id.bufferBytes));
  burstLimit = maxBurstWords;
  return id;
}

Error SerialBus::resetBoard() {
  session = 0;
  if (auto reset = transact(LinkCmdReset, {}); !reset)
    return reset.takeError();
  std::random_device entropy;
  uint16_t fresh = 0;
  while (fresh == 0)
    fresh = uint16_t(entropy());
  std::vector<uint8_t> payload;
  putU16(payload, fresh);
  if (auto set = transact(LinkCmdSession, payload); !set)
    return set.takeError();
  session = fresh;
  return Error::success();
}

Error SerialBus::recover() {
  burst.clear();
  pending.clear();
  return resetBoard();
}

Error SerialBus::flushWrites() {
  if (burst.empty())
    return Error::success();
  std::vector<uint32_t> words = std::move(burst);
  burst.clear();
  // A burst of one word states its own length as the word's slices.
  uint32_t slices = burstSlices ? burstSlices : uint32_t(words.size());
  return sendWrite(burstStart, slices, words);
}

Error SerialBus::sendWrite(uint32_t address, uint32_t slices,
                           llvm::ArrayRef<uint32_t> words) {
  std::vector<uint8_t> payload;
  putU32(payload, address);
  payload.push_back(uint8_t(slices));
  for (uint32_t word : words)
    putU32(payload, word);
  // A long frame that does not get through is sent again in halves, split
  // between words: a request of whole words is idempotent, so whether the
  // lost one ran does not matter (docs/host-link.md).
  size_t wholeWords = words.size() / slices;
  auto sent = sendOrSplit(LinkCmdWrite, payload,
                          wholeWords > 1 && words.size() > kMinBurst);
  if (!sent)
    return sent.takeError();
  if (*sent)
    return Error::success();
  size_t half = (wholeWords / 2) * slices;
  burstLimit = std::max<uint32_t>(kMinBurst, uint32_t(half));
  if (Error err = sendWrite(address, slices, words.take_front(half)))
    return err;
  return sendWrite(bus::advance(address, slices, uint32_t(half)), slices,
                   words.drop_front(half));
}

Expected<bool> SerialBus::sendOrSplit(uint8_t cmd,
                                      llvm::ArrayRef<uint8_t> payload,
                                      bool splittable) {
  auto reply = transact(cmd, payload, 0, splittable ? 3 : 0);
  if (reply) {
    adaptBurst();
    return true;
  }
  if (!splittable || !lastNoReply)
    return reply.takeError();
  llvm::consumeError(reply.takeError());
  return false;
}

void SerialBus::adaptBurst() {
  // Long frames rarely survive a noisy line: halve them after a
  // retransmission, grow back while the line is clean.
  if (lastAttempts > 1)
    burstLimit = std::max<uint32_t>(kMinBurst, burstLimit / 2);
  else
    burstLimit = std::min(maxBurstWords, burstLimit + 8);
}

Error SerialBus::write(uint32_t address, uint32_t data) {
  uint32_t slice = address & 0xF;
  if (!burst.empty()) {
    uint32_t last = burstNext;
    uint32_t region = last >> 24, word = (last >> 4) & 0xFFFFF,
             lastSlice = last & 0xF;
    // Slices come in order, a word at a time (CoreBus::write).
    bool sameWord = address == bus::address(region, word, lastSlice + 1) &&
                    lastSlice + 1 < 16 &&
                    (burstSlices == 0 || lastSlice + 1 < burstSlices);
    if (sameWord) {
      burst.push_back(data);
      burstNext = address;
      return Error::success();
    }
    // A burst ends only where a word does: the next write starts a word.
    uint32_t wordSlices = burstSlices ? burstSlices : lastSlice + 1;
    bool nextWord = address == bus::address(region, word + 1, 0) &&
                    lastSlice + 1 == wordSlices &&
                    burst.size() + wordSlices <= burstLimit;
    if (nextWord) {
      burstSlices = wordSlices;
      burst.push_back(data);
      burstNext = address;
      return Error::success();
    }
    if (Error err = flushWrites())
      return err;
  }
  if (slice != 0)
    return linkError(formatv("a write to slice {0} of a word whose earlier "
                             "slices were not written (address {1:x})",
                             slice, address));
  burstStart = burstNext = address;
  burstSlices = 0;
  burst.push_back(data);
  return Error::success();
}

std::optional<uint8_t>
SerialBus::eventsMode(uint32_t slices, llvm::ArrayRef<uint32_t> words) const {
  if (board.version < kEventsVersion || slices != 1 || words.empty())
    return std::nullopt;
  // The bridge builds each word as (value << addressBits) | entry's 16
  // bits: send only words it rebuilds exactly.
  int64_t addressBits = board.core.eventAddressBits();
  bool ones = true;
  // Dense frames need addresses that increase and no value 0 (a dense
  // entry of 0 is no event).
  bool increasing = board.version >= kDenseVersion;
  for (size_t i = 0; i < words.size(); ++i) {
    uint64_t value = eventValue(words[i], addressBits);
    if (value > 0xFF ||
        uint32_t(value << addressBits | entryBits(words[i])) != words[i])
      return std::nullopt;
    ones = ones && value == 1;
    uint32_t address = eventAddress(words[i], addressBits);
    increasing = increasing && value != 0 && address <= 0xFFFF &&
                 (i == 0 || address > eventAddress(words[i - 1], addressBits));
  }
  uint8_t mode = ones ? LinkEventsOnes : LinkEventsValued;
  // A dense input (an image's pixels) costs a byte an address instead of
  // 3 an event; a sparse one (spikes) keeps its entries.
  if (increasing &&
      denseSpan(words, addressBits) + 2 < entryBytes(mode, words.size(), 0))
    return uint8_t(LinkEventsDense);
  return mode;
}

Error SerialBus::writeEvents(uint32_t firstWord, uint32_t slices,
                             llvm::ArrayRef<uint32_t> words) {
  std::optional<uint8_t> mode = eventsMode(slices, words);
  if (!mode)
    return CoreBus::writeEvents(firstWord, slices, words);
  if (Error err = flushWrites())
    return err;
  int64_t addressBits = board.core.eventAddressBits();
  size_t header = *mode == LinkEventsDense ? 7 : 5; // addr, mode, first
  size_t fit = board.bufferBytes - LinkRequestHeader - header - LinkCrcBytes;
  while (!words.empty()) {
    // A frame of about the bytes of a whole-word burst at the current
    // limit, which shrinks on a noisy line.
    size_t bytes = std::min(fit, size_t(burstLimit) * 4);
    // The bridge checks a dense frame as if every entry were a word.
    if (*mode == LinkEventsDense)
      bytes = std::min<size_t>(
          bytes, size_t(std::max<int64_t>(1, board.core.eventDepth -
                                                 int64_t(firstWord))));
    size_t n = 1;
    while (n < words.size() &&
           entryBytes(*mode, n + 1,
                      denseSpan(words.take_front(n + 1), addressBits)) <= bytes)
      ++n;
    if (Error err = sendEvents(firstWord, *mode, words.take_front(n)))
      return err;
    firstWord += uint32_t(n);
    words = words.drop_front(n);
  }
  return Error::success();
}

Error SerialBus::sendEvents(uint32_t firstWord, uint8_t mode,
                            llvm::ArrayRef<uint32_t> words) {
  std::vector<uint8_t> payload;
  putU32(payload, bus::address(bus::RegionEvent, firstWord));
  payload.push_back(mode);
  int64_t addressBits = board.core.eventAddressBits();
  if (mode == LinkEventsDense) {
    // The first address, then a byte an address: the value, 0 between.
    uint32_t start = eventAddress(words.front(), addressBits);
    putU16(payload, uint16_t(start));
    size_t first = payload.size();
    payload.resize(first + denseSpan(words, addressBits), 0);
    for (uint32_t word : words)
      payload[first + eventAddress(word, addressBits) - start] =
          uint8_t(eventValue(word, addressBits));
  } else {
    for (uint32_t word : words) {
      if (mode == LinkEventsValued)
        payload.push_back(uint8_t(eventValue(word, addressBits)));
      putU16(payload, uint16_t(word));
    }
  }
  // Whole event words, so idempotent: a frame that does not get through
  // is sent again in halves, like a burst (sendWrite).
  auto sent =
      sendOrSplit(LinkCmdWriteEvents, payload, words.size() > kMinBurst);
  if (!sent)
    return sent.takeError();
  if (*sent)
    return Error::success();
  size_t half = words.size() / 2;
  burstLimit = std::max<uint32_t>(
      kMinBurst,
      uint32_t(entryBytes(mode, half,
                          denseSpan(words.take_front(half), addressBits)) /
               4));
  if (Error err = sendEvents(firstWord, mode, words.take_front(half)))
    return err;
  return sendEvents(firstWord + uint32_t(half), mode, words.drop_front(half));
}

Expected<std::vector<uint32_t>>
SerialBus::readBurst(uint32_t address, uint32_t slices, uint32_t count) {
  if (Error err = flushWrites())
    return std::move(err);
  std::vector<uint32_t> words;
  while (count > 0) {
    uint32_t n = std::min(count, std::max<uint32_t>(1, burstLimit));
    std::vector<uint8_t> payload;
    putU32(payload, address);
    payload.push_back(uint8_t(slices));
    putU16(payload, uint16_t(n));
    // Like writes, a long read that does not get through is asked for in
    // smaller pieces.
    bool splittable = n > kMinBurst;
    auto reply = transact(LinkCmdRead, payload, 0, splittable ? 3 : 0);
    if (!reply && splittable && lastNoReply) {
      llvm::consumeError(reply.takeError());
      burstLimit = std::max<uint32_t>(kMinBurst, n / 2);
      continue;
    }
    if (!reply)
      return reply.takeError();
    if (reply->size() != 4 * size_t(n))
      return linkError(
          formatv("read returned {0} bytes, not {1}", reply->size(), 4 * n));
    for (uint32_t i = 0; i < n; ++i)
      words.push_back(getU32(reply->data() + 4 * i));
    adaptBurst();
    address = bus::advance(address, slices, n);
    count -= n;
  }
  return words;
}

Expected<uint32_t> SerialBus::read(uint32_t address) {
  auto words = readBurst(address, 16, 1);
  if (!words)
    return words.takeError();
  return words->front();
}

Expected<CommandResult> SerialBus::command(uint32_t command,
                                           uint64_t cycleBudget) {
  if (Error err = flushWrites())
    return std::move(err);
  // The reply comes when the core is idle again: allow the budget's time
  // at the board's clock, four times over (simulated boards are slower).
  int64_t runMs =
      board.clockHz
          ? int64_t(std::min(4000.0 * double(cycleBudget) / board.clockHz,
                             double(kMaxWaitMs)))
          : 0;
  auto reply = transact(LinkCmdRun, {uint8_t(command)}, runMs);
  if (!reply)
    return reply.takeError();
  if (reply->size() != 12)
    return linkError(formatv("run returned {0} bytes, not 12", reply->size()));
  CommandResult result;
  result.cycles = uint64_t(getU32(reply->data())) |
                  uint64_t(getU32(reply->data() + 4)) << 32;
  result.spikeCount = getU32(reply->data() + 8);
  if (result.cycles > cycleBudget)
    return linkError(formatv("the core ran past the cycle budget of {0} "
                             "cycles ({1})",
                             cycleBudget, result.cycles));
  return result;
}

Expected<std::unique_ptr<CoreEngine>>
snnc::createBoardEngine(CoreNetwork network, const LinkOptions &options) {
  auto bus = SerialBus::open(options);
  if (!bus)
    return bus.takeError();
  auto id = (*bus)->identify();
  if (!id)
    return id.takeError();
  auto image = buildCoreImage(network, id->core);
  if (!image)
    return makeError<DeviceError>("board " + options.device +
                                  ": its core cannot run this network: " +
                                  llvm::toString(image.takeError()));
  if (Error err = (*bus)->resetBoard())
    return std::move(err);
  return CoreEngine::create(std::move(network), std::move(*image),
                            std::move(*bus));
}
