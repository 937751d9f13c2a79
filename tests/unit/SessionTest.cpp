//===- SessionTest.cpp - the host API: devices, sessions, capabilities ----===//
//
// The one grammar of devices (Device::parse), and what a Session asks of
// its engine: capabilities through Engine's virtual methods, the checks
// every engine's inputs and outputs pass.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/Session.h"
#include "snnc/Runtime/CoreEngine.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Npy.h"
#include "snnc/Runtime/Package.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace snnc;

namespace {

std::string errorText(llvm::Error err) {
  return llvm::toString(std::move(err));
}

template <typename T> std::string errorText(llvm::Expected<T> &value) {
  EXPECT_FALSE(bool(value));
  return value ? std::string() : llvm::toString(value.takeError());
}

/// input [2] --dense--> readout [2]: T = 1, unit 1, so the readout is the
/// integer current (the input is quantized to 8 bits over 0..1).
CoreNetwork denseNetwork() {
  CoreNetwork net;
  net.timesteps = 1;
  net.input.gain.assign(2, 1.0);
  net.input.offset.assign(2, 0.0);
  net.input.scale = 1.0f;
  net.input.bits = 8;
  CorePopulation input;
  input.kind = PopulationKind::Input;
  input.shape = {2};
  net.populations.push_back(input);
  CorePopulation out;
  out.kind = PopulationKind::Readout;
  out.shape = {2};
  out.bias.assign(2, 0);
  out.unit.assign(2, 1.0f);
  net.populations.push_back(out);
  net.readout = 1;
  CoreProjection p;
  p.kind = ProjectionKind::Dense;
  p.source = 0;
  p.target = 1;
  p.weightShape = {2, 2};
  p.weights = {1, 0, 0, -1};
  net.projections.push_back(p);
  return net;
}

/// An engine that can do nothing beyond run(), returning `value` scores.
class PlainEngine : public Engine {
public:
  explicit PlainEngine(float value) : value(value) {}
  llvm::Expected<NDArray> run(const NDArray &input, int64_t) override {
    int64_t samples = input.shape[0];
    return NDArray{{samples, 2}, std::vector<float>(samples * 2, value)};
  }

private:
  float value;
};

FloatGraph twoInputs() {
  FloatGraph graph;
  graph.inputShape = {2};
  graph.numOutputs = 2;
  graph.timesteps = 1;
  return graph;
}

TEST(DeviceParse, GoldenAndBoards) {
  auto golden = Device::parse("golden");
  ASSERT_TRUE(bool(golden));
  EXPECT_EQ(golden->kind(), "golden");
  auto board = Device::parse("board:/dev/ttyUSB1@9600");
  ASSERT_TRUE(bool(board));
  EXPECT_EQ(board->kind(), "board");
  EXPECT_EQ(board->name(), "board /dev/ttyUSB1");
  // Only a number after the last '@' is a baud rate.
  auto at = Device::parse("board:/tmp/a@b");
  ASSERT_TRUE(bool(at));
  EXPECT_EQ(at->name(), "board /tmp/a@b");
  DeviceOptions options;
  options.link.device = "/dev/pts/7";
  auto fromOptions = Device::parse("board", options);
  ASSERT_TRUE(bool(fromOptions));
  EXPECT_EQ(fromOptions->name(), "board /dev/pts/7");
}

TEST(DeviceParse, RefusesWhatItDoesNotKnow) {
  const char *hint = "': use golden, rtl or board:/dev/ttyUSB1";
  for (const char *spec : {"gold", "board", "board:", "boards", "", "rtl2"}) {
    auto device = Device::parse(spec);
    EXPECT_EQ(errorText(device), std::string("unknown device '") + spec + hint);
  }
  // From termios's slowest to the FT2232H's 12 Mbaud (a PLL bitstream's
  // link runs at 4.35 Mbaud, say).
  auto baud = Device::parse("board:/dev/ttyUSB1@10");
  EXPECT_EQ(errorText(baud), "device 'board:/dev/ttyUSB1@10': the baud rate "
                             "must be in [50, 12000000]");
  EXPECT_TRUE(bool(Device::parse("board:/dev/ttyUSB1@4350000")));
  EXPECT_TRUE(bool(Device::parse("board:/dev/ttyUSB1@12000000")));
  auto fast = Device::parse("board:/dev/ttyUSB1@12000001");
  EXPECT_EQ(errorText(fast), "device 'board:/dev/ttyUSB1@12000001': the baud "
                             "rate must be in [50, 12000000]");
}

TEST(DeviceParse, KindsFromOtherLibraries) {
  Device::registerKind("plain", [](const DeviceOptions &options) {
    return Device("plain", "plain " + std::to_string(options.lanes),
                  [](CoreNetwork) -> llvm::Expected<std::unique_ptr<Engine>> {
                    return std::make_unique<PlainEngine>(1.0f);
                  });
  });
  DeviceOptions options;
  options.lanes = 4;
  auto device = Device::parse("plain", options);
  ASSERT_TRUE(bool(device));
  EXPECT_EQ(device->name(), "plain 4");
  auto session = Session::create(denseNetwork(), *device);
  ASSERT_TRUE(bool(session));
  EXPECT_EQ(session->deviceKind(), "plain");
  // PlainEngine has none of the optional capabilities.
  EXPECT_EQ(errorText(session->recordSpikes(true)),
            "spike traces need the golden or rtl device; the plain 4 device "
            "keeps none");
  EXPECT_EQ(session->goldenStats(), nullptr);
  EXPECT_EQ(session->coreStats(), nullptr);
  EXPECT_EQ(session->linkStats(), nullptr);
  EXPECT_TRUE(session->spikes().empty());
}

TEST(Session, GoldenCapabilities) {
  auto session = Session::create(denseNetwork());
  ASSERT_TRUE(bool(session));
  ASSERT_FALSE(bool(session->recordSpikes(true)));
  session->setThreads(2);
  auto scores = session->infer(NDArray{{1, 2}, {1.0f, 0.5f}});
  ASSERT_TRUE(bool(scores));
  ASSERT_NE(session->goldenStats(), nullptr);
  EXPECT_EQ(session->goldenStats()->samples, 1);
  EXPECT_EQ(session->coreStats(), nullptr);
  EXPECT_EQ(session->linkStats(), nullptr);
  EXPECT_EQ(Session::classes(*scores), std::vector<int64_t>{0});
}

TEST(Session, RefusesAnInvalidNetwork) {
  CoreNetwork net = denseNetwork();
  net.projections[0].weights.pop_back();
  auto session = Session::create(net);
  EXPECT_FALSE(errorText(session).empty());
}

TEST(Session, ChecksInputsAndScoresOfAnyEngine) {
  Session session =
      Session::attach(std::make_unique<PlainEngine>(NAN), twoInputs(), "plain");
  auto shape = session.infer(NDArray{{1, 3}, {0, 0, 0}}, std::nullopt, "x.npy");
  EXPECT_EQ(errorText(shape).rfind("x.npy: shape [1, 3] does not match", 0),
            0u);
  auto nan =
      session.infer(NDArray{{2, 2}, {0, 0, 0, 0}}, std::nullopt, "x.npy", 40);
  EXPECT_EQ(errorText(nan).rfind("sample 40, output 0: the engine produced "
                                 "nan",
                                 0),
            0u);
}

TEST(Session, Accuracy) {
  NDArray scores{{3, 2}, {1, 0, 0, 1, 1, 0}};
  auto accuracy = Session::accuracy(scores, {0, 1, 1});
  ASSERT_TRUE(bool(accuracy));
  EXPECT_EQ(accuracy->correct, 2);
  EXPECT_EQ(accuracy->total, 3);
  auto label = Session::accuracy(scores, {0, 2, 1});
  EXPECT_EQ(errorText(label),
            "label 2 of sample 1 is not a class of this model (0..1)");
  auto count = Session::accuracy(scores, {0, 1});
  EXPECT_EQ(errorText(count), "3 scores for 2 labels");
}

/// The class of an error, and its message (the error consumed).
std::pair<std::string, std::string> classAndText(llvm::Error err) {
  std::string kind = errorClass(err);
  return {kind, llvm::toString(std::move(err))};
}

TEST(TypedErrors, EachFailureSaysWhatFailed) {
  auto device = Device::parse("nope");
  EXPECT_EQ(classAndText(device.takeError()).first, "device");
  auto package = decodePackage("not a package");
  EXPECT_EQ(classAndText(package.takeError()).first, "package");
  auto npy = readNpy("/nonexistent/x.npy");
  EXPECT_EQ(classAndText(npy.takeError()).first, "input");
  auto labels = Session::accuracy(NDArray{{1, 2}, {0, 1}}, {5});
  EXPECT_EQ(classAndText(labels.takeError()).first, "input");
  auto invalid = Session::create(CoreNetwork());
  EXPECT_EQ(classAndText(invalid.takeError()).first, "model");
  EXPECT_EQ(classAndText(plainError("other")).first, "");
  // A board reset is a device failure, and still a BusResetError.
  llvm::Error reset = llvm::make_error<BusResetError>("the board was reset");
  EXPECT_TRUE(reset.isA<BusResetError>());
  EXPECT_EQ(classAndText(std::move(reset)),
            std::make_pair(std::string("device"),
                           std::string("the board was reset")));
}

TEST(TypedErrors, PrefixKeepsTheClass) {
  auto [kind, text] = classAndText(
      prependToError("x.snnpkg: ", makeError<PackageError>("truncated")));
  EXPECT_EQ(kind, "package");
  EXPECT_EQ(text, "x.snnpkg: truncated");
  auto [plainKind, plainText] =
      classAndText(prependToError("a: ", plainError("b")));
  EXPECT_EQ(plainKind, "");
  EXPECT_EQ(plainText, "a: b");
  // A message that already names the path keeps its text (and its class).
  auto [namedKind, namedText] = classAndText(prependToError(
      "x.npy: ", makeError<InputError>("x.npy: truncated"), "x.npy"));
  EXPECT_EQ(namedKind, "input");
  EXPECT_EQ(namedText, "x.npy: truncated");
}

} // namespace
