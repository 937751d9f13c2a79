//===- OutputDirectory.cpp - directories snnc writes ---------------------===//
#include "snnc/Backends/OutputDirectory.h"
#include "snnc/Backends/VerilogEmitter.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "snnc/Runtime/Json.h"

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;

namespace {
Error directoryError(const llvm::Twine &what) { return plainError(what); }

std::string pathIn(llvm::StringRef dir, llvm::StringRef name) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  return std::string(path);
}

/// Whether `name` can be a file snnc writes: relative, made of plain
/// components.  A manifest is read from a directory anyone may have
/// edited: an entry such as `../../x` must not make a rerun delete
/// outside it.
bool plainName(llvm::StringRef name) {
  if (name.empty() || name.size() > 1024 || name == kManifestName)
    return false;
  llvm::SmallVector<llvm::StringRef> parts;
  name.split(parts, '/');
  for (llvm::StringRef part : parts) {
    if (part.empty() || part == "." || part == "..")
      return false;
    for (char c : part)
      if (!llvm::isAlnum(c) && c != '.' && c != '_' && c != '-')
        return false;
  }
  return true;
}

bool exists(llvm::StringRef path) {
  llvm::sys::fs::file_status status;
  return !llvm::sys::fs::status(path, status, /*follow=*/false) &&
         llvm::sys::fs::exists(status);
}

bool isRealDirectory(llvm::StringRef path) {
  llvm::sys::fs::file_status status;
  return !llvm::sys::fs::status(path, status, /*follow=*/false) &&
         status.type() == llvm::sys::fs::file_type::directory_file;
}

/// Creates the missing directories above `name` in `root`, appending them
/// to `created`; refuses to go through anything but a real directory (a
/// planted symbolic link would send the files elsewhere).
Error makeParents(llvm::StringRef root, llvm::StringRef name,
                  std::vector<std::string> &created) {
  llvm::SmallString<256> path(root);
  llvm::StringRef parent = llvm::sys::path::parent_path(name);
  for (auto it = llvm::sys::path::begin(parent),
            end = llvm::sys::path::end(parent);
       it != end; ++it) {
    llvm::sys::path::append(path, *it);
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(path, status, /*follow=*/false)) {
      if (std::error_code ec = llvm::sys::fs::create_directory(path))
        return directoryError(formatv("{0}: {1}", path, ec.message()));
      created.push_back(std::string(path));
    } else if (status.type() != llvm::sys::fs::file_type::directory_file) {
      return directoryError(formatv("{0}: not a directory (snnc writes only "
                                    "into real directories)",
                                    path));
    }
  }
  return Error::success();
}

/// The renames of one commit, undone in reverse when a later one fails.
class Moves {
public:
  /// Moves `name` from one root to the other, through real directories
  /// only on both sides (the source's exist, so none is created there).
  Error move(llvm::StringRef fromRoot, llvm::StringRef toRoot,
             llvm::StringRef name) {
    if (Error err = makeParents(fromRoot, name, created))
      return err;
    if (Error err = makeParents(toRoot, name, created))
      return err;
    std::string from = pathIn(fromRoot, name), to = pathIn(toRoot, name);
    if (std::error_code ec = llvm::sys::fs::rename(from, to))
      return directoryError(formatv("{0}: {1}", to, ec.message()));
    done.emplace_back(from, to);
    return Error::success();
  }
  /// Whether everything went back.
  bool undo() {
    bool whole = true;
    for (auto it = done.rbegin(); it != done.rend(); ++it)
      whole &= !llvm::sys::fs::rename(it->second, it->first);
    for (auto it = created.rbegin(); it != created.rend(); ++it)
      llvm::sys::fs::remove(*it); // only if empty: it was created empty
    done.clear();
    created.clear();
    return whole;
  }

private:
  std::vector<std::pair<std::string, std::string>> done;
  std::vector<std::string> created;
};

/// The files a manifest lists (`shown`: its path for messages), or why it
/// is not one snnc wrote.
Expected<std::pair<std::string, std::vector<std::string>>>
readManifest(llvm::StringRef path, llvm::StringRef shown) {
  auto refuse = [&](const llvm::Twine &why) {
    return directoryError(shown + ": not a manifest snnc wrote (" + why +
                          "); choose an empty or new directory");
  };
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return refuse(buffer.getError().message());
  auto json = parseJson((*buffer)->getBuffer());
  if (!json)
    return refuse(llvm::toString(json.takeError()));
  const llvm::json::Object *object = json->getAsObject();
  auto command = object ? object->getString("command") : std::nullopt;
  const llvm::json::Array *files = object ? object->getArray("files") : nullptr;
  if (!command || !files)
    return refuse("no command and files");
  std::vector<std::string> names;
  for (const llvm::json::Value &file : *files) {
    auto name = file.getAsString();
    if (!name || !plainName(*name))
      return refuse("a file that is not a plain relative name");
    names.push_back(name->str());
  }
  return std::make_pair(command->str(), std::move(names));
}

