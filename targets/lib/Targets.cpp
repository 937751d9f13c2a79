//===- Targets.cpp - the compile targets snnc knows -----------------------===//
#include "snnc/Targets/Targets.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

using namespace snnc;
using namespace snnc::targets;
using llvm::formatv;

namespace {
llvm::Error targetError(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), what);
}

/// Reads one registry file; errors name it as "boards/<name>.json".
llvm::Expected<TargetDescription> readFile(const RegistryFile &file) {
  std::string origin = formatv("boards/{0}", file.name).str();
  auto json = llvm::json::parse(file.contents);
  if (!json)
    return targetError(origin + ": " + llvm::toString(json.takeError()));
  auto target = TargetDescription::fromJson(*json, origin);
  if (!target)
    return target.takeError();
  target->file = llvm::StringRef(file.name).drop_back(5).str(); // .json
  target->json = std::move(*json);
  return target;
}
} // namespace

llvm::Expected<TargetDescription>
TargetDescription::fromJson(const llvm::json::Value &value,
                            llvm::StringRef origin) {
  const llvm::json::Object *o = value.getAsObject();
  if (!o)
    return targetError(origin + ": a board description is a JSON object");
  TargetDescription t;
  std::optional<llvm::StringRef> name = o->getString("name");
  if (!name || name->empty())
    return targetError(origin + ": name is required");
  std::optional<llvm::StringRef> family = o->getString("family");
  std::optional<llvm::StringRef> device = o->getString("device");
  t.name = name->str();
  t.board = family.has_value();
  t.target =
      t.board ? (*family + "-" + device.value_or("")).str() : name->str();
  t.lanes = o->getInteger("lanes").value_or(0);
  if (t.lanes < 1 || t.lanes > 8 || !llvm::isPowerOf2_64(uint64_t(t.lanes)))
    return targetError(origin + ": lanes must be 1, 2, 4 or 8");
  t.narrowSweep = o->getBoolean("narrow_sweep").value_or(false);
  t.stateBits = o->getInteger("state_bits").value_or(24);
  if (t.stateBits < 4 || t.stateBits > 32)
    return targetError(origin + ": state_bits must be 4..32");
  t.order = o->getInteger("order").value_or(0);
  return t;
}

llvm::Expected<std::optional<TargetDescription>>
targets::findDescription(llvm::StringRef file) {
  for (const RegistryFile &f : registryFiles())
    if (llvm::StringRef(f.name) == (file + ".json").str()) {
      auto target = readFile(f);
      if (!target)
        return target.takeError();
      return std::optional<TargetDescription>(std::move(*target));
    }
  return std::nullopt;
}

llvm::Expected<std::vector<TargetDescription>> targets::allDescriptions() {
  std::vector<TargetDescription> all;
  for (const RegistryFile &f : registryFiles()) {
    auto target = readFile(f);
    if (!target)
      return target.takeError();
    all.push_back(std::move(*target));
  }
  return all;
}

llvm::Expected<std::optional<TargetDescription>>
targets::findTarget(llvm::StringRef name) {
  auto all = allDescriptions();
  if (!all)
    return all.takeError();
  for (TargetDescription &t : *all)
    if (t.target == name)
      return std::optional<TargetDescription>(std::move(t));
  return std::nullopt;
}

std::optional<TargetDescription> targets::describe(llvm::StringRef target) {
  auto all = allDescriptions();
  if (!all) {
    llvm::consumeError(all.takeError());
    return std::nullopt;
  }
  for (TargetDescription &t : *all)
    if (t.target == target || t.name == target)
      return std::move(t);
  return std::nullopt;
}

bool targets::narrowSweep(llvm::StringRef target) {
  std::optional<TargetDescription> t = describe(target);
  return t && t->narrowSweep;
}

std::string targets::knownTargets() {
  auto all = allDescriptions();
  if (!all)
    return llvm::toString(all.takeError());
  llvm::stable_sort(*all,
                    [](const TargetDescription &a, const TargetDescription &b) {
                      return a.order < b.order;
                    });
  std::string known;
  for (const TargetDescription &t : *all)
    known += (known.empty() ? "" : ", ") + t.target;
  return known;
}
