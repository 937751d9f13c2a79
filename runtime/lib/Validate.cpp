//===- Validate.cpp - structural checks of a CoreNetwork ------------------===//
#include "snnc/Rules/Window.h"
#include "snnc/Runtime/CoreNetwork.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace snnc;
using llvm::Error;
using llvm::formatv;

namespace {
Error invalid(const llvm::Twine &what) { return makeError<ModelError>(what); }

/// At most this many neurons in one population, and in the whole network:
/// the engines hold ~33 bytes of state a neuron, so populations bounded
/// only in size could still add up past any machine's memory.
constexpr int64_t kMaxNeurons = int64_t(1) << 26;

Error checkShape(const CorePopulation &p) {
  if (p.shape.size() != 1 && p.shape.size() != 3)
    return invalid(
        formatv("population '{0}' must be [C] or [C, H, W]", p.name));
  int64_t count = 1;
  for (int64_t d : p.shape) {
    if (d < 1 || d > kMaxNeurons || (count *= d) > kMaxNeurons)
      return invalid(formatv("population '{0}' has an invalid shape", p.name));
  }
  return Error::success();
}

Error checkLIF(const CorePopulation &p) {
  if (int64_t(p.threshold.size()) != p.channels() ||
      int64_t(p.bias.size()) != p.channels())
    return invalid(formatv("population '{0}' needs a threshold and a bias "
                           "per channel",
                           p.name));
  bool decayValid = int64_t(p.decay.size()) == p.channels();
  if (p.stateBits < 4 || p.stateBits > 32 || p.decayBits < 0 ||
      p.decayBits > 16)
    decayValid = false;
  for (int64_t d : p.decay)
    decayValid = decayValid && d >= 0 && d <= (int64_t(1) << p.decayBits);
  if (!decayValid)
    return invalid(formatv("population '{0}' has an invalid state width or "
                           "decay",
                           p.name));
  int64_t limit = (int64_t(1) << (p.stateBits - 1)) - 1;
  for (size_t c = 0; c < p.threshold.size(); ++c)
    // Compared without std::abs, which overflows on INT64_MIN.
    if (p.threshold[c] < 1 || p.threshold[c] > limit || p.bias[c] < -limit ||
        p.bias[c] > limit)
      return invalid(formatv("population '{0}' channel {1}: threshold or bias "
                             "outside the {2}-bit state",
                             p.name, c, p.stateBits));
  if (!p.currentPool.empty() &&
      (p.currentPool.size() != 2 || p.shape.size() != 3 ||
       llvm::any_of(p.currentPool,
                    [](int64_t q) { return q < 1 || q > 255; }) ||
       p.shape[1] * p.currentPool[0] > kMaxNeurons ||
       p.shape[2] * p.currentPool[1] > kMaxNeurons ||
       p.size() * p.currentPool[0] * p.currentPool[1] > kMaxNeurons))
    return invalid(formatv("population '{0}' has an invalid current pool "
                           "(two windows in [1, 255] of a [C, H, W] "
                           "population)",
                           p.name));
  // Only reports read it, but a report must not print NaN.
  if (p.vThreshold && !(std::isfinite(*p.vThreshold) && *p.vThreshold > 0))
    return invalid(
        formatv("population '{0}' has an invalid float threshold", p.name));
  return Error::success();
}

/// The readout's units: one finite real value per output.
Error checkUnits(const CorePopulation &p) {
  if (int64_t(p.unit.size()) != p.channels())
    return invalid(formatv("readout '{0}' needs a unit per output", p.name));
  for (float u : p.unit)
    if (!std::isfinite(u))
      return invalid(formatv("readout '{0}' has a non-finite unit", p.name));
  return Error::success();
}

Error checkReadout(const CorePopulation &p) {
  if (!p.currentPool.empty())
    return invalid(formatv("readout '{0}' cannot pool its currents", p.name));
  if (int64_t(p.bias.size()) != p.channels())
    return invalid(formatv("readout '{0}' needs a bias per output", p.name));
  if (Error err = checkUnits(p))
    return err;
  // The readout adds current + bias at every step: a bias within 32 bits
  // keeps the sum over kMaxTimesteps steps far inside 64.
  const int64_t limit = (int64_t(1) << 31) - 1;
  for (size_t c = 0; c < p.bias.size(); ++c)
    if (p.bias[c] < -limit || p.bias[c] > limit)
      return invalid(formatv("readout '{0}' output {1}: bias {2} is outside "
                             "32 bits",
                             p.name, c, p.bias[c]));
  return Error::success();
}

/// A LIF read by its membranes: the readout's units, one per channel, of a
/// dense population (the [N, K] readout).
Error checkMembraneReadout(const CorePopulation &p) {
  if (p.shape.size() != 1 || !p.currentPool.empty())
    return invalid(formatv("readout '{0}': a membrane readout is a [K] "
                           "population",
                           p.name));
  return checkUnits(p);
}

/// [C, H, W] of a population, with H = W = 1 for [C].
std::vector<int64_t> chw(const std::vector<int64_t> &shape) {
  return {shape[0], shape.size() > 1 ? shape[1] : 1,
          shape.size() > 2 ? shape[2] : 1};
}

/// `slack`: how many more rows and columns than the target's grid the
/// convolution may produce (a target that max-pools its currents reads
/// whole windows only, so up to window - 1 outputs go unread).
Error checkConv(const CoreProjection &p, std::vector<int64_t> src,
                const std::vector<int64_t> &dst,
                const std::vector<int64_t> &slack) {
  if (p.weightShape.size() != 4 || p.strides.size() != 2 ||
      p.pads.size() != 4 || p.dilations.size() != 2)
    return invalid(formatv("conv '{0}' needs a 4-D weight, 2 strides, 4 pads "
                           "and 2 dilations",
                           p.name));
  if (p.weightShape[0] != dst[0] || p.weightShape[1] != src[0])
    return invalid(
        formatv("conv '{0}' weight does not match its populations", p.name));
  for (int axis = 0; axis < 2; ++axis) {
    // The core rule bounds strides, dilations and pads before the
    // arithmetic (a dilation of 2^62 wrapped); no output is 0 outputs.
    rules::WindowAxis geometry{src[1 + axis],    p.weightShape[2 + axis],
                               p.strides[axis],  p.pads[axis],
                               p.pads[axis + 2], p.dilations[axis]};
    rules::WindowSize size = rules::checkCoreWindow(geometry);
    if (!size && size.fault != rules::WindowFault::NoOutput)
      return invalid(formatv("conv '{0}' has invalid strides, pads or "
                             "dilations",
                             p.name));
    int64_t out = size.size;
    if (out < dst[1 + axis] || out > dst[1 + axis] + slack[axis])
      return invalid(formatv("conv '{0}' geometry gives {1} on axis {2}, the "
                             "target has {3}",
                             p.name, out, axis, dst[1 + axis]));
  }
  return Error::success();
}

Error checkProjection(const CoreNetwork &net, const CoreProjection &p) {
  int populations = int(net.populations.size());
  if (p.source < 0 || p.source >= populations || p.target <= p.source ||
      p.target >= populations || p.source == net.readout)
    return invalid(formatv("projection '{0}' connects invalid populations "
                           "(they must run forward)",
                           p.name));
  if (p.weightBits < 2 || p.weightBits > 8)
    return invalid(
        formatv("projection '{0}' has {1}-bit weights", p.name, p.weightBits));
  int64_t count = 1;
  for (int64_t d : p.weightShape)
    if (d < 1 || (count *= d) > kMaxNeurons * 16)
      return invalid(
          formatv("projection '{0}' has an invalid weight shape", p.name));
  if (int64_t(p.weights.size()) != count || p.weightShape.empty())
    return invalid(formatv("projection '{0}' has {1} weights, its shape needs "
                           "{2}",
                           p.name, p.weights.size(), count));
  int64_t limit = (int64_t(1) << (p.weightBits - 1)) - 1;
  for (int8_t w : p.weights)
    if (std::abs(int(w)) > limit)
      return invalid(formatv("projection '{0}' has a weight beyond {1} bits",
                             p.name, p.weightBits));
  std::vector<int64_t> src = chw(net.populations[p.source].shape);
  // A target that max-pools its currents receives them on its finer grid.
  const CorePopulation &target = net.populations[p.target];
  std::vector<int64_t> dst = chw(target.currentShape()), slack = {0, 0};
  if (!target.currentPool.empty())
    slack = {target.currentPool[0] - 1, target.currentPool[1] - 1};
  if (!p.inputPool.empty()) {
    if (p.inputPool.size() != 2 || p.inputPool[0] < 1 || p.inputPool[1] < 1 ||
        src[1] / p.inputPool[0] < 1 || src[2] / p.inputPool[1] < 1)
      return invalid(
          formatv("projection '{0}' has an invalid input pool", p.name));
    src[1] /= p.inputPool[0];
    src[2] /= p.inputPool[1];
  }
  if (p.inputPoolMax && p.inputPool.empty())
    return invalid(formatv("projection '{0}' max-pools its input without a "
                           "pooling window",
                           p.name));
  switch (p.kind) {
  case ProjectionKind::Conv:
    return checkConv(p, src, dst, slack);
  case ProjectionKind::Dense:
    if (p.weightShape.size() != 2 || p.weightShape[0] != dst[0] ||
        dst[1] * dst[2] != 1 || p.weightShape[1] != src[0] * src[1] * src[2])
      return invalid(formatv("dense '{0}' weight does not match its "
                             "populations",
                             p.name));
    return Error::success();
  case ProjectionKind::OneToOne:
    if (p.weightShape.size() != 1 || p.weightShape[0] != src[0] ||
        !p.inputPool.empty() || src != dst)
      return invalid(formatv("one-to-one '{0}' needs equal populations and a "
                             "weight per channel",
                             p.name));
    return Error::success();
  }
  return invalid(formatv("projection '{0}' has an unknown kind", p.name));
}
/// A partition (snnc compile --chips): chip indices in range, and every
/// population past the input tiled by its slices (channels x rows), with
/// no two overlapping.
Error checkPartition(const CoreNetwork &net) {
  if (net.chips == 0 && net.partition.empty())
    return Error::success();
  if (net.chips < 1 || net.chips > kMaxNeurons)
    return invalid(formatv("the partition has {0} chips", net.chips));
  std::vector<std::vector<const CoreChipSlice *>> slices(
      net.populations.size());
  for (const CoreChipSlice &s : net.partition) {
    if (s.population < 1 || s.population >= int(net.populations.size()))
      return invalid(formatv("a chip slice names population {0}, not one "
                             "past the input",
                             s.population));
    const CorePopulation &p = net.populations[s.population];
    int64_t rows = p.shape.size() > 1 ? p.shape[1] : 1;
    if (s.chip < 0 || s.chip >= net.chips || s.channels < 1 || s.rows < 1 ||
        s.firstChannel < 0 || s.firstChannel > p.channels() - s.channels ||
        s.firstRow < 0 || s.firstRow > rows - s.rows)
      return invalid(formatv("population '{0}': a chip slice (chip {1}, "
                             "channels {2}+{3}, rows {4}+{5}) is out of range",
                             p.name, s.chip, s.firstChannel, s.channels,
                             s.firstRow, s.rows));
    slices[s.population].push_back(&s);
  }
  auto overlap = [](int64_t a, int64_t n, int64_t b, int64_t m) {
    return a < b + m && b < a + n;
  };
  for (size_t i = 1; i < net.populations.size(); ++i) {
    const CorePopulation &p = net.populations[i];
    int64_t rows = p.shape.size() > 1 ? p.shape[1] : 1, area = 0;
    for (size_t a = 0; a < slices[i].size(); ++a) {
      const CoreChipSlice &x = *slices[i][a];
      area += x.channels * x.rows;
      for (size_t b = 0; b < a; ++b) {
        const CoreChipSlice &y = *slices[i][b];
        if (overlap(x.firstChannel, x.channels, y.firstChannel, y.channels) &&
            overlap(x.firstRow, x.rows, y.firstRow, y.rows))
          return invalid(
              formatv("population '{0}': two chip slices overlap", p.name));
      }
    }
    if (area != p.channels() * rows)
      return invalid(formatv("population '{0}': its chip slices do not cover "
                             "it",
                             p.name));
  }
  return Error::success();
}
} // namespace

