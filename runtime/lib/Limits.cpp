//===- Limits.cpp - the resources one command may take --------------------===//
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <atomic>
#include <cmath>
#include <sys/resource.h>
#include <unistd.h>

using namespace snnc;

namespace {
std::atomic<uint64_t> &limitSlot() {
  static std::atomic<uint64_t> limit{defaultMemoryLimit()};
  return limit;
}

std::atomic<uint64_t> &workSlot() {
  static std::atomic<uint64_t> limit{kDefaultWorkLimit};
  return limit;
}

/// The soft limit `resource` sets, or UINT64_MAX.
uint64_t processLimit(int resource) {
  struct rlimit limit;
  if (::getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return UINT64_MAX;
  return uint64_t(limit.rlim_cur);
}
} // namespace

uint64_t snnc::defaultMemoryLimit() {
  long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
  uint64_t physical = pages > 0 && pageSize > 0
                          ? uint64_t(pages) * uint64_t(pageSize)
                          : uint64_t(4) << 30;
  uint64_t limit = physical / 2;
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    uint64_t cap = processLimit(resource);
    if (cap != UINT64_MAX)
      limit = std::min(limit, cap / 4 * 3);
  }
  return limit;
}

uint64_t snnc::memoryLimit() { return limitSlot().load(); }

void snnc::setMemoryLimit(uint64_t bytes) { limitSlot().store(bytes); }

