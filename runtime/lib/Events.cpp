//===- Events.cpp - event-camera recordings -------------------------------===//
//
// Each reader decodes a file as tonic's io module does (tonic commit
// d0cb6df3, tests/python/test_events.py compares them), except that where
// tonic reads a damaged file silently (a partial last event, a packet
// shorter than it claims) these refuse it with the byte offset.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/Events.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Files.h"
#include "snnc/Runtime/Limits.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstdlib>

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

void EventArray::reserve(size_t count) {
  x.reserve(count);
  y.reserve(count);
  t.reserve(count);
  p.reserve(count);
}

void EventArray::push(int64_t ex, int64_t ey, int64_t et, int64_t ep) {
  x.push_back(ex);
  y.push_back(ey);
  t.push_back(et);
  p.push_back(ep);
}

Expected<EventFormat> snnc::parseEventFormat(StringRef name) {
  if (name == "auto")
    return EventFormat::Auto;
  if (name == "nmnist")
    return EventFormat::NMnist;
  if (name == "aedat")
    return EventFormat::Aedat;
  if (name == "npy")
    return EventFormat::Npy;
  return makeError<InputError>("unknown event format '" + name +
                               "' (expected auto, nmnist, aedat or npy)");
}

namespace {
Error fileError(StringRef path, const llvm::Twine &what) {
  return makeError<InputError>(path + ": " + what);
}

Error atByte(StringRef path, uint64_t offset, const llvm::Twine &what) {
  return makeError<InputError>(path + ": byte " + llvm::Twine(offset) + ": " +
                               what);
}

/// Four int64 columns in memory per event, checked before reserving.
Error reserveEvents(EventArray &events, uint64_t count, StringRef path) {
  if (Error err = checkMemory(mulBytes(count, 4 * sizeof(int64_t)),
                              path + ": " + llvm::Twine(count) + " events"))
    return err;
  events.reserve(size_t(count));
  return Error::success();
}

//===----------------------------------------------------------------------===//
// N-MNIST / N-Caltech101: 5 bytes an event, x, y, then p (bit 7) and a
// 23-bit timestamp, big-endian.  y == 240 marks a timestamp overflow:
// 2^13 is added to every later timestamp, in uint32 as tonic adds it.
//===----------------------------------------------------------------------===//
Expected<EventArray> decodeNMnist(StringRef bytes, StringRef path) {
  if (bytes.size() % 5 != 0)
    return atByte(path, bytes.size() - bytes.size() % 5,
                  formatv("{0} trailing bytes: not a whole 5-byte N-MNIST "
                          "event",
                          bytes.size() % 5));
  EventArray events;
  if (Error err = reserveEvents(events, bytes.size() / 5, path))
    return std::move(err);
  const auto *data = reinterpret_cast<const uint8_t *>(bytes.data());
  uint32_t overflow = 0;
  for (size_t at = 0; at < bytes.size(); at += 5) {
    if (data[at + 1] == 240) {
      overflow += 1u << 13;
      continue;
    }
    uint32_t ts = (uint32_t(data[at + 2] & 127) << 16) |
                  (uint32_t(data[at + 3]) << 8) | data[at + 4];
    events.push(data[at], data[at + 1], uint32_t(ts + overflow),
                data[at + 2] >> 7);
  }
  return events;
}

//===----------------------------------------------------------------------===//
// AEDAT: '#' comment lines, one of them "#!AER-DAT<version>".  tonic finds
// the version in Python's repr of the line's bytes, between "!AER-DAT" and
// the last five characters (an escaped "\r\n" and the closing quote), so
// the same slice is taken here.
//===----------------------------------------------------------------------===//

/// Python's repr() of a bytes object.
std::string bytesRepr(StringRef bytes) {
  bool single = bytes.contains('\'') && !bytes.contains('"');
  char quote = single ? '"' : '\'';
  std::string out = "b";
  out += quote;
  for (unsigned char c : bytes) {
    if (c == quote || c == '\\')
      out += {'\\', char(c)};
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c < 0x20 || c >= 0x7f)
      out += {'\\', 'x', llvm::hexdigit(c >> 4, true),
              llvm::hexdigit(c & 15, true)};
    else
      out += char(c);
  }
  out += quote;
  return out;
}