Error snnc::validateNetwork(const CoreNetwork &net) {
  if (net.populations.size() < 2 ||
      net.populations.front().kind != PopulationKind::Input)
    return invalid("the network needs an input population first");
  // The readout is the last population: readout neurons, or a LIF read
  // by its membranes.
  const CorePopulation &last = net.populations.back();
  if (net.readout != int(net.populations.size()) - 1 ||
      (last.kind != PopulationKind::Readout &&
       !(last.kind == PopulationKind::LIF && last.membraneReadout)))
    return invalid("the readout must be the last population");
  if (net.lanes < 1 || net.lanes > 1024)
    return invalid(formatv("{0} lanes", net.lanes));
  if (net.timesteps && (*net.timesteps < 1 || *net.timesteps > kMaxTimesteps))
    return invalid(formatv("timesteps = {0} is not a step count in [1, {1}]",
                           *net.timesteps, kMaxTimesteps));
  int64_t neurons = 0;
  for (size_t i = 0; i < net.populations.size(); ++i) {
    const CorePopulation &p = net.populations[i];
    if (Error err = checkShape(p))
      return err;
    if ((neurons += p.size()) > kMaxNeurons)
      return invalid(
          formatv("the network has more than {0} neurons", kMaxNeurons));
    bool inner = i > 0 && int(i) != net.readout;
    if ((p.kind == PopulationKind::Input) != (i == 0) ||
        (p.kind == PopulationKind::LIF) != (inner || p.membraneReadout) ||
        p.membraneReadout !=
            (int(i) == net.readout && p.kind == PopulationKind::LIF))
      return invalid(formatv("population '{0}' is of the wrong kind for its "
                             "place",
                             p.name));
    if (p.kind == PopulationKind::Input && !p.currentPool.empty())
      return invalid("the input population cannot pool currents");
    if (p.kind == PopulationKind::LIF)
      if (Error err = checkLIF(p))
        return err;
    if (p.membraneReadout)
      if (Error err = checkMembraneReadout(p))
        return err;
    if (p.kind == PopulationKind::Readout)
      if (Error err = checkReadout(p))
        return err;
  }
  const CorePopulation &input = net.populations.front();
  if (int64_t(net.input.gain.size()) != input.channels() ||
      int64_t(net.input.offset.size()) != input.channels() ||
      !(net.input.scale > 0.0f) || !std::isfinite(net.input.scale) ||
      net.input.bits < 2 || net.input.bits > 16)
    return invalid("the input encoder is inconsistent with the input");
  auto finite = [](const std::vector<double> &v) {
    return llvm::all_of(v, [](double x) { return std::isfinite(x); });
  };
  if (!finite(net.input.gain) || !finite(net.input.offset))
    return invalid("the input encoder's gain or offset is not finite");
  if (const std::optional<InputRange> &r = net.input.range;
      r && !(std::isfinite(r->lo) && std::isfinite(r->hi) && r->lo < r->hi))
    return invalid("the input range is not a finite interval lo < hi");
  int lastTarget = 0;
  for (const CoreProjection &p : net.projections) {
    if (Error err = checkProjection(net, p))
      return err;
    if (p.target < lastTarget)
      return invalid("projections must be ordered by target");
    lastTarget = p.target;
  }
  for (size_t i = 1; i < net.populations.size(); ++i)
    if (llvm::none_of(net.projections, [&](const CoreProjection &p) {
          return p.target == int(i);
        }))
      return invalid(formatv("population '{0}' has no input projection",
                             net.populations[i].name));
  return checkPartition(net);
}
