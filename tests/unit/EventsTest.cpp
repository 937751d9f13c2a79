//===- EventsTest.cpp - event-file readers and ToFrame binning ------------===//
//
// Hand-computed cases; tests/python/test_events.py compares both against
// tonic itself.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/Events.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Limits.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace snnc;

namespace {
/// A temporary file holding `bytes`, removed when the test ends.
class TempFile {
public:
  TempFile(const std::string &bytes, llvm::StringRef suffix) {
    llvm::SmallString<128> name;
    EXPECT_FALSE(
        llvm::sys::fs::createTemporaryFile("snnc-events", suffix, name));
    path = std::string(name);
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    out << bytes;
  }
  ~TempFile() { llvm::sys::fs::remove(path); }
  std::string path;
};

std::string u32le(uint32_t v) {
  return {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
}
std::string u32be(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

/// The error of `result`, which must fail as an InputError.
template <typename T> std::string inputError(llvm::Expected<T> result) {
  EXPECT_FALSE(bool(result));
  if (result)
    return "";
  llvm::Error err = result.takeError();
  EXPECT_STREQ(errorClass(err), "input");
  return llvm::toString(std::move(err));
}

TEST(Events, NMnistAddsTwoToThe13thAfterEachOverflowMarker) {
  std::string bytes;
  bytes += {'#', 4, char(0x80 | 0x01), 0x02, 0x03}; // p 1, ts 0x010203
  bytes += {9, char(240), 0, 0, 0};                 // overflow marker
  bytes += {5, 6, 0x00, 0x00, 0x07};                // p 0, ts 7 + 8192
  TempFile file(bytes, "bin");
  auto rec = readEvents(file.path);
  ASSERT_TRUE(bool(rec)) << llvm::toString(rec.takeError());
  EXPECT_EQ(rec->format, "nmnist");
  EXPECT_FALSE(rec->sensor.known());
  EXPECT_EQ(rec->events.x, (std::vector<int64_t>{'#', 5})); // not AEDAT
  EXPECT_EQ(rec->events.y, (std::vector<int64_t>{4, 6}));
  EXPECT_EQ(rec->events.t, (std::vector<int64_t>{0x010203, 7 + 8192}));
  EXPECT_EQ(rec->events.p, (std::vector<int64_t>{1, 0}));
}

TEST(Events, Aedat2DecodesDvs128Addresses) {
  // x 100 (bits 8..14), y 17 (bits 1..7), p 1; bit 15 and up are masked.
  uint32_t addr = 0xffff8000u | (100u << 8) | (17u << 1) | 1u;
  TempFile file("#!AER-DAT2.0\r\n# comment\r\n" + u32be(addr) +
                    u32be(123456789),
                "aedat");
  auto rec = readEvents(file.path);
  ASSERT_TRUE(bool(rec)) << llvm::toString(rec.takeError());
  EXPECT_EQ(rec->format, "aedat2");
  EXPECT_EQ(rec->sensor.width, 128);
  EXPECT_EQ(rec->events.x, std::vector<int64_t>{100});
  EXPECT_EQ(rec->events.y, std::vector<int64_t>{17});
  EXPECT_EQ(rec->events.t, std::vector<int64_t>{123456789});
  EXPECT_EQ(rec->events.p, std::vector<int64_t>{1});
}

TEST(Events, Aedat2VersionIsReadAsTonicSlicesIt) {
  // "\n" alone: tonic's slice of the line's repr leaves "2", still 2.0.
  TempFile file("#!AER-DAT2.0\n" + u32be(1) + u32be(5), "dat");
  auto rec = readEvents(file.path);
  ASSERT_TRUE(bool(rec)) << llvm::toString(rec.takeError());
  EXPECT_EQ(rec->format, "aedat2");
  EXPECT_EQ(rec->events.p, std::vector<int64_t>{1});
  // A header alone holds no events.
  TempFile header("#!AER-DAT2.0\r\n#end\r\n", "aedat");
  auto none = readEvents(header.path);
  ASSERT_TRUE(bool(none));
  EXPECT_EQ(none->events.size(), 0u);
}

std::string aedat3Packet(const std::vector<uint32_t> &addrs,
                         uint32_t capacity) {
  std::string out = std::string{1, 0, 1, 0} + u32le(8) + u32le(4) + u32le(0) +
                    u32le(capacity) + u32le(capacity) + u32le(capacity);
  for (size_t i = 0; i < addrs.size(); ++i)
    out += u32le(addrs[i]) + u32le(uint32_t(1000 + i));
  return out;
}

TEST(Events, Aedat3ReadsEveryPacketWithTheGestureLayout) {
  uint32_t a = (127u << 17) | (3u << 2) | (1u << 1) | 1u;
  uint32_t b = (2u << 17) | (126u << 2) | 1u;
  TempFile file("#!AER-DAT3.1\r\n#!END-HEADER\r\n" + aedat3Packet({a}, 1) +
                    aedat3Packet({}, 0) + aedat3Packet({b, a}, 2),
                "aedat");
  auto rec = readEvents(file.path);
  ASSERT_TRUE(bool(rec)) << llvm::toString(rec.takeError());
  EXPECT_EQ(rec->format, "aedat3");
  EXPECT_EQ(rec->events.x, (std::vector<int64_t>{127, 2, 127}));
  EXPECT_EQ(rec->events.y, (std::vector<int64_t>{3, 126, 3}));
  EXPECT_EQ(rec->events.p, (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(rec->events.t, (std::vector<int64_t>{1000, 1000, 1001}));
}

std::string npyFile(const std::string &descr, const std::string &shape,
                    const std::string &body) {
  std::string dict = "{'descr': " + descr +
                     ", 'fortran_order': False, 'shape': " + shape + ", }";
  dict.append(63 - (dict.size() + 10) % 64, ' ');
  dict += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) +
         std::string{char(dict.size() & 255), char(dict.size() >> 8)} + dict +
         body;
}

TEST(Events, NpyReadsTonicsStructuredArrays) {
  // The DVS Gesture dtype: fields in another order, p a bool, big-endian x.
  std::string record = std::string{0, 7} + std::string{5, 0} + std::string{1} +
                       std::string{char(0xe8), 3, 0, 0, 0, 0, 0, 0};
  TempFile file(npyFile("[('x', '>i2'), ('y', '<i2'), ('p', '|b1'), "
                        "('t', '<i8')]",
                        "(1,)", record),
                "npy");
  auto rec = readEvents(file.path);
  ASSERT_TRUE(bool(rec)) << llvm::toString(rec.takeError());
  EXPECT_EQ(rec->events.x, std::vector<int64_t>{7});
  EXPECT_EQ(rec->events.y, std::vector<int64_t>{5});
  EXPECT_EQ(rec->events.t, std::vector<int64_t>{1000});
  EXPECT_EQ(rec->events.p, std::vector<int64_t>{1});
}

TEST(Events, MalformedFilesAreOneLineInputErrors) {
  struct Case {
    std::string bytes, suffix, message;
  } cases[] = {
      {std::string(7, '\0'), "bin", "byte 5: 2 trailing bytes"},
      {"#hello\n" + std::string(8, '\0'), "aedat", "no '#!AER-DAT'"},
      {"#!AER-DAT3.0\r\n", "aedat", "unsupported AEDAT version 3"},
      {"#!AER-DAT2.0\r\n" + std::string(9, '\0'), "aedat",
       "byte 22: 1 trailing bytes"},
      {"#!AER-DAT3.1\r\n" + std::string(27, '\0'), "aedat",
       "byte 14: truncated packet header: 27 of 28"},
      {"#!AER-DAT3.1\r\n" + aedat3Packet({}, 0x20000000), "aedat",
       "byte 14: packet of 536870912 events needs 4294967296 bytes, 0 remain"},
      {"#!AER-DAT3.1\r\n", "aedat", "no event packets"},
      {npyFile("'<f4'", "(1,)", std::string(4, '\0')), "npy",
       "not a structured event array"},
      {npyFile("[('x', '<i2'), ('y', '<i2'), ('t', '<i8'), ('p', '|b1')]",
               "(1000000000000,)", std::string(13, '\0')),
       "npy", "does not match the 13 bytes of data"},
      {"plain text", "txt", "unknown event file format"},
  };
  for (const Case &c : cases) {
    TempFile file(c.bytes, c.suffix);
    std::string message = inputError(readEvents(file.path));
    EXPECT_NE(message.find(c.message), std::string::npos) << message;
    EXPECT_EQ(message.rfind(file.path + ": ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

EventArray events(std::vector<int64_t> x, std::vector<int64_t> y,
                  std::vector<int64_t> t, std::vector<int64_t> p) {
  return {std::move(x), std::move(y), std::move(t), std::move(p)};
}

TEST(EventFrames, TimeBinsFollowTonicsWindows) {
  // Span 9 over 2 bins: windows [0, 4) and [4, 8); t = 9 is in neither.
  EventArray ev =
      events({0, 1, 2, 2}, {0, 1, 0, 1}, {0, 5, 9, 4}, {0, 1, 1, 0});
  ev.t = {0, 4, 5, 9};
  FrameOptions o;
  o.sensorSize = {3, 2, 2};
  o.nTimeBins = 2;
  auto frames = toFrames(ev, o);
  ASSERT_TRUE(bool(frames)) << llvm::toString(frames.takeError());
  EXPECT_EQ(frames->shape, (std::vector<int64_t>{2, 2, 2, 3}));
  std::vector<float> expected(24, 0.0f);
  expected[0] = 1;                      // frame 0, p 0, y 0, x 0 (t 0)
  expected[12 + 1 * 6 + 1 * 3 + 1] = 1; // frame 1, p 1, y 1, x 1 (t 4)
  expected[12 + 1 * 6 + 0 * 3 + 2] = 1; // frame 1, p 1, y 0, x 2 (t 5)
  EXPECT_EQ(frames->data, expected);
}

TEST(EventFrames, EventCountAndEventBinsCutByIndex) {
  EventArray ev = events({0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {1, 2, 3, 4, 5},
                         {0, 0, 0, 0, 0});
  FrameOptions o;
  o.sensorSize = {1, 1, 1};
  o.eventCount = 2;
  auto counts = toFrames(ev, o); // [0, 2), [2, 4); the fifth is dropped
  ASSERT_TRUE(bool(counts));
  EXPECT_EQ(counts->data, (std::vector<float>{2, 2}));
  o.includeIncomplete = true; // ceil((5 - 2) / 2) + 1 slices
  EXPECT_EQ(toFrames(ev, o)->data, (std::vector<float>{2, 2, 1}));
  o = FrameOptions();
  o.sensorSize = {1, 1, 1};
  o.nEventBins = 2;
  o.overlap = 0.5; // 5 // 2 * 1.5 = 3 events a bin, stride int(3 * 0.5)
  EXPECT_EQ(toFrames(ev, o)->data, (std::vector<float>{3, 3}));
  o.overlap = 1.5; // stride int(-2.5): the second slice is data[-2:3]
  EXPECT_EQ(toFrames(ev, o)->data, (std::vector<float>{5, 0}));
}

TEST(EventFrames, TimeWindowCountsAtLeastOneFrame) {
  EventArray ev = events({0, 0}, {0, 0}, {10, 20}, {1, 1});
  FrameOptions o;
  o.timeWindow = 100;            // longer than the recording: one frame
  auto frames = toFrames(ev, o); // sensor inferred: 1 x 1, one polarity
  ASSERT_TRUE(bool(frames));
  EXPECT_EQ(frames->shape, (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(frames->data, std::vector<float>{2});
}

TEST(EventFrames, RefusesWhatTonicCannotBin) {
  EventArray ev = events({0, 5}, {0, 0}, {0, 1}, {0, 1});
  FrameOptions o;
  o.sensorSize = {4, 4, 2};
  o.nTimeBins = 1;
  o.eventCount = 3;
  EXPECT_NE(inputError(toFrames(ev, o)).find("exactly one of"),
            std::string::npos);
  o.eventCount.reset();
  o.nTimeBins = 1;
  ev.t = {0, 0}; // one bin of zero width holds nothing: no error
  EXPECT_TRUE(bool(toFrames(ev, o)));
  // As in tonic, only the events a frame counts are indexed: the bin
  // [0, 2) leaves out the event at x 5.
  ev.t = {0, 2};
  EXPECT_TRUE(bool(toFrames(ev, o)));
  o.nTimeBins.reset();
  o.eventCount = 2;
  EXPECT_NE(inputError(toFrames(ev, o))
                .find("event 1 (x 5, y 0, p 1) is "
                      "outside sensor_size (4, 4, 2)"),
            std::string::npos);
  o.sensorSize = {8, 1, 1};
  EXPECT_NE(inputError(toFrames(ev, o)).find("both polarities"),
            std::string::npos);
}

TEST(EventFrames, FramesOverTheMemoryLimitAreLimitErrors) {
  uint64_t saved = memoryLimit();
  setMemoryLimit(1 << 20);
  EventArray ev = events({0}, {0}, {0}, {0});
  FrameOptions o;
  o.sensorSize = {128, 128, 2};
  o.nTimeBins = int64_t(1) << 40;
  auto frames = toFrames(ev, o);
  ASSERT_FALSE(bool(frames));
  llvm::Error err = frames.takeError();
  EXPECT_STREQ(errorClass(err), "limit");
  llvm::consumeError(std::move(err));
  setMemoryLimit(saved);
}

TEST(EventFrames, ParsesTheFramesOption) {
  auto o = parseFrameOptions("n_time_bins=10,overlap=0.25,sensor_size=34x34x2");
  ASSERT_TRUE(bool(o)) << llvm::toString(o.takeError());
  EXPECT_EQ(*o->nTimeBins, 10);
  EXPECT_EQ(o->overlap, 0.25);
  EXPECT_EQ(o->sensorSize.height, 34);
  auto t = parseFrameOptions("time_window=1000.5,include_incomplete=true");
  ASSERT_TRUE(bool(t));
  EXPECT_EQ(*t->timeWindow, 1000.5);
  EXPECT_TRUE(t->includeIncomplete);
  for (const char *bad : {"", "n_time_bins=x", "frames=3",
                          "n_time_bins=2,"
                          "event_count=3",
                          "sensor_size=34x34", "time_window=-1"})
    EXPECT_NE(inputError(parseFrameOptions(bad)).rfind("--frames", 0),
              std::string::npos)
        << bad;
}

TEST(EventFrames, StacksSamplesForSessionInput) {
  NDArray a{{2, 1, 1, 2}, {1, 2, 3, 4}}, b{{2, 1, 1, 2}, {5, 6, 7, 8}};
  auto both = stackFrames({a, b});
  ASSERT_TRUE(bool(both));
  EXPECT_EQ(both->shape, (std::vector<int64_t>{2, 2, 1, 1, 2}));
  EXPECT_EQ(both->data, (std::vector<float>{1, 2, 5, 6, 3, 4, 7, 8}));
  NDArray c{{1, 1, 1, 2}, {0, 0}};
  EXPECT_NE(inputError(stackFrames({a, c})).find("sample 1"),
            std::string::npos);
}
} // namespace
