//===- Json.h - JSON from files and users, nesting bounded -----*- C++ -*-===//
//
// llvm::json::parse recurses once per nesting level, so a file of 40,000
// '[' overflows the stack before it can fail.  Every JSON snnc reads from
// outside (core descriptions, board files, bitstream reports) goes
// through parseJson, which rejects deep nesting before parsing.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_JSON_H
#define SNNC_RUNTIME_JSON_H

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace snnc {

/// No JSON snnc reads nests deeper than a few levels; 64 is generous.
constexpr unsigned kMaxJsonDepth = 64;

/// The deepest nesting of arrays and objects in `text` (strings skipped,
/// escapes honoured); stops counting once `limit` is passed.
unsigned jsonNestingDepth(llvm::StringRef text, unsigned limit);

/// llvm::json::parse after a nesting check: "nested deeper than 64
/// levels" instead of a stack overflow.  Error messages are the parser's.
llvm::Expected<llvm::json::Value> parseJson(llvm::StringRef text,
                                            unsigned maxDepth = kMaxJsonDepth);

} // namespace snnc

#endif // SNNC_RUNTIME_JSON_H
