//===- HostLink.cpp - frames of the serial host link ----------------------===//
#include "snnc/Runtime/HostLink.h"

using namespace snnc;
using namespace snnc::link;

namespace {
uint32_t crcRegister(llvm::ArrayRef<uint8_t> data, uint32_t reg) {
  for (uint8_t byte : data) {
    reg ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      reg = (reg >> 1) ^ ((reg & 1) ? LinkCrcPoly : 0u);
  }
  return reg;
}

/// Appends the CRC of everything in `frame` so far.
void appendCrc(std::vector<uint8_t> &frame) { putU32(frame, crc32c(frame)); }

std::vector<uint8_t> delimited(llvm::ArrayRef<uint8_t> frame) {
  std::vector<uint8_t> wire = cobsEncode(frame);
  wire.push_back(0);
  return wire;
}
} // namespace

uint32_t link::crc32c(llvm::ArrayRef<uint8_t> data) {
  return ~crcRegister(data, 0xFFFFFFFFu);
}

void link::putU16(std::vector<uint8_t> &out, uint16_t v) {
  out.push_back(uint8_t(v));
  out.push_back(uint8_t(v >> 8));
}

void link::putU32(std::vector<uint8_t> &out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out.push_back(uint8_t(v >> (8 * i)));
}

uint32_t link::getU32(const uint8_t *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
         uint32_t(p[3]) << 24;
}

std::vector<uint8_t> link::cobsEncode(llvm::ArrayRef<uint8_t> data) {
  std::vector<uint8_t> out;
  out.reserve(data.size() + data.size() / 254 + 2);
  size_t codeAt = out.size();
  out.push_back(0); // the code of the group being written
  uint8_t code = 1;
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == 0) {
      out[codeAt] = code;
      codeAt = out.size();
      out.push_back(0);
      code = 1;
      continue;
    }
    out.push_back(data[i]);
    if (++code == 0xFF) {
      // A full group carries no implied zero; the next group starts here
      // unless the data ends.
      out[codeAt] = code;
      if (i + 1 == data.size())
        return out;
      codeAt = out.size();
      out.push_back(0);
      code = 1;
    }
  }
  out[codeAt] = code;
  return out;
}

std::optional<std::vector<uint8_t>>
link::cobsDecode(llvm::ArrayRef<uint8_t> encoded) {
  std::vector<uint8_t> out;
  size_t i = 0;
  while (i < encoded.size()) {
    uint8_t code = encoded[i++];
    if (code == 0 || i + code - 1 > encoded.size())
      return std::nullopt;
    for (uint8_t k = 1; k < code; ++k) {
      if (encoded[i] == 0)
        return std::nullopt;
      out.push_back(encoded[i++]);
    }
    if (code != 0xFF && i < encoded.size())
      out.push_back(0);
  }
  return out;
}

std::vector<uint8_t> link::encodeRequest(uint8_t seq, uint8_t cmd,
                                         llvm::ArrayRef<uint8_t> payload) {
  std::vector<uint8_t> frame = {seq, cmd};
  frame.insert(frame.end(), payload.begin(), payload.end());
  appendCrc(frame);
  return delimited(frame);
}

std::vector<uint8_t> link::encodeReply(const Reply &reply) {
  std::vector<uint8_t> frame = {reply.seq, reply.cmd, reply.status};
  putU16(frame, reply.session);
  frame.insert(frame.end(), reply.payload.begin(), reply.payload.end());
  appendCrc(frame);
  return delimited(frame);
}

std::optional<Reply> link::decodeReply(llvm::ArrayRef<uint8_t> wire) {
  auto frame = cobsDecode(wire);
  if (!frame || frame->size() < LinkReplyHeader + LinkCrcBytes)
    return std::nullopt;
  if (crcRegister(*frame, 0xFFFFFFFFu) != LinkCrcResidue)
    return std::nullopt;
  Reply reply;
  reply.seq = (*frame)[0];
  reply.cmd = (*frame)[1];
  reply.status = (*frame)[2];
  reply.session = uint16_t((*frame)[3] | (*frame)[4] << 8);
  reply.payload.assign(frame->begin() + LinkReplyHeader,
                       frame->end() - LinkCrcBytes);
  return reply;
}

std::string link::commandName(uint8_t cmd) {
  switch (cmd) {
  case LinkCmdIdentify:
    return "identify";
  case LinkCmdWrite:
    return "write";
  case LinkCmdRead:
    return "read";
  case LinkCmdRun:
    return "run";
  case LinkCmdStatus:
    return "status";
  case LinkCmdSession:
    return "session";
  case LinkCmdReset:
    return "reset";
  case LinkCmdWriteEvents:
    return "write events";
  }
  return "command " + std::to_string(cmd);
}

std::string link::statusName(uint8_t status) {
  switch (status) {
  case LinkOk:
    return "ok";
  case LinkBadCrc:
    return "bad CRC";
  case LinkBadCommand:
    return "unknown command";
  case LinkBadLength:
    return "bad length";
  case LinkBadAddress:
    return "address out of range";
  case LinkOverrun:
    return "frame too long";
  }
  return "status " + std::to_string(status);
}