uint64_t snnc::addBytes(uint64_t a, uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

uint64_t snnc::mulBytes(uint64_t a, uint64_t b) {
  return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

std::string snnc::formatBytes(uint64_t bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = double(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 6) {
    value /= 1024.0;
    ++unit;
  }
  if (unit == 0)
    return llvm::formatv("{0} B", bytes).str();
  return llvm::formatv("{0:F1} {1}", value, units[unit]).str();
}

llvm::Error snnc::checkMemory(uint64_t bytes, const llvm::Twine &what) {
  uint64_t limit = memoryLimit();
  if (bytes <= limit)
    return llvm::Error::success();
  return makeError<LimitError>(
      what + " needs about " +
      (bytes == UINT64_MAX ? std::string("more than 16 EiB")
                           : formatBytes(bytes)) +
      ", more than the memory limit of " + formatBytes(limit) +
      " (raise it with --max-memory)");
}

//===----------------------------------------------------------------------===//
// Strict numbers: what the user typed, or a refusal.  strtod and
// getAsDouble read "17E" as 17 and round "0.5" bytes down to none; these
// parsers take the documented forms exactly and compute them in integers.
//===----------------------------------------------------------------------===//

namespace {
using u128 = unsigned __int128;

llvm::Error numberError(const llvm::Twine &what) { return plainError(what); }

/// Takes "D+[.D+]" from the front of `text` as digits x 10^exponent
/// ("1.25" is 125 x 10^-2); false without one, or with more than 24
/// significant digits (more precision than any count here needs).
bool takeDecimal(llvm::StringRef &text, u128 &digits, int &exponent) {
  llvm::StringRef whole = text.take_while(llvm::isDigit), fraction;
  llvm::StringRef rest = text.drop_front(whole.size());
  if (rest.consume_front(".")) {
    fraction = rest.take_while(llvm::isDigit);
    if (fraction.empty())
      return false;
    rest = rest.drop_front(fraction.size());
  }
  if (whole.empty())
    return false;
  text = rest;
  // Leading and trailing zeros carry no digits (and no precision).
  whole = whole.ltrim('0');
  fraction = fraction.rtrim('0');
  if (whole.size() + fraction.size() > 24)
    return false;
  digits = 0;
  for (char c : whole.str() + fraction.str())
    digits = digits * 10 + u128(c - '0');
  exponent = -int(fraction.size());
  return true;
}

enum class Exact { Ok, Fraction, Overflow, Zero };

/// digits x 10^exponent x scale, exactly, into `value`.  digits < 10^24
/// and scale <= 2^40 keep every product inside 128 bits.
Exact exactProduct(u128 digits, int exponent, uint64_t scale, uint64_t &value) {
  u128 n = digits * scale;
  for (; exponent > 0 && n != 0; --exponent) {
    if (n > UINT64_MAX)
      return Exact::Overflow;
    n *= 10;
  }
  for (; exponent < 0; ++exponent) {
    if (n % 10)
      return Exact::Fraction;
    n /= 10;
  }
  if (n > UINT64_MAX)
    return Exact::Overflow;
  if (n == 0)
    return Exact::Zero;
  value = uint64_t(n);
  return Exact::Ok;
}

/// Why a number is no size or count: a fraction, past the ceiling, zero.
struct ExactRefusals {
  const char *fraction, *overflow, *zero;
};

/// digits x 10^exponent x scale, or the refusal of `text` that says why not.
llvm::Expected<uint64_t> exactValue(llvm::StringRef text, u128 digits,
                                    int exponent, uint64_t scale,
                                    const ExactRefusals &why) {
  uint64_t value = 0;
  const char *refusal = why.zero;
  switch (exactProduct(digits, exponent, scale, value)) {
  case Exact::Ok:
    return value;
  case Exact::Fraction:
    refusal = why.fraction;
    break;
  case Exact::Overflow:
    refusal = why.overflow;
    break;
  case Exact::Zero:
    break;
  }
  return numberError("'" + text + "' " + refusal);
}

/// K, M, G, T as the power (1..4) of 1024 (sizes) or 1000 (counts) they
/// stand for; 0 for any other character.
int unitPower(char c) {
  size_t at = llvm::StringRef("KMGT").find(llvm::toUpper(c));
  return at == llvm::StringRef::npos ? 0 : int(at) + 1;
}
} // namespace

llvm::Expected<uint64_t> snnc::parseByteSize(llvm::StringRef text) {
  auto bad = [&](const llvm::Twine &why) {
    return numberError("'" + text + "' " + why);
  };
  const char *form = "is not a size (e.g. 4096, 512M, 2G)";
  llvm::StringRef rest = text;
  u128 digits;
  int exponent;
  if (!takeDecimal(rest, digits, exponent))
    return bad(form);
  uint64_t scale = 1;
  if (int power = rest.empty() ? 0 : unitPower(rest.front())) {
    scale = uint64_t(1) << (10 * power);
    rest = rest.drop_front();
    if (!rest.consume_front("iB"))
      rest.consume_front("B");
  } else {
    rest.consume_front("B");
  }
  if (!rest.empty())
    return bad(llvm::Twine(form) + ": the units are K, M, G and T (powers "
                                   "of 1024), optionally followed by B or iB");
  return exactValue(text, digits, exponent, scale,
                    {"is not a whole number of bytes", "is more than 16 EiB",
                     "is not a size: it must be more than 0"});
}

llvm::Expected<uint64_t> snnc::parseCount(llvm::StringRef text) {
  auto bad = [&](const llvm::Twine &why) {
    return numberError("'" + text + "' " + why);
  };
  const char *form = "is not a count (e.g. 100000000000, 1e11, 100G)";
  llvm::StringRef rest = text;
  u128 digits;
  int exponent;
  if (!takeDecimal(rest, digits, exponent))
    return bad(form);
  uint64_t scale = 1;
  if (rest.consume_front("e") || rest.consume_front("E")) {
    bool negative = rest.consume_front("-");
    if (!negative)
      rest.consume_front("+");
    unsigned power;
    // getAsInteger would take "0x10"; only decimal digits are an exponent.
    if (rest.empty() || rest.size() > 3 || !llvm::all_of(rest, llvm::isDigit) ||
        rest.getAsInteger(10, power))
      return bad(form);
    exponent += negative ? -int(power) : int(power);
    rest = "";
  } else if (int power = rest.size() == 1 ? unitPower(rest.front()) : 0) {
    for (int i = 0; i < power; ++i)
      scale *= 1000;
    rest = "";
  }
  if (!rest.empty())
    return bad(llvm::Twine(form) + ": an exponent (e11) or one of K, M, G, "
                                   "T (powers of 1000) may follow the number");
  return exactValue(text, digits, exponent, scale,
                    {"is not a whole number", "is more than 2^64 - 1",
                     "is not a count: it must be more than 0"});
}

std::string snnc::formatCount(uint64_t count) {
  if (count < 10000)
    return std::to_string(count);
  if (count == UINT64_MAX)
    return "more than 1.8e19";
  int exponent = 0;
  double mantissa = double(count);
  while (mantissa >= 10.0) {
    mantissa /= 10.0;
    ++exponent;
  }
  // One decimal, and none where it is 0: "8.4e11", "1e11".
  std::string digits = llvm::formatv("{0:F1}", mantissa).str();
  if (digits == "10.0") {
    digits = "1.0";
    ++exponent;
  }
  if (llvm::StringRef(digits).endswith(".0"))
    digits.resize(digits.size() - 2);
  return digits + "e" + std::to_string(exponent);
}

//===----------------------------------------------------------------------===//
// Work.
//===----------------------------------------------------------------------===//

uint64_t snnc::workLimit() { return workSlot().load(); }

void snnc::setWorkLimit(uint64_t operations) { workSlot().store(operations); }

static uint64_t count(int64_t n) { return n > 0 ? uint64_t(n) : 0; }

StepWork snnc::stepWork(const CoreNetwork &network) {
  StepWork work;
  // Population 0 is the input: its values arrive, they are not updated.
  for (size_t i = 1; i < network.populations.size(); ++i)
    work.neurons = addBytes(work.neurons, count(network.populations[i].size()));
  for (const CoreProjection &p : network.projections) {
    if (p.target < 0 || size_t(p.target) >= network.populations.size())
      continue;
    // Fan-in: I x KH x KW of OIHW conv weights, K of [M, K], 1 one-to-one.
    uint64_t fanIn = 1;
    if (p.kind != ProjectionKind::OneToOne)
      for (size_t d = 1; d < p.weightShape.size(); ++d)
        fanIn = mulBytes(fanIn, count(p.weightShape[d]));
    uint64_t targets = count(network.populations[p.target].size());
    work.synapticOps = addBytes(work.synapticOps, mulBytes(targets, fanIn));
  }
  return work;
}

StepWork snnc::stepWork(const FloatGraph &graph) {
  StepWork work;
  for (const FloatOp &op : graph.ops) {
    uint64_t results = count(op.resultElements);
    if (op.kind == FloatOpKind::LIF) {
      work.neurons = addBytes(work.neurons, results);
      continue;
    }
    if (op.kind != FloatOpKind::Conv2d && op.kind != FloatOpKind::Dense)
      continue;
    // The same fan-in as the core's: every weight dim after the first.
    uint64_t fanIn = 1;
    auto weight = op.operands.size() > 1 ? graph.constants.find(op.operands[1])
                                         : graph.constants.end();
    if (weight != graph.constants.end())
      for (size_t d = 1; d < weight->second.shape.size(); ++d)
        fanIn = mulBytes(fanIn, count(weight->second.shape[d]));
    work.synapticOps = addBytes(work.synapticOps, mulBytes(results, fanIn));
  }
  return work;
}

uint64_t snnc::sampleWork(const StepWork &work, int64_t steps) {
  return mulBytes(addBytes(work.synapticOps, work.neurons), count(steps));
}

llvm::Error snnc::checkWork(const StepWork &work, int64_t steps,
                            const llvm::Twine &engine) {
  uint64_t operations = sampleWork(work, steps), limit = workLimit();
  if (operations <= limit)
    return llvm::Error::success();
  return makeError<LimitError>(
      engine +
      llvm::formatv(": one sample needs {0} operations (({1} synaptic "
                    "operations + {2} neuron updates) per step x {3} steps), "
                    "more than --max-ops {4}; raise --max-ops to run it",
                    formatCount(operations), formatCount(work.synapticOps),
                    formatCount(work.neurons), steps, formatCount(limit)));
}

llvm::Error snnc::checkFiniteScores(const NDArray &scores, int64_t firstSample,
                                    const llvm::Twine &engine,
                                    const llvm::Twine &why) {
  int64_t outputs = scores.shape.size() == 2 ? scores.shape[1] : 1;
  for (size_t i = 0; i < scores.data.size(); ++i) {
    float value = scores.data[i];
    if (std::isfinite(value))
      continue;
    const char *what = std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
    return numberError(
        llvm::formatv(
            "sample {0}, output {1}: ", firstSample + int64_t(i) / outputs,
            int64_t(i) % std::max<int64_t>(1, outputs)) +
        engine + " produced " + what + " (" + why + ")");
  }
  return llvm::Error::success();
}
