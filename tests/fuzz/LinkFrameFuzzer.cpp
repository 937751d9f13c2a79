//===- LinkFrameFuzzer.cpp - libFuzzer: the host link's frame decoder -----===//
//
// What a board (or anything on the serial line) sends is split at 0x00 into
// frames and decoded, as SerialBus does.  Two properties are checked on the
// way: COBS decodes what it encodes, and a decoded reply encodes back to a
// frame that decodes to the same reply.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/HostLink.h"

#include <cstdlib>

using namespace snnc::link;

static bool sameReply(const Reply &a, const Reply &b) {
  return a.seq == b.seq && a.cmd == b.cmd && a.status == b.status &&
         a.session == b.session && a.payload == b.payload;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::ArrayRef<uint8_t> line(data, size);
  auto roundTrip = cobsDecode(cobsEncode(line));
  if (!roundTrip ||
      *roundTrip != std::vector<uint8_t>(line.begin(), line.end()))
    std::abort();
  while (!line.empty()) {
    size_t end = 0;
    while (end < line.size() && line[end] != 0)
      ++end;
    if (auto reply = decodeReply(line.take_front(end))) {
      std::vector<uint8_t> wire = encodeReply(*reply);
      // encodeReply appends the 0x00 delimiter; decodeReply takes a frame
      // without it.
      if (!wire.empty() && wire.back() == 0)
        wire.pop_back();
      auto again = decodeReply(wire);
      if (!again || !sameReply(*reply, *again))
        std::abort();
    }
    line = line.drop_front(std::min(end + 1, line.size()));
  }
  return 0;
}
