//===- Diagnostics.cpp - MLIR diagnostics as an error's text --------------===//
#include "snnc/IR/Diagnostics.h"

#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

using namespace snnc;

DiagnosticCollector::DiagnosticCollector(mlir::MLIRContext *context)
    : context(context), printedOps(context->shouldPrintOpOnDiagnostic()),
      handler(context, [this](mlir::Diagnostic &diagnostic) {
        switch (diagnostic.getSeverity()) {
        case mlir::DiagnosticSeverity::Error:
          add(diagnostic, "");
          break;
        case mlir::DiagnosticSeverity::Warning:
          add(diagnostic, "warning: ");
          break;
        default: // remarks, and notes outside a diagnostic
          break;
        }
        return mlir::success();
      }) {
  context->printOpOnDiagnostic(false);
}

DiagnosticCollector::~DiagnosticCollector() {
  context->printOpOnDiagnostic(printedOps);
}

/// "LOC: message", the location left out when unknown.
static void print(llvm::raw_ostream &os, mlir::Diagnostic &diagnostic,
                  llvm::StringRef severity) {
  if (!diagnostic.getLocation().isa<mlir::UnknownLoc>())
    os << diagnostic.getLocation() << ": ";
  os << severity << diagnostic.str();
}

void DiagnosticCollector::add(mlir::Diagnostic &diagnostic,
                              llvm::StringRef severity) {
  llvm::raw_string_ostream os(collected);
  if (!collected.empty())
    os << "\n";
  print(os, diagnostic, severity);
  for (mlir::Diagnostic &note : diagnostic.getNotes()) {
    os << "\n";
    print(os, note, "note: ");
  }
}
