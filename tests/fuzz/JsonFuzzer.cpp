//===- JsonFuzzer.cpp - libFuzzer: the JSON snnc reads from users ---------===//
//
// Core descriptions (--core), board descriptions and bitstream reports go
// through snnc::parseJson and then their readers.  Any input must give a
// value or an error: no crash, no stack overflow on deep nesting (the
// first finding of this target's class: 40,000 nested '[').  A value that
// parses also checks that the nesting bound agrees with the parser.
//
//===----------------------------------------------------------------------===//
#include "snnc/Backends/Boards.h"
#include "snnc/Runtime/CoreImage.h"
#include "snnc/Runtime/Json.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  auto json = snnc::parseJson(text);
  if (!json) {
    llvm::consumeError(json.takeError());
    return 0;
  }
  if (snnc::jsonNestingDepth(text, snnc::kMaxJsonDepth) > snnc::kMaxJsonDepth)
    std::abort(); // parsed although nested too deep
  if (auto core = snnc::CoreParams::fromJson(*json); !core)
    llvm::consumeError(core.takeError());
  if (auto board = snnc::BoardDescription::fromJson(*json, "fuzz"); !board)
    llvm::consumeError(board.takeError());
  return 0;
}
