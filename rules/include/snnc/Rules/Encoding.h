//===- Encoding.h - how the first layer sees its input ----------*- C++ -*-===//
//
// The input-event type every stage shares: the module's `snn.encoding`
// (ir/), the `--encoding` of a NIR import (frontend/), the lowered networks
// (backends/) and the engines' input shapes (runtime/) all name it here.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RULES_ENCODING_H
#define SNNC_RULES_ENCODING_H

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace snnc {

/// Direct: the same analog frame every step, [N, ...]; events: one event
/// frame a step, [T, N, ...].
enum class InputEncoding { Direct, Events };

namespace rules {

/// The encoding's name in `snn.encoding` and on the command line.
inline llvm::StringRef encodingName(InputEncoding encoding) {
  return encoding == InputEncoding::Events ? "events" : "direct";
}

/// The encoding `name` spells, if any.
inline std::optional<InputEncoding> parseEncoding(llvm::StringRef name) {
  if (name == "direct")
    return InputEncoding::Direct;
  if (name == "events")
    return InputEncoding::Events;
  return std::nullopt;
}

} // namespace rules
} // namespace snnc

#endif // SNNC_RULES_ENCODING_H