/// Python's float() of decimal text (no "inf"/"nan": no version is).
std::optional<double> pythonFloat(StringRef text) {
  text = text.trim(" \t\n\r\f\v");
  StringRef rest = text;
  if (!rest.consume_front("+"))
    rest.consume_front("-");
  size_t digits = rest.find_first_not_of("0123456789");
  bool whole = digits != 0;
  rest = rest.drop_front(std::min(digits, rest.size()));
  bool fraction = false;
  if (rest.consume_front(".")) {
    size_t more = rest.find_first_not_of("0123456789");
    fraction = more != 0;
    rest = rest.drop_front(std::min(more, rest.size()));
  }
  if (!whole && !fraction)
    return std::nullopt;
  if (rest.consume_front("e") || rest.consume_front("E")) {
    if (!rest.consume_front("+"))
      rest.consume_front("-");
    size_t exp = rest.find_first_not_of("0123456789");
    if (exp == 0)
      return std::nullopt;
    rest = rest.drop_front(std::min(exp, rest.size()));
  }
  if (!rest.empty())
    return std::nullopt;
  return std::strtod(text.str().c_str(), nullptr);
}

struct AedatHeader {
  std::optional<double> version;
  std::optional<size_t> unreadableAt; ///< a version line float() refuses
  size_t dataStart = 0;
  bool onlyHeader = false; ///< the comments run to the end of the file
};

AedatHeader parseAedatHeader(StringRef bytes) {
  AedatHeader header;
  size_t at = 0;
  while (at < bytes.size() && bytes[at] == '#') {
    size_t end = bytes.find('\n', at + 1);
    end = end == StringRef::npos ? bytes.size() : end + 1;
    std::string repr = bytesRepr(bytes.slice(at + 1, end));
    size_t mark = repr.find("!AER-DAT");
    if (mark != std::string::npos) {
      size_t from = mark + 8, to = repr.size() - 5;
      header.version =
          pythonFloat(from < to ? StringRef(repr).slice(from, to) : "");
      if (!header.version) { // tonic's float() raises here
        header.unreadableAt = at;
        return header;
      }
    }
    at = end;
  }
  header.dataStart = at;
  header.onlyHeader = at == bytes.size();
  return header;
}

/// DVS128 addresses (read_dvs_128), big-endian pairs of address, time.
Expected<EventArray> decodeAedat2(StringRef data, size_t start,
                                  StringRef path) {
  if (data.size() % 8 != 0)
    return atByte(path, start + data.size() - data.size() % 8,
                  formatv("{0} trailing bytes: not a whole 8-byte AEDAT 2.0 "
                          "event",
                          data.size() % 8));
  EventArray events;
  if (Error err = reserveEvents(events, data.size() / 8, path))
    return std::move(err);
  for (size_t at = 0; at < data.size(); at += 8) {
    uint32_t addr = llvm::support::endian::read32be(data.data() + at);
    uint32_t time = llvm::support::endian::read32be(data.data() + at + 4);
    events.push((addr >> 8) & 0x7f, (addr >> 1) & 0x7f, time, addr & 1);
  }
  return events;
}

/// AEDAT 3.1 as tonic reads DVS Gesture (read_dvs_ibm): packets of a
/// 28-byte header, whose capacity (bytes 16..20) counts the little-endian
/// address/time pairs that follow.
Expected<EventArray> decodeAedat3(StringRef data, size_t start,
                                  StringRef path) {
  // Two passes: the first checks every packet and counts the events, so
  // the memory check covers the whole file before anything is allocated.
  uint64_t total = 0;
  size_t packets = 0;
  for (size_t at = 0; at < data.size(); ++packets) {
    size_t offset = start + at;
    if (data.size() - at < 28)
      return atByte(path, offset,
                    formatv("truncated packet header: {0} of 28 bytes",
                            data.size() - at));
    uint32_t size = llvm::support::endian::read32le(data.data() + at + 4);
    uint32_t capacity = llvm::support::endian::read32le(data.data() + at + 16);
    if (size != 8)
      return atByte(path, offset,
                    formatv("packet event size {0}, expected 8 (address, "
                            "timestamp)",
                            size));
    at += 28;
    if (uint64_t(capacity) * 8 > data.size() - at)
      return atByte(path, offset,
                    formatv("packet of {0} events needs {1} bytes, {2} remain",
                            capacity, uint64_t(capacity) * 8,
                            data.size() - at));
    at += size_t(capacity) * 8;
    total += capacity;
  }
  if (packets == 0)
    return atByte(path, start, "no event packets after the header");
  EventArray events;
  if (Error err = reserveEvents(events, total, path))
    return std::move(err);
  for (size_t at = 0; at < data.size();) {
    uint32_t capacity = llvm::support::endian::read32le(data.data() + at + 16);
    at += 28;
    for (uint32_t i = 0; i < capacity; ++i, at += 8) {
      uint32_t addr = llvm::support::endian::read32le(data.data() + at);
      uint32_t time = llvm::support::endian::read32le(data.data() + at + 4);
      events.push((addr >> 17) & 0x1fff, (addr >> 2) & 0x1fff, time,
                  (addr >> 1) & 1);
    }
  }
  return events;
}

