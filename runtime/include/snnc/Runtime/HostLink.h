//===- HostLink.h - frames of the serial host link -------------*- C++ -*-===//
//
// The host side of the protocol that hw/rtl/snn_link.sv speaks
// (docs/host-link.md): CRC-32C, COBS, and building and checking frames.
// The constants are generated from hw/rtl/snn_link_pkg.sv (SnnLinkPkg.h).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_HOSTLINK_H
#define SNNC_RUNTIME_HOSTLINK_H

#include "snnc/Runtime/SnnLinkPkg.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snnc::link {

/// CRC-32C (Castagnoli, reflected, init and final XOR 0xFFFFFFFF).
uint32_t crc32c(llvm::ArrayRef<uint8_t> data);

/// COBS: `data` without zero bytes (no delimiter appended).
std::vector<uint8_t> cobsEncode(llvm::ArrayRef<uint8_t> data);
/// The inverse; nullopt when `encoded` is not valid COBS.
std::optional<std::vector<uint8_t>> cobsDecode(llvm::ArrayRef<uint8_t> encoded);

/// A request on the wire: COBS({seq, cmd, payload, crc}) and the 0x00.
std::vector<uint8_t> encodeRequest(uint8_t seq, uint8_t cmd,
                                   llvm::ArrayRef<uint8_t> payload);

struct Reply {
  uint8_t seq = 0, cmd = 0, status = 0;
  uint16_t session = 0;
  std::vector<uint8_t> payload;
};

/// Decodes one reply frame (without its 0x00); nullopt when it is not valid
/// COBS, too short or fails its CRC.
std::optional<Reply> decodeReply(llvm::ArrayRef<uint8_t> frame);

/// The bytes a board would send for `reply` (tests and simulators).
std::vector<uint8_t> encodeReply(const Reply &reply);

/// "write", "read", ... for messages.
std::string commandName(uint8_t cmd);
/// "bad CRC", "bad address", ... for messages.
std::string statusName(uint8_t status);

/// Little-endian helpers.
void putU16(std::vector<uint8_t> &out, uint16_t v);
void putU32(std::vector<uint8_t> &out, uint32_t v);
uint32_t getU32(const uint8_t *p);

} // namespace snnc::link

#endif // SNNC_RUNTIME_HOSTLINK_H
