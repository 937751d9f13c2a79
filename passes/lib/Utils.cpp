//===- Utils.cpp - helpers shared by the snn passes -----------------------===//
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace snnc::passes {

std::optional<std::vector<double>> constantValues(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  std::vector<double> out;
  for (APFloat v : attr.getValues<APFloat>())
    out.push_back(v.convertToDouble());
  return out;
}

Value makeConstant(OpBuilder &builder, Location loc, ArrayRef<int64_t> shape,
                   ArrayRef<double> values) {
  SmallVector<float> data(values.begin(), values.end());
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  return builder.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(type, ArrayRef<float>(data)));
}

/// Per-channel values of a constant broadcast against an activation, or
/// nothing when the constant varies along a dim other than the channel.
std::optional<std::vector<double>> perChannel(Value constant,
                                              RankedTensorType activation) {
  auto values = constantValues(constant);
  if (!values)
    return std::nullopt;
  auto type = constant.getType().cast<RankedTensorType>();
  int64_t rank = activation.getRank(), offset = rank - type.getRank();
  int64_t channels = activation.getDimSize(1);
  bool perChannelDim = false;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t size = type.getDimSize(d);
    if (d + offset == 1 && size == channels && channels != 1)
      perChannelDim = true;
    else if (size != 1)
      return std::nullopt;
  }
  if (!perChannelDim)
    return std::vector<double>(channels, (*values)[0]);
  return *values; // only the channel dim is larger than 1
}

} // namespace snnc::passes
