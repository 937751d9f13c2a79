//===- Files.cpp - regular inputs, outputs whole or not at all ------------===//
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Errors.h"

using namespace snnc;

llvm::Error snnc::requireRegularFile(llvm::StringRef path) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return llvm::createStringError(ec, path + ": cannot read: " + ec.message());
  if (status.type() != llvm::sys::fs::file_type::regular_file)
    return plainError(path + ": not a regular file");
  return llvm::Error::success();
}

static llvm::Error cannotWrite(llvm::StringRef path, const llvm::Twine &why) {
  return plainError(path + ": cannot write: " + why);
}

OutputTransaction::~OutputTransaction() {
  for (auto &[path, temp] : files)
    llvm::consumeError(temp.discard());
}

llvm::Error
OutputTransaction::add(llvm::StringRef path,
                       llvm::function_ref<void(llvm::raw_ostream &)> fill) {
  auto temp = llvm::sys::fs::TempFile::create(path + ".tmp-%%%%%%%%",
                                              llvm::sys::fs::all_read |
                                                  llvm::sys::fs::all_write);
  if (!temp)
    return cannotWrite(path, llvm::toString(temp.takeError()));
  files.emplace_back(path.str(), std::move(*temp));
  llvm::raw_fd_ostream out(files.back().second.FD, /*shouldClose=*/false);
  fill(out);
  out.flush();
  if (out.has_error()) {
    std::string why = out.error().message();
    out.clear_error();
    return cannotWrite(path, why);
  }
  return llvm::Error::success();
}

llvm::Error OutputTransaction::commit() {
  for (auto &[path, temp] : files)
    if (llvm::Error err = temp.keep(path))
      return cannotWrite(path, llvm::toString(std::move(err)));
  files.clear();
  return llvm::Error::success();
}

llvm::Error
snnc::writeFileAtomically(llvm::StringRef path,
                          llvm::function_ref<void(llvm::raw_ostream &)> fill) {
  if (path == "-") {
    llvm::raw_fd_ostream &out = llvm::outs();
    fill(out);
    out.flush();
    // An unreported stdout error would end snnc in LLVM's fatal "IO failure
    // on output stream" at exit.
    if (out.has_error()) {
      std::string why = out.error().message();
      out.clear_error();
      return cannotWrite("stdout", why);
    }
    return llvm::Error::success();
  }
  // One output is a transaction of one: the same exclusive temporary file,
  // mode 0666 before the umask, as every other output (llvm::writeToOutput
  // made its temporary 0755, and the rename kept it).
  OutputTransaction output;
  if (llvm::Error err = output.add(path, fill))
    return err;
  return output.commit();
}
