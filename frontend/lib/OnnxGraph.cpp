//===- OnnxGraph.cpp - decoding ONNX tensors and attributes ---------------===//
#include "OnnxGraph.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>

using namespace snnc::frontend;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

Error snnc::frontend::fail(const llvm::Twine &message) {
  return makeError<ModelError>(message);
}

StringRef snnc::frontend::kindName(ValueKind kind) {
  switch (kind) {
  case ValueKind::Analog:
    return "the analog network input";
  case ValueKind::Current:
    return "a synaptic current";
  case ValueKind::Spikes:
    return "spikes";
  case ValueKind::Graded:
    return "pooled (graded) spikes";
  case ValueKind::Membrane:
    return "a LIF's membranes";
  }
  return "unknown";
}

int64_t HostTensor::numElements() const {
  int64_t count = 1;
  for (int64_t dim : dims)
    count *= dim;
  return count;
}

// Tensors larger than this are not weights of a network a core could hold;
// refusing them early keeps a corrupt dims field from exhausting memory.
static constexpr int64_t kMaxTensorElements = int64_t(1) << 28;

static std::string dimsStr(llvm::ArrayRef<int64_t> dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    out += (i ? ", " : "") + std::to_string(dims[i]);
  return out + "]";
}

/// Copies little-endian raw_data, after checking its size.
template <typename T>
static Error decodeRaw(const std::string &raw, int64_t count,
                       std::vector<T> &out, StringRef what) {
  if (raw.size() != size_t(count) * sizeof(T))
    return fail(llvm::formatv("{0} has {1} bytes of data, its dims need {2}",
                              what, raw.size(), count * sizeof(T)));
  out.resize(count);
  for (int64_t i = 0; i < count; ++i)
    out[i] = llvm::support::endian::read<T, llvm::support::little, 1>(
        raw.data() + i * sizeof(T));
  return Error::success();
}

Expected<HostTensor>
snnc::frontend::decodeTensor(const onnx::TensorProto &proto, StringRef what) {
  HostTensor tensor;
  int64_t count = 1;
  for (int64_t dim : proto.dims()) {
    if (dim < 0)
      return fail(llvm::formatv("{0} has a negative dim {1}", what, dim));
    tensor.dims.push_back(dim);
    if (dim > 0 && count > kMaxTensorElements / dim)
      return fail(
          llvm::formatv("{0} has absurd dims {1}", what, dimsStr(tensor.dims)));
    count *= dim;
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return fail(what + " uses external data, which snnc does not read");
  bool hasRaw = proto.has_raw_data();
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT: {
    if (hasRaw) {
      if (Error err =
              decodeRaw<float>(proto.raw_data(), count, tensor.floats, what))
        return std::move(err);
    } else {
      tensor.floats.assign(proto.float_data().begin(),
                           proto.float_data().end());
    }
    if (int64_t(tensor.floats.size()) != count)
      return fail(llvm::formatv("{0} has {1} values, its dims {2} need {3}",
                                what, tensor.floats.size(),
                                dimsStr(tensor.dims), count));
    for (float value : tensor.floats)
      if (!std::isfinite(value))
        return fail(llvm::formatv("{0} contains {1}", what,
                                  std::isnan(value) ? "NaN" : "Inf"));
    return tensor;
  }
  case onnx::TensorProto::INT64: {
    tensor.isInt = true;
    if (hasRaw) {
      if (Error err =
              decodeRaw<int64_t>(proto.raw_data(), count, tensor.ints, what))
        return std::move(err);
    } else {
      tensor.ints.assign(proto.int64_data().begin(), proto.int64_data().end());
    }
    if (int64_t(tensor.ints.size()) != count)
      return fail(llvm::formatv("{0} has {1} values, its dims {2} need {3}",
                                what, tensor.ints.size(), dimsStr(tensor.dims),
                                count));
    return tensor;
  }
  default:
    return fail(llvm::formatv(
        "{0} has data type {1}; snnc reads float32 weights and int64 shapes",
        what,
        onnx::TensorProto::DataType_Name(
            onnx::TensorProto::DataType(proto.data_type()))));
  }
}

