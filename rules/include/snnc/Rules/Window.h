//===- Window.h - window arithmetic and its limits --------------*- C++ -*-===//
//
// The output size of one spatial axis of a convolution or pooling window,
// and the bounds on its terms, as the snn dialect (ir/: every importer and
// the float engine) and a core network (runtime/: packages, the golden and
// RTL engines) check them.  Header-only and LLVM-free, below both, so that
// the two checks share one formula and one set of limits.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_RULES_WINDOW_H
#define SNNC_RULES_WINDOW_H

#include <cstdint>
#include <string>

namespace snnc::rules {

/// Geometry of one spatial axis of a window op (convolution or pooling).
struct WindowAxis {
  int64_t input, kernel, stride, padBefore, padAfter, dilation = 1;
};

/// The largest kernel, stride, dilation, pad or input a window may have in
/// the snn dialect.  No frame a core runs is near it, and with every term
/// below it the window's arithmetic cannot overflow (a dilation of 2^62
/// once wrapped around).  Core networks keep strides and dilations to it.
constexpr int64_t kMaxWindowParam = int64_t(1) << 16;

/// The largest pad of a core network's convolution (a package).  Tighter
/// than kMaxWindowParam: the dialect, and so the float engine, runs pads up
/// to 65,536, but a core network never needs more than a frame's worth, and
/// packages have been checked with 1,024 since their first version.  Padded
/// pools never reach a core network (snn-lower-pooling refuses them).
constexpr int64_t kMaxCorePad = 1024;

/// Why a window axis has no output size.
enum class WindowFault {
  None,
  NotPositive, ///< a kernel, stride or dilation below 1
  NegativePad,
  TooLarge, ///< a term above its limit (`term` says which value)
  NoOutput, ///< the dilated kernel is wider than the padded input
};

/// One axis's output size, or the fault that leaves it without one.
struct WindowSize {
  int64_t size = 0;
  WindowFault fault = WindowFault::None;
  int64_t term = 0;             ///< TooLarge: the offending value
  int64_t span = 0, padded = 0; ///< NoOutput: the window and the input
  explicit operator bool() const { return fault == WindowFault::None; }
};

/// The arithmetic, for terms already bounded: 0 outputs when the dilated
/// kernel (span) exceeds the padded input.
inline WindowSize windowArithmetic(const WindowAxis &axis) {
  WindowSize result;
  result.span = axis.dilation * (axis.kernel - 1) + 1;
  result.padded = axis.input + axis.padBefore + axis.padAfter;
  if (result.span > result.padded)
    result.fault = WindowFault::NoOutput;
  else
    result.size = (result.padded - result.span) / axis.stride + 1;
  return result;
}

/// The snn dialect's rule: every term at least 1 (pads 0) and at most
/// kMaxWindowParam, checked before any arithmetic, and at least one output.
inline WindowSize checkWindow(const WindowAxis &axis) {
  WindowSize bad;
  if (axis.kernel < 1 || axis.stride < 1 || axis.dilation < 1) {
    bad.fault = WindowFault::NotPositive;
    return bad;
  }
  if (axis.padBefore < 0 || axis.padAfter < 0) {
    bad.fault = WindowFault::NegativePad;
    return bad;
  }
  for (int64_t term : {axis.input, axis.kernel, axis.stride, axis.padBefore,
                       axis.padAfter, axis.dilation})
    if (term > kMaxWindowParam) {
      bad.fault = WindowFault::TooLarge;
      bad.term = term;
      return bad;
    }
  return windowArithmetic(axis);
}

/// A core network's rule: strides and dilations in [1, kMaxWindowParam],
/// pads in [0, kMaxCorePad], checked before any arithmetic.  The kernel and
/// the input are weight and population dims, which the network's own
/// bounds keep >= 1 and far from overflow (kernel < 2^31, input < 2^27).
/// NoOutput comes with size 0: the caller compares it with its target.
inline WindowSize checkCoreWindow(const WindowAxis &axis) {
  WindowSize bad;
  for (int64_t term : {axis.stride, axis.dilation})
    if (term < 1) {
      bad.fault = WindowFault::NotPositive;
      return bad;
    }
  for (int64_t pad : {axis.padBefore, axis.padAfter})
    if (pad < 0) {
      bad.fault = WindowFault::NegativePad;
      return bad;
    }
  for (int64_t term : {axis.stride, axis.dilation})
    if (term > kMaxWindowParam) {
      bad.fault = WindowFault::TooLarge;
      bad.term = term;
      return bad;
    }
  for (int64_t pad : {axis.padBefore, axis.padAfter})
    if (pad > kMaxCorePad) {
      bad.fault = WindowFault::TooLarge;
      bad.term = pad;
      return bad;
    }
  return windowArithmetic(axis);
}

/// Why checkWindow found no output size, as the dialect's diagnostics (and
/// the ONNX importer's) say it.
inline std::string describe(const WindowSize &result) {
  switch (result.fault) {
  case WindowFault::None:
    return "";
  case WindowFault::NotPositive:
    return "kernel, stride and dilation must be >= 1";
  case WindowFault::NegativePad:
    return "pads must be >= 0";
  case WindowFault::TooLarge:
    return "kernel, stride, dilation, pads and input must be at most " +
           std::to_string(kMaxWindowParam) + ", got " +
           std::to_string(result.term);
  case WindowFault::NoOutput:
    return "window of " + std::to_string(result.span) +
           " exceeds padded input of " + std::to_string(result.padded);
  }
  return "";
}

} // namespace snnc::rules

#endif // SNNC_RULES_WINDOW_H
