//===- AtomicFile.cpp - outputs that appear whole or not at all -----------===//
#include "snnc/Runtime/AtomicFile.h"

#include "llvm/Support/FileSystem.h"

using namespace snnc;

llvm::Error
snnc::writeFileAtomically(llvm::StringRef path,
                          llvm::function_ref<void(llvm::raw_ostream &)> fill) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   path + ": cannot write: " + why);
  };
  auto temp = llvm::sys::fs::TempFile::create(path + ".tmp-%%%%%%%%",
                                              llvm::sys::fs::all_read |
                                                  llvm::sys::fs::all_write);
  if (!temp)
    return fail(llvm::toString(temp.takeError()));
  {
    llvm::raw_fd_ostream out(temp->FD, /*shouldClose=*/false);
    fill(out);
    out.flush();
    if (out.has_error()) {
      std::string why = out.error().message();
      out.clear_error();
      llvm::consumeError(temp->discard());
      return fail(why);
    }
  }
  if (llvm::Error err = temp->keep(path))
    return fail(llvm::toString(std::move(err)));
  return llvm::Error::success();
}