//===----------------------------------------------------------------------===//
// NodeAttrs
//===----------------------------------------------------------------------===//

NodeAttrs::NodeAttrs(const onnx::NodeProto &node) : node(node) {}

const onnx::AttributeProto *NodeAttrs::find(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

bool NodeAttrs::has(StringRef name) const { return find(name) != nullptr; }

Error NodeAttrs::wrongType(const onnx::AttributeProto &attr,
                           StringRef expected) const {
  return fail(
      llvm::formatv("attribute '{0}' must be {1}", attr.name(), expected));
}

Expected<int64_t> NodeAttrs::getInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *attr = find(name);
  if (!attr)
    return dflt;
  if (attr->type() != onnx::AttributeProto::INT)
    return wrongType(*attr, "an int");
  return attr->i();
}

Expected<float> NodeAttrs::getFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *attr = find(name);
  if (!attr)
    return dflt;
  if (attr->type() != onnx::AttributeProto::FLOAT)
    return wrongType(*attr, "a float");
  // No float attribute snnc reads may be NaN or infinite (a NaN Gemm alpha
  // or Constant value_float reached the engines as NaN scores).
  if (!std::isfinite(attr->f()))
    return fail(llvm::formatv("attribute '{0}' is {1}; it must be finite", name,
                              std::isnan(attr->f()) ? "NaN" : "Inf"));
  return attr->f();
}

Expected<float> NodeAttrs::getRequiredFloat(StringRef name) const {
  if (!has(name))
    return fail(llvm::formatv("required attribute '{0}' is missing", name));
  return getFloat(name, 0.0f);
}

Expected<std::vector<float>>
NodeAttrs::getRequiredFloats(StringRef name) const {
  const onnx::AttributeProto *attr = find(name);
  if (!attr)
    return fail(llvm::formatv("required attribute '{0}' is missing", name));
  if (attr->type() == onnx::AttributeProto::FLOAT) {
    auto one = getFloat(name, 0.0f);
    if (!one)
      return one.takeError();
    return std::vector<float>{*one};
  }
  if (attr->type() != onnx::AttributeProto::FLOATS || attr->floats_size() == 0)
    return wrongType(*attr, "a float or a non-empty list of floats");
  for (float v : attr->floats())
    if (!std::isfinite(v))
      return fail(llvm::formatv(
          "attribute '{0}' holds NaN or Inf; it must be finite", name));
  return std::vector<float>(attr->floats().begin(), attr->floats().end());
}

Expected<std::string> NodeAttrs::getString(StringRef name,
                                           StringRef dflt) const {
  const onnx::AttributeProto *attr = find(name);
  if (!attr)
    return dflt.str();
  if (attr->type() != onnx::AttributeProto::STRING)
    return wrongType(*attr, "a string");
  return attr->s();
}

Expected<std::vector<int64_t>>
NodeAttrs::getInts(StringRef name, std::vector<int64_t> dflt) const {
  const onnx::AttributeProto *attr = find(name);
  if (!attr)
    return dflt;
  if (attr->type() != onnx::AttributeProto::INTS)
    return wrongType(*attr, "a list of ints");
  return std::vector<int64_t>(attr->ints().begin(), attr->ints().end());
}

Expected<HostTensor> NodeAttrs::getTensor(StringRef name) const {
  const onnx::AttributeProto *attr = find(name);
  if (!attr || attr->type() != onnx::AttributeProto::TENSOR)
    return fail(llvm::formatv("attribute '{0}' must be a tensor", name));
  return decodeTensor(attr->t(), "attribute '" + name.str() + "'");
}

Error NodeAttrs::checkKnown(llvm::ArrayRef<StringRef> known) const {
  for (int i = 0; i < node.attribute_size(); ++i) {
    StringRef name = node.attribute(i).name();
    if (!llvm::is_contained(known, name))
      return fail(llvm::formatv("unknown attribute '{0}'", name));
    // find() takes the first of a repeated name; the ONNX checker refuses
    // repeats, and so does snnc rather than guess which one was meant.
    for (int j = 0; j < i; ++j)
      if (node.attribute(j).name() == name)
        return fail(llvm::formatv("attribute '{0}' appears twice", name));
  }
  return Error::success();
}