Expected<EventRecording> decodeAedat(StringRef bytes, StringRef path) {
  AedatHeader header = parseAedatHeader(bytes);
  if (header.unreadableAt)
    return atByte(path, *header.unreadableAt,
                  "unreadable version in the '#!AER-DAT' line");
  if (!header.version)
    return atByte(path, 0, "no '#!AER-DAT' version line in the header");
  double version = *header.version;
  // tonic would read AEDAT 4 (flatbuffers) as 3.x packets: refused.
  bool v2 = version >= 2 && version < 3;
  bool v3 = version > 3 && version < 4;
  if (!v2 && !v3)
    return atByte(path, 0,
                  formatv("unsupported AEDAT version {0} (2.x and 3.x are "
                          "read)",
                          version));
  EventRecording rec;
  rec.sensor = {128, 128, 2};
  rec.format = v2 ? "aedat2" : "aedat3";
  // A file of comments alone holds no events (tonic reads none).
  StringRef data = header.onlyHeader ? "" : bytes.drop_front(header.dataStart);
  auto events = v2 ? decodeAedat2(data, header.dataStart, path)
                   : decodeAedat3(data, header.dataStart, path);
  if (!events)
    return events.takeError();
  rec.events = std::move(*events);
  return rec;
}

//===----------------------------------------------------------------------===//
// Structured .npy: a 1-D array of records with integer (or bool) fields
// x, y, t, p, as tonic's datasets hold events; other fields are skipped.
//===----------------------------------------------------------------------===//
struct NpyField {
  std::string name;
  char order = '<', kind = 'i';
  unsigned size = 0, offset = 0;
};

/// Reads one quoted Python string literal from the front of `text`.
std::optional<std::string> takeQuoted(StringRef &text) {
  text = text.ltrim();
  if (text.empty() || (text[0] != '\'' && text[0] != '"'))
    return std::nullopt;
  size_t close = text.find(text[0], 1);
  if (close == StringRef::npos)
    return std::nullopt;
  std::string value = text.slice(1, close).str();
  text = text.drop_front(close + 1).ltrim();
  return value;
}

/// Parses a descr such as [('x', '<i2'), ('t', '<i8'), ('p', '|b1')].
Expected<std::vector<NpyField>> parseDescr(StringRef &text, StringRef path) {
  auto bad = [&](const llvm::Twine &why) {
    return atByte(path, 0,
                  "not a structured event array (" + why +
                      "); expected integer fields x, y, t, p");
  };
  text = text.ltrim();
  if (!text.consume_front("["))
    return bad("descr is not a list of fields");
  std::vector<NpyField> fields;
  unsigned offset = 0;
  while (!(text = text.ltrim()).consume_front("]")) {
    if (!text.consume_front("("))
      return bad("malformed descr");
    auto name = takeQuoted(text);
    if (!name || !text.consume_front(","))
      return bad("malformed descr");
    auto type = takeQuoted(text);
    text = text.ltrim();
    if (!type || !text.consume_front(")"))
      return bad("a field with a shape or a malformed descr");
    text = text.ltrim();
    text.consume_front(",");
    StringRef spec = *type;
    NpyField field{*name};
    unsigned size;
    if (spec.size() < 3 || !llvm::is_contained("<>|=", spec[0]) ||
        spec.drop_front(2).getAsInteger(10, size) || size == 0 || size > 1024)
      return bad("field '" + *name + "' has type '" + spec + "'");
    field.order = spec[0];
    field.kind = spec[1];
    field.size = size;
    field.offset = offset;
    offset += size;
    fields.push_back(field);
    if (fields.size() > 64)
      return bad("more than 64 fields");
  }
  return fields;
}

/// Reads field `f` of the record at `rec` as an int64.
int64_t readField(const char *rec, const NpyField &f) {
  uint64_t raw = 0;
  for (unsigned i = 0; i < f.size; ++i) {
    unsigned byte = f.order == '>' ? i : f.size - 1 - i;
    raw = (raw << 8) | uint8_t(rec[f.offset + byte]);
  }
  if (f.kind == 'b')
    return raw != 0;
  if (f.kind == 'i' && f.size < 8 && (raw >> (8 * f.size - 1)) & 1)
    raw |= ~uint64_t(0) << (8 * f.size);
  return int64_t(raw);
}

Error checkEventField(const NpyField &f, StringRef path) {
  bool integer = (f.kind == 'i' || f.kind == 'u') &&
                 (f.size == 1 || f.size == 2 || f.size == 4 || f.size == 8);
  bool boolean = f.kind == 'b' && f.size == 1;
  if (integer || boolean)
    return Error::success();
  return atByte(path, 0,
                formatv("field '{0}' is {1}{2}, not an integer or bool", f.name,
                        f.kind, f.size));
}

