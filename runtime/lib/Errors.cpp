//===- Errors.cpp - snnc's typed errors -----------------------------------===//
#include "snnc/Runtime/Errors.h"

using namespace snnc;

char SnncError::ID = 0;
char ModelError::ID = 0;
char PackageError::ID = 0;
char InputError::ID = 0;
char DeviceError::ID = 0;
char LimitError::ID = 0;

llvm::Error snnc::prependToError(const llvm::Twine &prefix, llvm::Error err,
                                 llvm::StringRef unless) {
  std::string head = prefix.str();
  auto named = [&](llvm::StringRef message) {
    return !unless.empty() && message.startswith(unless);
  };
  return llvm::handleErrors(
      std::move(err),
      [&](std::unique_ptr<SnncError> typed) -> llvm::Error {
        if (!named(typed->message()))
          typed->prepend(head);
        return llvm::Error(std::move(typed));
      },
      [&](const llvm::ErrorInfoBase &other) {
        std::string message = other.message();
        return plainError(named(message) ? message : head + message);
      });
}

const char *snnc::errorClass(const llvm::Error &err) {
  if (err.isA<ModelError>())
    return "model";
  if (err.isA<PackageError>())
    return "package";
  if (err.isA<InputError>())
    return "input";
  if (err.isA<DeviceError>())
    return "device";
  if (err.isA<LimitError>())
    return "limit";
  return "";
}