std::string manifestText(llvm::StringRef command,
                         llvm::ArrayRef<std::string> names) {
  llvm::json::Array files;
  for (const std::string &name : names)
    files.push_back(name);
  std::string text;
  llvm::raw_string_ostream(text)
      << formatv("{0:2}",
                 llvm::json::Value(llvm::json::Object{
                     {"command", command}, {"files", std::move(files)}}))
      << "\n";
  return text;
}
} // namespace

Expected<OutputDirectory> OutputDirectory::open(llvm::StringRef dir,
                                                llvm::StringRef command) {
  OutputDirectory out;
  out.display = dir.str();
  out.command = command.str();
  llvm::SmallString<256> path(dir);
  if (std::error_code ec = llvm::sys::fs::make_absolute(path))
    return directoryError(formatv("{0}: {1}", dir, ec.message()));
  // Without dots and a trailing slash, the staging directory lands beside
  // the directory, not inside it.
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  out.dir = std::string(path);
  if (!llvm::sys::fs::exists(out.dir))
    return std::move(out);
  if (!llvm::sys::fs::is_directory(out.dir))
    return directoryError(dir + ": exists and is not a directory");
  std::error_code ec;
  llvm::sys::fs::directory_iterator it(out.dir, ec);
  if (ec)
    return directoryError(dir + ": cannot read: " + ec.message());
  if (it == llvm::sys::fs::directory_iterator())
    return std::move(out);
  std::string manifest = pathIn(out.dir, kManifestName);
  if (!exists(manifest))
    return directoryError(dir + ": not empty and not written by snnc (no " +
                          kManifestName +
                          "); choose an empty or new directory");
  auto previous = readManifest(manifest, pathIn(dir, kManifestName));
  if (!previous)
    return previous.takeError();
  if (command == "emit-verilog" && previous->first == "bitstream")
    return directoryError(
        dir + ": holds a bitstream (snnc bitstream wrote it); new sources "
              "would leave its snn.bin out of step: rerun snnc bitstream, or "
              "choose an empty or new directory");
  out.hasManifest = true;
  out.previous = std::move(previous->second);
  return std::move(out);
}

Error OutputDirectory::checkNames(llvm::ArrayRef<std::string> names) const {
  for (const std::string &name : names) {
    if (!plainName(name))
      return directoryError(formatv("{0}: snnc cannot write a file named {1}",
                                    display, escapeUserText(name)));
    if (exists(pathIn(dir, name)) && !llvm::is_contained(previous, name))
      return directoryError(
          formatv("{0}: exists and is not in {1}; snnc will not overwrite it: "
                  "choose an empty or new directory",
                  pathIn(display, name), pathIn(display, kManifestName)));
  }
  return Error::success();
}

Expected<std::string> OutputDirectory::createStaging() const {
  llvm::StringRef parent = llvm::sys::path::parent_path(dir);
  if (std::error_code ec = llvm::sys::fs::create_directories(parent))
    return directoryError(formatv("{0}: {1}", parent, ec.message()));
  llvm::SmallString<256> staging;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory(dir + ".tmp", staging))
    return directoryError(display + ": cannot write: " + ec.message());
  return std::string(staging);
}

Error OutputDirectory::commit(llvm::StringRef staging,
                              llvm::ArrayRef<std::string> names) {
  auto discard = llvm::make_scope_exit(
      [&] { llvm::sys::fs::remove_directories(staging); });
  if (Error err = checkNames(names))
    return err;
  std::vector<std::string> written(names.begin(), names.end());
  llvm::sort(written);
  written.erase(std::unique(written.begin(), written.end()), written.end());
  if (Error err = writeFiles(
          staging,
          {GeneratedFile{kManifestName, manifestText(command, written)}}))
    return err;
  // A new or empty directory: one rename puts everything in place (it
  // replaces an empty directory).
  if (!hasManifest) {
    if (std::error_code ec = llvm::sys::fs::rename(staging, dir))
      return directoryError(display + ": cannot write: " + ec.message());
    discard.release();
    return Error::success();
  }
  // snnc's own directory: the previous manifest's files step aside into a
  // backup, the new ones move in; any failure moves everything back.
  llvm::SmallString<256> backup;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory(dir + ".old", backup))
    return directoryError(display + ": cannot write: " + ec.message());
  std::vector<std::string> old = previous, added = written;
  old.push_back(kManifestName);
  added.push_back(kManifestName);
  Moves moves;
  Error err = Error::success();
  for (const std::string &name : old)
    if (!err && exists(pathIn(dir, name)))
      err = moves.move(dir, backup, name);
  for (const std::string &name : added)
    if (!err)
      err = moves.move(staging, dir, name);
  if (err) {
    // Should anything fail to go back, the backup keeps it.
    if (moves.undo())
      llvm::sys::fs::remove_directories(backup);
    return err;
  }
  llvm::sys::fs::remove_directories(backup);
  // Directories that held only files of the previous run go too.
  for (const std::string &name : previous)
    for (llvm::StringRef parent = llvm::sys::path::parent_path(name);
         !parent.empty() && !exists(pathIn(dir, name));
         parent = llvm::sys::path::parent_path(parent))
      if (!isRealDirectory(pathIn(dir, parent)) ||
          llvm::sys::fs::remove(pathIn(dir, parent)))
        break; // not a directory, or not empty
  return Error::success();
}
