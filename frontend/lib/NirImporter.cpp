//===- NirImporter.cpp - NIR graphs to the snnc ONNX convention -----------===//
//
// Each NIR node becomes the ONNX nodes of docs/onnx-convention.md that
// compute it exactly at the chosen time step dt (forward Euler):
//
//   LIF  tau dv/dt = (v_leak - v) + R I  ->  Mul(gain) + snn.LIF
//        decay = 1 - dt/tau, gain = R dt/tau, hard reset (v_reset = 0)
//   IF   dv/dt = R I                     ->  decay 1, gain R dt
//   Threshold  z = [I > threshold]       ->  snn.LIF with decay 0
//   Affine, Linear -> Gemm; Scale -> Mul; Conv2d -> Conv; AvgPool2d ->
//   AveragePool; SumPool2d -> AveragePool whose window size is folded into
//   the next projection's weights; Flatten -> Flatten.
//
// NIR fires at v > v_threshold (nir/ir/neuron.py), hence `gt`.  Per-channel
// thresholds are exact: the dynamics are linear up to the reset to 0, so
// channel c's input is scaled by threshold[0] / threshold[c] and every
// channel fires at threshold[0].  Several edges into one node sum (Add);
// the same edge listed twice is refused when the graph is read.
//
//===----------------------------------------------------------------------===//
#include "snnc/Frontend/NirImporter.h"
#include "NirGraph.h"
#include "snnc/Frontend/OnnxImporter.h"
#include "snnc/Rules/Encoding.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdio>
#include <onnx/onnx_pb.h>
#include <set>

using namespace snnc;
using llvm::ArrayRef;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

