//===- Diagnostics.h - MLIR diagnostics as an error's text ------*- C++ -*-===//
//
// snnc reports errors as text (llvm::Error); MLIR reports them as
// diagnostics with locations and attached notes.  The collector keeps the
// whole of each: the first error is the message's first line, and its
// notes ("previously defined here", "see current operation") and any
// further errors follow on lines of their own, each with its location.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_IR_DIAGNOSTICS_H
#define SNNC_IR_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"

#include <string>

namespace snnc {

class DiagnosticCollector {
public:
  /// Captures the context's diagnostics until destroyed.  Meanwhile the
  /// op dump MLIR attaches to an op's error ("see current operation", the
  /// whole module) is off: that IR is the compiler's, not the user's.
  explicit DiagnosticCollector(mlir::MLIRContext *context);
  ~DiagnosticCollector();
  DiagnosticCollector(const DiagnosticCollector &) = delete;
  DiagnosticCollector &operator=(const DiagnosticCollector &) = delete;

  /// Every error and warning so far, with notes; empty if none.
  const std::string &text() const { return collected; }
  bool empty() const { return collected.empty(); }

private:
  void add(mlir::Diagnostic &diagnostic, llvm::StringRef severity);

  mlir::MLIRContext *context;
  bool printedOps;
  std::string collected;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace snnc

#endif // SNNC_IR_DIAGNOSTICS_H
