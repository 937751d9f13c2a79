//===- FloatEngine.cpp - the LibTorch float reference engine --------------===//
//
// Executes a FloatGraph with exactly the arithmetic of the snnc_torch
// modules: every stateless op runs once on the merged [T*N, ...] batch, and
// only LIF walks the T steps.  Same ops, same order, same batch layout as
// PyTorch, so results match it to rounding.
//
//===----------------------------------------------------------------------===//
#include "snnc/Runtime/FloatEngine.h"
#include "snnc/Runtime/Engine.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Limits.h"

#include "llvm/Support/FormatVariadic.h"

#include <torch/torch.h>

using namespace snnc;

namespace {

torch::Tensor toTorch(const NDArray &array) {
  return torch::from_blob(const_cast<float *>(array.data.data()), array.shape,
                          torch::kFloat32)
      .clone();
}

bool symmetric(const std::vector<int64_t> &pads) {
  return pads[0] == pads[2] && pads[1] == pads[3];
}

torch::Tensor padSpatial(const torch::Tensor &x,
                         const std::vector<int64_t> &pads, double value) {
  // constant_pad_nd takes (left, right, top, bottom) for the last two dims.
  return torch::constant_pad_nd(x, {pads[1], pads[3], pads[0], pads[2]}, value);
}

torch::Tensor conv2d(const FloatOp &op, const torch::Tensor &x,
                     const torch::Tensor &w,
                     const c10::optional<torch::Tensor> &b) {
  if (symmetric(op.pads))
    return torch::conv2d(x, w, b, op.strides,
                         std::vector<int64_t>{op.pads[0], op.pads[1]},
                         op.dilations);
  return torch::conv2d(padSpatial(x, op.pads, 0.0), w, b, op.strides,
                       std::vector<int64_t>{0, 0}, op.dilations);
}

torch::Tensor avgPool(const FloatOp &op, const torch::Tensor &x) {
  bool torchCanPad = symmetric(op.pads) && op.pads[0] * 2 <= op.kernel[0] &&
                     op.pads[1] * 2 <= op.kernel[1];
  if (torchCanPad)
    return torch::avg_pool2d(x, op.kernel, op.strides, {op.pads[0], op.pads[1]},
                             /*ceil_mode=*/false, op.countIncludePad);
  // General padding: window sums divided by the count of counted elements.
  torch::Tensor sums =
      torch::avg_pool2d(padSpatial(x, op.pads, 0.0), op.kernel, op.strides) *
      double(op.kernel[0] * op.kernel[1]);
  if (op.countIncludePad)
    return sums / double(op.kernel[0] * op.kernel[1]);
  torch::Tensor ones = torch::ones({1, 1, x.size(2), x.size(3)}, x.options());
  torch::Tensor counts =
      torch::avg_pool2d(padSpatial(ones, op.pads, 0.0), op.kernel, op.strides) *
      double(op.kernel[0] * op.kernel[1]);
  return sums / counts;
}

/// The input a projection sees: sum-pooled when it has an input_pool (its
/// weights already carry the 1 / (ky * kx) of the average).
torch::Tensor projectionInput(const FloatOp &op, const torch::Tensor &x) {
  if (op.inputPool.empty())
    return x;
  if (op.inputPoolMax)
    return torch::max_pool2d(x, op.inputPool, op.inputPool);
  return torch::avg_pool2d(x, op.inputPool, op.inputPool) *
         double(op.inputPool[0] * op.inputPool[1]);
}

/// Runs LIF neurons over the T steps folded into the leading dim: their
/// spikes, and with `membranes` their u_t too.
torch::Tensor lif(const FloatOp &op, const torch::Tensor &x, int64_t steps,
                  torch::Tensor *membranes = nullptr) {
  std::vector<int64_t> seqShape = {steps, x.size(0) / steps};
  for (int64_t d = 1; d < x.dim(); ++d)
    seqShape.push_back(x.size(d));
  torch::Tensor seq = x.reshape(seqShape);
  torch::Tensor u = torch::zeros_like(seq[0]);
  torch::Tensor o = torch::zeros_like(seq[0]);
  // One decay, or one per channel broadcast over [N, C(, H, W)]: float32
  // either way, as the scalar is rounded to float32 against a float tensor.
  torch::Tensor decay =
      torch::tensor(op.decay.empty() ? std::vector<float>{0.0f} : op.decay);
  if (op.decay.size() > 1) {
    std::vector<int64_t> view(size_t(x.dim()), 1);
    view[1] = int64_t(op.decay.size());
    decay = decay.reshape(view);
  } else {
    decay = decay.reshape({});
  }
  std::vector<torch::Tensor> out, us;
  for (int64_t t = 0; t < steps; ++t) {
    // The same expressions, in the same order, as snnc_torch.LIF.
    if (op.reset == numerics::Reset::Soft)
      u = decay * (u - double(op.vThreshold) * o) + seq[t];
    else if (op.reset == numerics::Reset::Subtract)
      u = decay * u + seq[t] - double(op.vThreshold) * o;
    else
      u = decay * u * (1.0 - o) + seq[t];
    o = (op.fireGe ? u.ge(double(op.vThreshold)) : u.gt(double(op.vThreshold)))
            .to(torch::kFloat32);
    out.push_back(o);
    if (membranes)
      us.push_back(u);
  }
  if (membranes)
    *membranes = torch::stack(us).reshape(x.sizes());
  return torch::stack(out).reshape(x.sizes());
}

class FloatEngine final : public Engine {
public:
  FloatEngine(const FloatGraph &graph, FloatSpikeObserver observer)
      : graph(graph), observer(std::move(observer)) {
    for (const auto &[id, array] : graph.constants)
      constants.emplace(id, toTorch(array));
  }

