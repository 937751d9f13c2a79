//===- Errors.h - what a failure is about, for callers that act on it ----===//
//
// Every error keeps its one-line message; its class says what failed, so a
// caller (and Python: snnc.ModelError, ...) can tell a corrupt package from
// a device failure without reading the text:
//
//   ModelError    the model file or the compiler refused the model
//   PackageError  a .snnpkg that cannot be read or is inconsistent
//   InputError    an input (array, file, labels) the network cannot take
//   DeviceError   a device or its link failed (a board, the rtl simulator)
//   LimitError    the work or memory a request needs is over a limit
//
// Errors that fit none of these stay plain llvm::StringError.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RUNTIME_ERRORS_H
#define SNNC_RUNTIME_ERRORS_H

#include "llvm/Support/Error.h"

#include <string>

namespace snnc {

/// The base of snnc's typed errors: a message, logged as it is.
class SnncError : public llvm::ErrorInfo<SnncError> {
public:
  static char ID;
  explicit SnncError(std::string message) : text(std::move(message)) {}
  void log(llvm::raw_ostream &os) const override { os << text; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
  /// Puts `prefix` in front of the message ("PATH: ").
  void prepend(const llvm::Twine &prefix) { text = (prefix + text).str(); }

private:
  std::string text;
};

#define SNNC_ERROR_CLASS(Name)                                                 \
  class Name : public llvm::ErrorInfo<Name, SnncError> {                       \
  public:                                                                      \
    static char ID;                                                            \
    using ErrorInfo::ErrorInfo;                                                \
  };
SNNC_ERROR_CLASS(ModelError)
SNNC_ERROR_CLASS(PackageError)
SNNC_ERROR_CLASS(InputError)
SNNC_ERROR_CLASS(DeviceError)
SNNC_ERROR_CLASS(LimitError)
#undef SNNC_ERROR_CLASS

/// An error of class `E` with `message`.
template <typename E> llvm::Error makeError(const llvm::Twine &message) {
  return llvm::make_error<E>(message.str());
}

/// An untyped error (llvm::StringError) with `message`: the one helper for
/// failures none of the classes above describe.
inline llvm::Error plainError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// `err` as an error of class `E` when it has no class yet (a file that
/// cannot be read is a package's failure where a package is read); typed
/// errors keep theirs.
template <typename E> llvm::Error classify(llvm::Error err) {
  return llvm::handleErrors(
      std::move(err),
      [](std::unique_ptr<SnncError> typed) {
        return llvm::Error(std::move(typed));
      },
      [](const llvm::ErrorInfoBase &other) {
        return makeError<E>(other.message());
      });
}

/// `err` with `prefix` in front of its message, keeping its class; a
/// message that starts with `unless` already (the path it names) is left as
/// it is.
llvm::Error prependToError(const llvm::Twine &prefix, llvm::Error err,
                           llvm::StringRef unless = {});

/// The class of `err` ("model", "package", "input", "device", "limit"), or
/// "" for an untyped one; `err` is left as it is.
const char *errorClass(const llvm::Error &err);

} // namespace snnc

#endif // SNNC_RUNTIME_ERRORS_H