namespace {

llvm::Error fail(const llvm::Twine &what) {
  return makeError<ModelError>(what);
}

using Shape = std::vector<int64_t>;

/// A parameter value as users wrote it (formatv's default is "%.2f").
std::string num(double v) {
  char buffer[32];
  snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

/// A translated tensor: its ONNX name, one sample's shape (no batch dim) and
/// a SumPool's window size, owed to the projection that reads it.
struct Value {
  std::string name;
  Shape shape;
  double gain = 1.0;
};

/// A node's name in the ONNX model and so in the IR's locations: as the
/// user wrote it, printable.  Distinct names stay distinct, and none holds
/// a '/' (the reader refuses it), which the helper tensors' names use.
std::string id(const nir::Node &node) { return hdf5::printable(node.name); }

int64_t product(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

class Translator {
public:
  Translator(const nir::Graph &graph, const NirOptions &options, double dt)
      : graph(graph), options(options), dt(dt) {}

  Expected<std::string> run();

private:
  llvm::Error nodeError(const nir::Node &node, const llvm::Twine &what) {
    return fail(nir::title(node) + ": " + what);
  }
  Expected<const hdf5::Dataset *> numbers(const nir::Node &node, StringRef key);
  Expected<std::vector<int64_t>> pair(const nir::Node &node, StringRef key);
  Expected<std::vector<double>> perChannel(const nir::Node &node, StringRef key,
                                           const Shape &shape,
                                           std::optional<double> absent = {});
  std::string constant(const std::string &name, const Shape &dims,
                       ArrayRef<float> values);
  onnx::NodeProto &emit(StringRef op, const std::string &name,
                        std::vector<std::string> inputs,
                        const std::string &output);
  Expected<std::vector<std::string>> order();
  Expected<Value> inputOf(const nir::Node &node);
  llvm::Error translate(const nir::Node &node);
  llvm::Error projection(const nir::Node &node, const Value &in);
  llvm::Error conv(const nir::Node &node, const Value &in);
  llvm::Error pool(const nir::Node &node, const Value &in);
  llvm::Error flatten(const nir::Node &node, const Value &in);
  llvm::Error scale(const nir::Node &node, const Value &in);
  llvm::Error neuron(const nir::Node &node, const Value &in);

  const nir::Graph &graph;
  const NirOptions &options;
  double dt;
  onnx::ModelProto model;
  std::map<std::string, std::vector<std::string>> sources; // per target
  std::map<std::string, Value> values;                     // per node
  int inputs = 0, outputs = 0;
};

Expected<const hdf5::Dataset *> Translator::numbers(const nir::Node &node,
                                                    StringRef key) {
  auto it = node.params.find(key.str());
  if (it == node.params.end())
    return nodeError(node, formatv("'{0}' is missing", key));
  if (it->second.isString)
    return nodeError(node, formatv("'{0}' must be numbers", key));
  for (double v : it->second.numbers)
    if (!std::isfinite(v))
      return nodeError(node, formatv("'{0}' holds NaN or Inf", key));
  return &it->second;
}

/// Two integers (height, width); one number stands for both.
Expected<std::vector<int64_t>> Translator::pair(const nir::Node &node,
                                                StringRef key) {
  auto data = numbers(node, key);
  if (!data)
    return data.takeError();
  const std::vector<double> &v = (*data)->numbers;
  if (v.size() != 1 && v.size() != 2)
    return nodeError(node, formatv("'{0}' must be 1 or 2 integers", key));
  std::vector<int64_t> out;
  for (size_t i = 0; i < 2; ++i) {
    double x = v[v.size() == 1 ? 0 : i];
    if (x != std::floor(x) || x < 0 || x > 65536)
      return nodeError(node,
                       formatv("'{0}' must be integers in [0, 65536]", key));
    out.push_back(int64_t(x));
  }
  return out;
}

/// A neuron parameter as one value per channel: a scalar, one value per
/// channel, or one per neuron that is constant within each channel.
Expected<std::vector<double>>
Translator::perChannel(const nir::Node &node, StringRef key, const Shape &shape,
                       std::optional<double> absent) {
  int64_t channels = shape[0], plane = product(shape) / channels;
  if (absent && !node.params.count(key.str()))
    return std::vector<double>(size_t(channels), *absent);
  auto data = numbers(node, key);
  if (!data)
    return data.takeError();
  const std::vector<double> &v = (*data)->numbers;
  std::vector<double> out(static_cast<size_t>(channels), 0.0);
  if (int64_t(v.size()) == 1 || int64_t(v.size()) == channels) {
    for (int64_t c = 0; c < channels; ++c)
      out[c] = v[v.size() == 1 ? 0 : c];
    return out;
  }
  if (int64_t(v.size()) != channels * plane)
    return nodeError(node, formatv("'{0}' has {1} values for {2} neurons", key,
                                   v.size(), channels * plane));
  for (int64_t c = 0; c < channels; ++c) {
    out[c] = v[c * plane];
    for (int64_t i = 1; i < plane; ++i)
      if (v[c * plane + i] != out[c])
        return nodeError(node, formatv("'{0}' varies within channel {1}; the "
                                       "core has one value per channel",
                                       key, c));
  }
  return out;
}

std::string Translator::constant(const std::string &name, const Shape &dims,
                                 ArrayRef<float> values) {
  onnx::TensorProto *t = model.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims)
    t->add_dims(d);
  for (float v : values)
    t->add_float_data(v);
  return name;
}

onnx::NodeProto &Translator::emit(StringRef op, const std::string &name,
                                  std::vector<std::string> inputs,
                                  const std::string &output) {
  onnx::NodeProto *n = model.mutable_graph()->add_node();
  n->set_op_type(op.str());
  n->set_name(name);
  for (std::string &in : inputs)
    n->add_input(std::move(in));
  n->add_output(output);
  return *n;
}

void setInt(onnx::NodeProto &node, const std::string &name, int64_t value) {
  onnx::AttributeProto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void setInts(onnx::NodeProto &node, const std::string &name,
             ArrayRef<int64_t> values) {
  onnx::AttributeProto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values)
    a->add_ints(v);
}

void setFloat(onnx::NodeProto &node, const std::string &name, float value) {
  onnx::AttributeProto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

void setString(onnx::NodeProto &node, const std::string &name,
               const std::string &value) {
  onnx::AttributeProto *a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

/// The nodes in an order where every node follows its sources (Kahn's
/// algorithm, ties by name).
Expected<std::vector<std::string>> Translator::order() {
  std::map<std::string, int> pending;
  std::map<std::string, std::vector<std::string>> targets;
  for (auto &[name, node] : graph.nodes)
    pending[name] = 0;
  for (auto &[from, to] : graph.edges) {
    for (const std::string *end : {&from, &to})
      if (!graph.nodes.count(*end))
        return fail(formatv("edge '{0}' -> '{1}': there is no node '{2}'",
                            hdf5::printable(from), hdf5::printable(to),
                            hdf5::printable(*end)));
    // The readout has no value for another node to read.
    if (graph.nodes.at(from).type == "Output")
      return fail(formatv("edge '{0}' -> '{1}' leaves the Output node",
                          hdf5::printable(from), hdf5::printable(to)));
    sources[to].push_back(from);
    targets[from].push_back(to);
    ++pending[to];
  }
  std::set<std::string> ready;
  for (auto &[name, count] : pending)
    if (count == 0)
      ready.insert(name);
  std::vector<std::string> out;
  while (!ready.empty()) {
    std::string name = *ready.begin();
    ready.erase(ready.begin());
    out.push_back(name);
    for (const std::string &to : targets[name])
      if (--pending[to] == 0)
        ready.insert(to);
  }
  for (auto &[name, count] : pending)
    if (count > 0)
      return fail(formatv("the graph has a cycle through node '{0}' "
                          "(recurrence is not supported)",
                          hdf5::printable(name)));
  for (auto &[name, node] : graph.nodes)
    if (node.type != "Output" && targets[name].empty())
      return fail(nir::title(node) + " leads nowhere: no edge leaves it");
  return out;
}

/// The node's input: its source's value, or the sum of several sources.
Expected<Value> Translator::inputOf(const nir::Node &node) {
  const std::vector<std::string> &from = sources[node.name];
  if (from.empty())
    return nodeError(node, "no edge leads into it");
  Value sum = values.at(from[0]);
  for (size_t i = 1; i < from.size(); ++i) {
    const Value &next = values.at(from[i]);
    if (next.shape != sum.shape)
      return nodeError(node, formatv("its inputs '{0}' and '{1}' differ in "
                                     "shape",
                                     hdf5::printable(from[0]),
                                     hdf5::printable(from[i])));
    if (next.gain != 1.0 || sum.gain != 1.0)
      return nodeError(node, "a sum-pooled input cannot be summed");
    std::string out = formatv("{0}/sum{1}", id(node), i);
    emit("Add", out, {sum.name, next.name}, out);
    sum.name = out;
  }
  return sum;
}

llvm::Error Translator::projection(const nir::Node &node, const Value &in) {
  auto weight = numbers(node, "weight");
  if (!weight)
    return weight.takeError();
  const hdf5::Dataset &w = **weight;
  if (w.shape.size() != 2)
    return nodeError(node, "'weight' must be [out, in]");
  int64_t out = w.shape[0], inputs = w.shape[1];
  if (in.shape.size() != 1 || in.shape[0] != inputs)
    return nodeError(
        node,
        formatv("'weight' takes {0} inputs, the input has "
                "shape [{1}] (flatten it first)",
                inputs, llvm::make_range(in.shape.begin(), in.shape.end())));
  std::vector<float> scaled(w.numbers.begin(), w.numbers.end());
  for (float &v : scaled)
    v = float(double(v) * in.gain);
  std::vector<std::string> operands = {
      in.name, constant(id(node) + "/weight", {out, inputs}, scaled)};
  if (node.type == "Affine") {
    auto bias = numbers(node, "bias");
    if (!bias)
      return bias.takeError();
    if ((*bias)->size() != out)
      return nodeError(node, formatv("'bias' has {0} values for {1} outputs",
                                     (*bias)->size(), out));
    std::vector<float> b((*bias)->numbers.begin(), (*bias)->numbers.end());
    operands.push_back(constant(id(node) + "/bias", {out}, b));
  }
  setInt(emit("Gemm", id(node), operands, id(node)), "transB", 1);
  values[node.name] = {id(node), {out}};
  return llvm::Error::success();
}

llvm::Error Translator::conv(const nir::Node &node, const Value &in) {
  auto weight = numbers(node, "weight");
  if (!weight)
    return weight.takeError();
  const hdf5::Dataset &w = **weight;
  if (w.shape.size() != 4)
    return nodeError(node, "'weight' must be [out, in, kh, kw] (Conv1d is not "
                           "supported)");
  if (in.shape.size() != 3 || in.shape[0] != w.shape[1])
    return nodeError(
        node, formatv("'weight' takes {0} input channels of "
                      "[C, H, W], the input is [{1}]",
                      w.shape[1],
                      llvm::make_range(in.shape.begin(), in.shape.end())));
  if (node.params.count("groups")) {
    auto groups = numbers(node, "groups");
    if (!groups)
      return groups.takeError();
    if ((*groups)->numbers.size() != 1 || (*groups)->numbers[0] != 1)
      return nodeError(node, "only groups = 1 is supported");
  }
  auto stride = pair(node, "stride");
  auto dilation = stride ? pair(node, "dilation") : stride.takeError();
  if (!dilation)
    return dilation.takeError();
  if ((*stride)[0] < 1 || (*stride)[1] < 1 || (*dilation)[0] < 1 ||
      (*dilation)[1] < 1)
    return nodeError(node, "stride and dilation must be >= 1");
  std::vector<int64_t> pads(4, 0); // top, left, bottom, right
  auto padding = node.params.find("padding");
  if (padding != node.params.end() && padding->second.isString) {
    std::string mode =
        padding->second.strings.empty() ? "" : padding->second.strings[0];
    if (mode == "same") {
      if ((*stride)[0] != 1 || (*stride)[1] != 1)
        return nodeError(node, "padding 'same' needs stride 1");
      // PyTorch's 'same': the odd pixel of padding goes at the end.
      for (int d = 0; d < 2; ++d) {
        int64_t total = (*dilation)[d] * (w.shape[2 + d] - 1);
        pads[d] = total / 2;
        pads[2 + d] = total - total / 2;
      }
    } else if (mode != "valid") {
      return nodeError(node, formatv("padding '{0}' is not 'same', 'valid' "
                                     "or integers",
                                     hdf5::printable(mode)));
    }
  } else {
    auto p = pair(node, "padding");
    if (!p)
      return p.takeError();
    pads = {(*p)[0], (*p)[1], (*p)[0], (*p)[1]};
  }
  Shape out = {w.shape[0], 0, 0};
  for (int d = 0; d < 2; ++d) {
    int64_t span = in.shape[1 + d] + pads[d] + pads[2 + d] -
                   (*dilation)[d] * (w.shape[2 + d] - 1) - 1;
    if (span < 0)
      return nodeError(node, "the kernel is larger than the padded input");
    out[1 + d] = span / (*stride)[d] + 1;
  }
  std::vector<float> scaled(w.numbers.begin(), w.numbers.end());
  for (float &v : scaled)
    v = float(double(v) * in.gain);
  std::vector<std::string> operands = {
      in.name, constant(id(node) + "/weight", w.shape, scaled)};
  if (node.params.count("bias")) {
    auto bias = numbers(node, "bias");
    if (!bias)
      return bias.takeError();
    if ((*bias)->size() != w.shape[0])
      return nodeError(node, "'bias' needs one value per output channel");
    std::vector<float> b((*bias)->numbers.begin(), (*bias)->numbers.end());
    operands.push_back(constant(id(node) + "/bias", {w.shape[0]}, b));
  }
  onnx::NodeProto &conv = emit("Conv", id(node), operands, id(node));
  setInts(conv, "strides", *stride);
  setInts(conv, "dilations", *dilation);
  setInts(conv, "pads", pads);
  values[node.name] = {id(node), out};
  return llvm::Error::success();
}

llvm::Error Translator::pool(const nir::Node &node, const Value &in) {
  if (in.shape.size() != 3)
    return nodeError(node, "pooling needs a [C, H, W] input");
  auto kernel = pair(node, "kernel_size");
  auto stride = kernel ? pair(node, "stride") : kernel.takeError();
  auto padding = stride ? pair(node, "padding") : stride.takeError();
  if (!padding)
    return padding.takeError();
  Shape out = {in.shape[0], 0, 0};
  for (int d = 0; d < 2; ++d) {
    if ((*kernel)[d] < 1 || (*stride)[d] < 1)
      return nodeError(node, "kernel_size and stride must be >= 1");
    int64_t span = in.shape[1 + d] + 2 * (*padding)[d] - (*kernel)[d];
    if (span < 0)
      return nodeError(node, "the window is larger than the padded input");
    out[1 + d] = span / (*stride)[d] + 1;
  }
  onnx::NodeProto &avg = emit("AveragePool", id(node), {in.name}, id(node));
  setInts(avg, "kernel_shape", *kernel);
  setInts(avg, "strides", *stride);
  setInts(avg, "pads",
          {(*padding)[0], (*padding)[1], (*padding)[0], (*padding)[1]});
  // Padding counts as zeros, as in PyTorch: a window's sum is then exactly
  // its mean times its size.
  setInt(avg, "count_include_pad", 1);
  Value value{id(node), out, in.gain};
  if (node.type == "SumPool2d")
    value.gain *= double((*kernel)[0] * (*kernel)[1]);
  values[node.name] = value;
  return llvm::Error::success();
}

llvm::Error Translator::flatten(const nir::Node &node, const Value &in) {
  int64_t rank = int64_t(in.shape.size());
  auto dim = [&](StringRef key, int64_t fallback) -> Expected<int64_t> {
    if (!node.params.count(key.str()))
      return fallback;
    auto v = numbers(node, key);
    if (!v)
      return v.takeError();
    if ((*v)->numbers.size() != 1)
      return nodeError(node, formatv("'{0}' must be one integer", key));
    int64_t d = int64_t((*v)->numbers[0]);
    return d < 0 ? d + rank : d;
  };
  auto start = dim("start_dim", 0);
  auto end = start ? dim("end_dim", -1) : start.takeError();
  if (!end)
    return end.takeError();
  // NIR's dims exclude the batch: (0, -1) flattens one whole sample.
  if (*start != 0 || *end != rank - 1)
    return nodeError(node, "only a flatten of the whole sample (start_dim 0, "
                           "end_dim -1) is supported");
  setInt(emit("Flatten", id(node), {in.name}, id(node)), "axis", 1);
  values[node.name] = {id(node), {product(in.shape)}, in.gain};
  return llvm::Error::success();
}

/// One constant per channel, shaped to broadcast over [C] or [C, H, W].
Shape channelShape(const Shape &shape) {
  return shape.size() == 3 ? Shape{shape[0], 1, 1} : Shape{shape[0]};
}

llvm::Error Translator::scale(const nir::Node &node, const Value &in) {
  if (in.gain != 1.0)
    return nodeError(node, "scaling a sum-pooled value is not supported");
  auto factors = perChannel(node, "scale", in.shape);
  if (!factors)
    return factors.takeError();
  std::vector<float> f(factors->begin(), factors->end());
  std::string k = constant(id(node) + "/scale", channelShape(in.shape), f);
  emit("Mul", id(node), {in.name, k}, id(node));
  values[node.name] = {id(node), in.shape};
  return llvm::Error::success();
}

llvm::Error Translator::neuron(const nir::Node &node, const Value &in) {
  if (in.shape.empty())
    return nodeError(node, "the input has no shape");
  bool threshold = node.type == "Threshold", lif = node.type == "LIF";
  auto thresholds =
      perChannel(node, threshold ? "threshold" : "v_threshold", in.shape);
  if (!thresholds)
    return thresholds.takeError();
  size_t channels = thresholds->size();
  std::vector<double> gain(channels, 1.0), decay(channels, 0.0);
  if (!threshold) {
    auto r = perChannel(node, "r", in.shape);
    auto reset = r ? perChannel(node, "v_reset", in.shape, 0.0) : r.takeError();
    if (!reset)
      return reset.takeError();
    for (size_t c = 0; c < channels; ++c)
      if ((*reset)[c] != 0.0)
        return nodeError(node, formatv("v_reset = {0} in channel {1}: only a "
                                       "reset to 0 is representable",
                                       num((*reset)[c]), c));
    std::vector<double> tau(channels, 0.0);
    if (lif) {
      auto t = perChannel(node, "tau", in.shape);
      auto leak = t ? perChannel(node, "v_leak", in.shape, 0.0) : t.takeError();
      if (!leak)
        return leak.takeError();
      tau = *t;
      for (size_t c = 0; c < channels; ++c)
        if ((*leak)[c] != 0.0)
          return nodeError(node, formatv("v_leak = {0} in channel {1}: only a "
                                         "leak towards 0 is representable",
                                         num((*leak)[c]), c));
    }
    for (size_t c = 0; c < channels; ++c) {
      if (lif && !(tau[c] > 0.0))
        return nodeError(node, formatv("tau = {0} must be > 0", num(tau[c])));
      if (lif && dt > tau[c])
        return nodeError(node, formatv("dt = {0} exceeds tau = {1}: forward "
                                       "Euler needs dt <= tau",
                                       num(dt), num(tau[c])));
      decay[c] = lif ? 1.0 - dt / tau[c] : 1.0;
      gain[c] = lif ? (*r)[c] * dt / tau[c] : (*r)[c] * dt;
    }
  }
  bool shared = true;
  for (size_t c = 0; c < channels; ++c) {
    shared = shared && float(decay[c]) == float(decay[0]);
    if (!((*thresholds)[c] > 0.0))
      return nodeError(node, formatv("the threshold of channel {0} is {1}, "
                                     "not > 0",
                                     c, num((*thresholds)[c])));
  }
  double vth = (*thresholds)[0];
  std::vector<float> k(channels);
  bool identity = true;
  for (size_t c = 0; c < channels; ++c) {
    // A sum pool's window size (in.gain) scales the pooled current.
    k[c] = float(gain[c] * in.gain * vth / (*thresholds)[c]);
    identity = identity && k[c] == 1.0f;
  }
  std::string current = in.name;
  if (!identity) {
    current = id(node) + "/gain";
    std::string kName =
        constant(id(node) + "/gain_k", channelShape(in.shape), k);
    emit("Mul", current, {in.name, kName}, current);
  }
  onnx::NodeProto &n = emit("LIF", id(node), {current}, id(node));
  n.set_domain("snn");
  setFloat(n, "v_threshold", float(vth));
  if (shared) {
    setFloat(n, "decay", float(decay[0]));
  } else { // per channel, as the core stores them
    onnx::AttributeProto *a = n.add_attribute();
    a->set_name("decay");
    a->set_type(onnx::AttributeProto::FLOATS);
    for (double d : decay)
      a->add_floats(float(d));
  }
  setString(n, "reset", "hard");
  setString(n, "fire", "gt");
  values[node.name] = {id(node), in.shape};
  return llvm::Error::success();
}

llvm::Error Translator::translate(const nir::Node &node) {
  const std::string &type = node.type;
  if (type == "Input") {
    if (++inputs > 1)
      return nodeError(node, "a second Input: snnc models have one input");
    auto shape = numbers(node, "shape");
    if (!shape)
      return shape.takeError();
    Shape dims;
    for (double d : (*shape)->numbers) {
      if (d != std::floor(d) || d < 1 || d > 65536)
        return nodeError(node, "'shape' must hold integers in [1, 65536]");
      dims.push_back(int64_t(d));
    }
    // snnTorch's export_to_nir (through nirtorch) keeps the sample data's
    // batch dimension in the Input's shape: [1, C] or [1, C, H, W]. NIR's
    // other nodes exclude it, so it is dropped here.
    if (dims.size() == 2 || dims.size() == 4) {
      if (dims.front() != 1)
        return nodeError(node, formatv("the input has a leading batch "
                                       "dimension of {0}; it must be 1 "
                                       "([1, C] or [1, C, H, W])",
                                       dims.front()));
      dims.erase(dims.begin());
    }
    if (dims.size() != 1 && dims.size() != 3)
      return nodeError(node, "the input must be [C] or [C, H, W], or either "
                             "with a leading batch dimension of 1");
    onnx::ValueInfoProto *in = model.mutable_graph()->add_input();
    // The graph input is named after the Input node: a node the user named
    // "input" is then no second definition of it.
    in->set_name(id(node));
    auto *tensor = in->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    tensor->mutable_shape()->add_dim()->set_dim_param("N");
    for (int64_t d : dims)
      tensor->mutable_shape()->add_dim()->set_dim_value(d);
    values[node.name] = {id(node), dims};
    return llvm::Error::success();
  }
  auto in = inputOf(node);
  if (!in)
    return in.takeError();
  if (type == "Output") {
    if (++outputs > 1)
      return nodeError(node, "a second Output: snnc models have one readout");
    if (in->gain != 1.0)
      return nodeError(node, "the output is a sum-pooled value");
    emit("Identity", id(node), {in->name}, id(node));
    onnx::ValueInfoProto *out = model.mutable_graph()->add_output();
    out->set_name(id(node));
    auto *tensor = out->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    tensor->mutable_shape()->add_dim()->set_dim_param("N");
    for (int64_t d : in->shape)
      tensor->mutable_shape()->add_dim()->set_dim_value(d);
    return llvm::Error::success();
  }
  if (type == "Affine" || type == "Linear")
    return projection(node, *in);
  if (type == "Conv2d")
    return conv(node, *in);
  if (type == "AvgPool2d" || type == "SumPool2d")
    return pool(node, *in);
  if (type == "Flatten")
    return flatten(node, *in);
  if (type == "Scale")
    return scale(node, *in);
  if (type == "LIF" || type == "IF" || type == "Threshold")
    return neuron(node, *in);
  if (type == "LI" || type == "I")
    return nodeError(node, "a non-spiking integrator has no exact form: "
                           "snnc's readout is the mean over T of a current; "
                           "end the graph with its Affine layer");
  if (type == "CubaLIF" || type == "CubaLI")
    return nodeError(node, "current-based neurons (a synaptic state) are not "
                           "supported");
  if (type == "NIRGraph")
    return nodeError(node, "nested graphs are not supported");
  return nodeError(node, "this node type is not supported");
}

Expected<std::string> Translator::run() {
  model.set_ir_version(8);
  model.set_producer_name("snnc nir import");
  auto *opset = model.add_opset_import();
  opset->set_version(13);
  opset = model.add_opset_import();
  opset->set_domain("snn");
  opset->set_version(1);
  auto *meta = model.add_metadata_props();
  meta->set_key("snn.input_encoding");
  meta->set_value(options.encoding);
  if (options.timesteps) {
    meta = model.add_metadata_props();
    meta->set_key("snn.timesteps");
    meta->set_value(std::to_string(*options.timesteps));
  }
  auto names = order();
  if (!names)
    return names.takeError();
  for (const std::string &name : *names)
    if (llvm::Error err = translate(graph.nodes.at(name)))
      return std::move(err);
  if (inputs != 1 || outputs != 1)
    return fail("the graph needs exactly one Input and one Output node");
  std::string bytes;
  model.SerializeToString(&bytes);
  return bytes;
}

} // namespace

Expected<std::string> snnc::translateNirFile(StringRef path,
                                             const NirOptions &options) {
  auto graph = nir::readGraph(path.str());
  if (!graph)
    return fail(path + ": " + llvm::toString(graph.takeError()));
  std::optional<double> dt = options.dt ? options.dt : graph->dt;
  if (!dt)
    return fail(path + ": the graph records no time step: pass --dt (NIR is "
                       "continuous-time; snnTorch exports use 1e-4)");
  if (!(*dt > 0.0) || !std::isfinite(*dt))
    return fail(path + formatv(": dt = {0} must be finite and > 0", num(*dt)));
  if (!rules::parseEncoding(options.encoding))
    return fail(path + ": --encoding must be direct or events");
  auto bytes = Translator(*graph, options, *dt).run();
  if (!bytes)
    return fail(path + ": " + llvm::toString(bytes.takeError()));
  return bytes;
}

Expected<mlir::OwningOpRef<mlir::ModuleOp>>
snnc::importNirFile(StringRef path, const NirOptions &options,
                    mlir::MLIRContext &context) {
  auto bytes = translateNirFile(path, options);
  if (!bytes)
    return bytes.takeError();
  return importOnnxBuffer(*bytes, /*textual=*/false, path, context);
}