Expected<EventRecording> decodeEventNpy(StringRef bytes, StringRef path) {
  if (bytes.size() < 10 || !bytes.startswith("\x93NUMPY"))
    return atByte(path, 0, "not a .npy file (bad magic)");
  uint8_t major = bytes[6];
  size_t start = major == 1 ? 10 : 12;
  if (major < 1 || major > 3 || bytes.size() < start)
    return atByte(path, 6, formatv("unsupported .npy version {0}", major));
  size_t headerLen = major == 1
                         ? llvm::support::endian::read16le(bytes.data() + 8)
                         : llvm::support::endian::read32le(bytes.data() + 8);
  if (headerLen > bytes.size() - start)
    return atByte(path, 8,
                  formatv("header of {0} bytes runs past the end of the file",
                          headerLen));
  StringRef dict = bytes.substr(start, headerLen);
  size_t descrAt = dict.find("'descr':");
  if (descrAt == StringRef::npos)
    return atByte(path, start, "malformed .npy header (no 'descr')");
  StringRef descr = dict.drop_front(descrAt + 8);
  auto fields = parseDescr(descr, path);
  if (!fields)
    return fields.takeError();
  if (!dict.contains("'fortran_order': False"))
    return atByte(path, start, "not a C-order array");
  size_t shapeAt = dict.find("'shape': (");
  StringRef shape = shapeAt == StringRef::npos
                        ? ""
                        : dict.drop_front(shapeAt + 10).take_until([](char c) {
                            return c == ')';
                          });
  uint64_t count;
  if (!shape.consume_back(",") || shape.trim().getAsInteger(10, count))
    return atByte(path, start, "the array is not 1-D (shape (N,) expected)");
  const NpyField *xyzp[4] = {};
  const char *names[4] = {"x", "y", "t", "p"};
  unsigned itemSize = 0;
  for (const NpyField &f : *fields) {
    itemSize += f.size;
    for (int i = 0; i < 4; ++i)
      if (f.name == names[i])
        xyzp[i] = &f;
  }
  for (int i = 0; i < 4; ++i) {
    if (!xyzp[i])
      return atByte(path, start, formatv("no field '{0}'", names[i]));
    if (Error err = checkEventField(*xyzp[i], path))
      return std::move(err);
  }
  size_t dataStart = start + headerLen;
  uint64_t have = bytes.size() - dataStart;
  if (count > have / itemSize || count * itemSize != have)
    return atByte(path, dataStart,
                  formatv("shape ({0},) of {1}-byte records does not match "
                          "the {2} bytes of data",
                          count, itemSize, have));
  EventRecording rec;
  rec.format = "npy";
  if (Error err = reserveEvents(rec.events, count, path))
    return std::move(err);
  for (uint64_t i = 0; i < count; ++i) {
    const char *at = bytes.data() + dataStart + i * itemSize;
    rec.events.push(readField(at, *xyzp[0]), readField(at, *xyzp[1]),
                    readField(at, *xyzp[2]), readField(at, *xyzp[3]));
  }
  return rec;
}

/// The format of a file: a .bin is N-MNIST whatever its first bytes (an
/// N-Caltech101 event may start with '#', x 35); then the content, then the
/// extension.
EventFormat detectFormat(StringRef bytes, StringRef path) {
  StringRef ext = llvm::sys::path::extension(path);
  if (ext.equals_insensitive(".bin"))
    return EventFormat::NMnist;
  if (bytes.startswith("\x93NUMPY"))
    return EventFormat::Npy;
  if (bytes.startswith("#!AER-DAT"))
    return EventFormat::Aedat;
  if (ext.equals_insensitive(".aedat") || ext.equals_insensitive(".dat"))
    return EventFormat::Aedat;
  if (ext.equals_insensitive(".npy"))
    return EventFormat::Npy;
  return EventFormat::Auto;
}
} // namespace

Expected<EventRecording> snnc::readEvents(StringRef path, EventFormat format) {
  if (Error err = requireRegularFile(path))
    return classify<InputError>(std::move(err));
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, "cannot read: " + buffer.getError().message());
  StringRef bytes = (*buffer)->getBuffer();
  if (format == EventFormat::Auto)
    format = detectFormat(bytes, path);
  switch (format) {
  case EventFormat::NMnist: {
    auto events = decodeNMnist(bytes, path);
    if (!events)
      return events.takeError();
    EventRecording rec;
    rec.events = std::move(*events);
    rec.format = "nmnist";
    return rec;
  }
  case EventFormat::Aedat:
    return decodeAedat(bytes, path);
  case EventFormat::Npy:
    return decodeEventNpy(bytes, path);
  case EventFormat::Auto:
    break;
  }
  return fileError(path, "unknown event file format (expected an N-MNIST "
                         ".bin, an AEDAT file starting '#!AER-DAT' or named "
                         ".aedat, or a structured .npy)");
}