  llvm::Expected<NDArray> run(const NDArray &input, int64_t timesteps) override;
  uint64_t memoryEstimate(const NDArray &input,
                          int64_t timesteps) const override;

private:
  llvm::Expected<NDArray> runAll(const NDArray &input, int64_t timesteps);
  torch::Tensor runChunk(const torch::Tensor &merged, int64_t steps,
                         int64_t firstSample);
  torch::Tensor apply(const FloatOp &op, std::vector<torch::Tensor> &values,
                      int64_t steps);

  // A copy: the engine must not depend on the caller keeping the graph.
  const FloatGraph graph;
  std::map<int, torch::Tensor> constants;
  FloatSpikeObserver observer;
  /// Samples run so far: errors number samples across calls of run(), as
  /// the golden engine's do (eval and compare run in chunks).
  int64_t samplesRun = 0;
};

torch::Tensor FloatEngine::apply(const FloatOp &op,
                                 std::vector<torch::Tensor> &values,
                                 int64_t steps) {
  auto arg = [&](size_t i) -> const torch::Tensor & {
    return values[op.operands[i]];
  };
  auto optionalArg = [&](size_t i) -> c10::optional<torch::Tensor> {
    if (i < op.operands.size())
      return arg(i);
    return c10::nullopt;
  };
  switch (op.kind) {
  case FloatOpKind::Conv2d:
    return conv2d(op, projectionInput(op, arg(0)), arg(1), optionalArg(2));
  case FloatOpKind::Dense:
    return torch::linear(projectionInput(op, arg(0)).flatten(1), arg(1),
                         optionalArg(2));
  case FloatOpKind::Norm: {
    // snnc_torch folds alpha * V_th into the BN weight, in float32.
    float gain = op.alpha * op.vThreshold;
    return torch::batch_norm(arg(0), arg(1) * double(gain), arg(2), arg(3),
                             arg(4), /*training=*/false, /*momentum=*/0.0,
                             op.epsilon, /*cudnn_enabled=*/false);
  }
  case FloatOpKind::ChannelAffine: {
    // Per-channel parameters broadcast over the dims after the channel.
    std::vector<int64_t> shape(arg(0).dim(), 1);
    shape[1] = arg(1).size(0);
    return arg(0) * arg(1).view(shape) + arg(2).view(shape);
  }
  case FloatOpKind::Add:
    return arg(0) + arg(1);
  case FloatOpKind::Sub:
    return arg(0) - arg(1);
  case FloatOpKind::Mul:
    return arg(0) * arg(1);
  case FloatOpKind::Div:
    return arg(0) / arg(1);
  case FloatOpKind::AvgPool:
    return avgPool(op, arg(0));
  case FloatOpKind::MaxPool:
    // Of spikes (>= 0): a padded position is no spike, 0.
    return torch::max_pool2d(padSpatial(arg(0), op.pads, 0.0), op.kernel,
                             op.strides);
  case FloatOpKind::Flatten:
    return arg(0).flatten(1);
  case FloatOpKind::LIF:
    return lif(op, arg(0), steps);
  }
  return {};
}

// Samples run together, step-major; bounded so that memory stays flat for
// whole test sets.
constexpr int64_t kChunk = 1000;

uint64_t FloatEngine::memoryEstimate(const NDArray &input,
                                     int64_t timesteps) const {
  uint64_t samples = uint64_t(sampleCount(input, graph.encoding));
  uint64_t rows =
      mulBytes(std::min<uint64_t>(samples, kChunk), uint64_t(timesteps));
  // Every value of a chunk lives until the chunk ends; a LIF also keeps its
  // per-step outputs before stacking them.
  uint64_t inputElements = 1;
  for (int64_t dim : graph.inputShape)
    inputElements = mulBytes(inputElements, uint64_t(dim));
  uint64_t perRow = inputElements;
  for (const FloatOp &op : graph.ops)
    perRow = addBytes(perRow, mulBytes(uint64_t(op.resultElements),
                                       op.kind == FloatOpKind::LIF ? 2 : 1));
  uint64_t chunk = mulBytes(mulBytes(rows, perRow), sizeof(float));
  // The input converted to a tensor, and the gathered outputs.
  uint64_t whole = mulBytes(
      addBytes(
          uint64_t(input.numElements()),
          mulBytes(samples, uint64_t(std::max<int64_t>(graph.numOutputs, 0)))),
      sizeof(float));
  return addBytes(chunk, whole);
}

torch::Tensor FloatEngine::runChunk(const torch::Tensor &merged, int64_t steps,
                                    int64_t firstSample) {
  std::vector<torch::Tensor> values(graph.numValues);
  for (const auto &[id, tensor] : constants)
    values[id] = tensor;
  values[graph.input] = merged;
  for (const FloatOp &op : graph.ops) {
    // A membrane readout yields u_t; the observer still sees its spikes.
    torch::Tensor membranes;
    if (op.kind == FloatOpKind::LIF && op.membrane)
      values[op.result] = lif(op, values[op.operands[0]], steps, &membranes);
    else
      values[op.result] = apply(op, values, steps);
    if (observer && op.kind == FloatOpKind::LIF) {
      torch::Tensor spikes = values[op.result].contiguous();
      observer(op, firstSample, steps, spikes.size(0) / steps,
               spikes.data_ptr<float>());
    }
    if (op.membrane)
      values[op.result] = membranes;
  }
  torch::Tensor out = values[graph.output];
  torch::Tensor perStep =
      out.reshape({steps, out.size(0) / steps, out.size(1)});
  return graph.readoutLast ? perStep[steps - 1] : perStep.mean(0);
}

llvm::Expected<NDArray> FloatEngine::run(const NDArray &input,
                                         int64_t timesteps) {
  if (llvm::Error err = checkWork(stepWork(graph), timesteps, "float engine"))
    return std::move(err);
  auto result = runAll(input, timesteps);
  if (!result)
    return result.takeError();
  int64_t first = samplesRun;
  samplesRun += result->shape.empty() ? 0 : result->shape[0];
  // Weights near float's largest value overflow to inf (and inf - inf to
  // NaN) without any error from LibTorch.
  if (llvm::Error err = checkFiniteScores(*result, first, "the float engine",
                                          "the model's weights overflow float"))
    return std::move(err);
  return result;
}

llvm::Expected<NDArray> FloatEngine::runAll(const NDArray &input,
                                            int64_t timesteps) {
  try {
    torch::NoGradGuard noGrad;
    bool events = graph.encoding == InputEncoding::Events;
    torch::Tensor x = toTorch(input);
    int64_t samples = events ? x.size(1) : x.size(0);
    std::vector<torch::Tensor> outputs;
    for (int64_t start = 0; start < samples; start += kChunk) {
      int64_t len = std::min(kChunk, samples - start);
      // The merged batch is step-major: row t * len + n is sample n at step t.
      std::vector<int64_t> mergedShape = {timesteps * len};
      mergedShape.insert(mergedShape.end(), graph.inputShape.begin(),
                         graph.inputShape.end());
      torch::Tensor merged;
      if (events) {
        merged = x.narrow(1, start, len).reshape(mergedShape);
      } else {
        torch::Tensor chunk = x.narrow(0, start, len);
        std::vector<int64_t> repeated = {timesteps};
        repeated.insert(repeated.end(), chunk.sizes().begin(),
                        chunk.sizes().end());
        merged = chunk.unsqueeze(0).expand(repeated).reshape(mergedShape);
      }
      outputs.push_back(runChunk(merged.contiguous(), timesteps, start));
    }
    torch::Tensor out = torch::cat(outputs).contiguous();
    NDArray result;
    result.shape = {out.size(0), out.size(1)};
    result.data.assign(out.data_ptr<float>(),
                       out.data_ptr<float>() + out.numel());
    return result;
  } catch (const c10::Error &err) {
    return plainError(llvm::Twine("float engine: ") +
                      err.what_without_backtrace());
  }
}

} // namespace

std::unique_ptr<Engine> snnc::createFloatEngine(const FloatGraph &graph,
                                                FloatSpikeObserver observer) {
  return std::make_unique<FloatEngine>(graph, std::move(observer));
}

void snnc::setFloatEngineThreads(int threads) { at::set_num_threads(threads); }
