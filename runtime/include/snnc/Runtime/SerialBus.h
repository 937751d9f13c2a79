//===- SerialBus.h - the core's host bus over a serial line ----*- C++ -*-===//
//
// A CoreBus to a board (or `snnc board-sim`) through the serial host link
// of hw/rtl/snn_link.sv (docs/host-link.md): framed requests with
// timeouts, bounded retransmission under the same sequence number (the
// board answers a repeat from its reply cache), resynchronisation after
// garbage, and write bursts coalesced from consecutive bus writes.  Every
// failure is one error naming the device; no partial result is returned.
// The line itself is a SerialPort (SerialPort.h): a tty for open(), any
// port for the constructor (unit tests pass a fake board).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_SERIALBUS_H
#define SNNC_RUNTIME_SERIALBUS_H

#include "snnc/Runtime/CoreEngine.h"
#include "snnc/Runtime/HostLink.h"
#include "snnc/Runtime/SerialPort.h"

#include <memory>
#include <optional>
#include <string>

namespace snnc {

struct LinkOptions {
  std::string device;      // e.g. /dev/ttyUSB1, or board-sim's pty
  int64_t baud = 3000000;  // any rate termios and the bridge agree on
  int64_t timeoutMs = 500; // per attempt, on top of the line time
  int64_t attempts = 16;   // transmissions of one request at most
};

/// What the link did, all requests together.
struct LinkStats {
  int64_t requests = 0, frames = 0, retransmissions = 0, timeouts = 0;
  int64_t corruptReplies = 0, rejectedRequests = 0, staleReplies = 0;
  int64_t bytesSent = 0, bytesReceived = 0;
  double seconds = 0; // wall time spent in requests
  llvm::json::Value toJson() const;
};

/// What Identify reports.
struct BoardIdentity {
  uint32_t version = 0, clockHz = 0, clocksPerBit = 0, bufferBytes = 0;
  CoreParams core;
};

class SerialBus : public CoreBus {
public:
  /// Opens and configures the device (raw mode, `baud`).
  static llvm::Expected<std::unique_ptr<SerialBus>>
  open(const LinkOptions &options);
  /// Speaks the protocol over `port`; `options.device` names it in errors
  /// and its baud gives the line time.  The options are taken as they are
  /// (open() checks them).
  SerialBus(std::unique_ptr<SerialPort> port, LinkOptions options);
  ~SerialBus() override;

  /// Asks the board who it is; refuses a protocol version it cannot speak
  /// (LinkMinVersion to LinkVersion).
  llvm::Expected<BoardIdentity> identify();
  /// Resets the board's core and starts a new session: from now on a reply
  /// from a board that was reset (its session cleared) is a BusResetError.
  llvm::Error resetBoard();

  llvm::Error write(uint32_t address, uint32_t data) override;
  /// With a version-3 board, in WriteEvents frames of 2 or 3 bytes an event
  /// where every word fits one mode; with a version-4 board, in dense
  /// frames of a byte an address where that is shorter (an image's
  /// pixels); else whole words.
  llvm::Error writeEvents(uint32_t firstWord, uint32_t slices,
                          llvm::ArrayRef<uint32_t> words) override;
  llvm::Expected<uint32_t> read(uint32_t address) override;
  llvm::Expected<std::vector<uint32_t>>
  readBurst(uint32_t address, uint32_t slices, uint32_t count) override;
  llvm::Expected<CommandResult> command(uint32_t command,
                                        uint64_t cycleBudget) override;
  llvm::Error recover() override;
  llvm::json::Value statsJson() const override { return linkStats.toJson(); }
  const LinkStats *linkCounters() const override { return &linkStats; }
  /// A board reports how many spikes each step had, not which.
  bool seesSpikes() const override { return false; }
  llvm::StringRef engineName() const override { return "board engine"; }

  const LinkStats &stats() const { return linkStats; }
  const BoardIdentity &identity() const { return board; }

private:
  /// Sends one request and returns its reply's payload, retransmitting as
  /// needed (`attempts` transmissions at most; 0: the options').
  llvm::Expected<std::vector<uint8_t>> transact(uint8_t cmd,
                                                llvm::ArrayRef<uint8_t> payload,
                                                int64_t extraMs = 0,
                                                int64_t attempts = 0);
  /// Sends one idempotent request of whole words: true when it got
  /// through, false when it got no reply and `splittable` (the caller then
  /// sends it again in halves); any other failure is the error.
  llvm::Expected<bool> sendOrSplit(uint8_t cmd, llvm::ArrayRef<uint8_t> payload,
                                   bool splittable);
  llvm::Error sendWrite(uint32_t address, uint32_t slices,
                        llvm::ArrayRef<uint32_t> words);
  /// The WriteEvents mode every word fits (LinkEventsOnes, then
  /// LinkEventsValued; LinkEventsDense where addresses increase and that
  /// is shorter), or none: the board is older or a word does not fit.
  std::optional<uint8_t> eventsMode(uint32_t slices,
                                    llvm::ArrayRef<uint32_t> words) const;
  llvm::Error sendEvents(uint32_t firstWord, uint8_t mode,
                         llvm::ArrayRef<uint32_t> words);
  /// Reads bytes until a whole frame (up to its 0x00) or the deadline.
  enum class Receive { Frame, Timeout, Gone };
  Receive receiveFrame(std::vector<uint8_t> &frame, int64_t deadlineMs);
  llvm::Error sendBytes(llvm::ArrayRef<uint8_t> bytes);
  llvm::Error flushWrites();
  void adaptBurst();
  llvm::Error linkError(const llvm::Twine &what) const;
  int64_t lineMs(size_t bytes) const;

  std::unique_ptr<SerialPort> port;
  LinkOptions options;
  LinkStats linkStats;
  BoardIdentity board;
  uint8_t nextSeq = 1;
  uint16_t session = 0;         // 0: no session yet
  std::vector<uint8_t> pending; // received bytes not yet framed
  // Coalesced writes: consecutive slices, wrapping to the next word after
  // `burstSlices` slices.
  uint32_t burstStart = 0, burstNext = 0, burstSlices = 0;
  std::vector<uint32_t> burst;
  uint32_t maxBurstWords = 8, burstLimit = 8;
  int64_t lastAttempts = 1; // transmissions of the last request
  bool lastNoReply = false; // the last request got no valid reply
};

/// The board engine: identifies the board, checks that its core can run
/// `network` (validated: Session::create or readPackage; the same check as
/// an emitted core.json), resets it and loads the network.
llvm::Expected<std::unique_ptr<CoreEngine>>
createBoardEngine(CoreNetwork network, const LinkOptions &options);

} // namespace snnc

#endif // SNNC_RUNTIME_SERIALBUS_H
