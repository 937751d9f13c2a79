//===- Json.cpp - JSON from files and users, nesting bounded -------------===//
#include "snnc/Runtime/Json.h"

#include "llvm/Support/FormatVariadic.h"

using namespace snnc;

unsigned snnc::jsonNestingDepth(llvm::StringRef text, unsigned limit) {
  unsigned depth = 0, deepest = 0;
  bool inString = false, escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit)
        return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

llvm::Expected<llvm::json::Value> snnc::parseJson(llvm::StringRef text,
                                                  unsigned maxDepth) {
  if (jsonNestingDepth(text, maxDepth) > maxDepth)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::formatv("nested deeper than {0} levels", maxDepth).str());
  return llvm::json::parse(text);
}
