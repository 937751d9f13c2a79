//===- OnnxImporter.cpp - ONNX models to the snn dialect ------------------===//
#include "snnc/Frontend/OnnxImporter.h"
#include "OnnxGraph.h"
#include "snnc/IR/Diagnostics.h"
#include "snnc/IR/SNNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

#include <google/protobuf/stubs/logging.h>
#include <onnx/defs/parser.h>

using namespace mlir;
using namespace snnc;
using namespace snnc::frontend;
using llvm::Error;
using llvm::Expected;
using llvm::formatv;
using llvm::StringRef;

namespace {
constexpr int64_t kMinOpset = 11, kMaxOpset = 17;
// No per-step frame of a network a core could run is this large; a bigger
// dim is a corrupt or hostile file, refused before anything is allocated.
constexpr int64_t kMaxDim = 1 << 16;
constexpr int64_t kMaxFeatures = int64_t(1) << 24;

Error checkOpsets(const onnx::ModelProto &model) {
  bool sawDefault = false;
  for (const onnx::OperatorSetIdProto &opset : model.opset_import()) {
    StringRef domain = opset.domain();
    if (domain.empty() || domain == "ai.onnx") {
      sawDefault = true;
      if (opset.version() < kMinOpset || opset.version() > kMaxOpset)
        return fail(
            formatv("opset {0} of ai.onnx is not supported ({1}-{2} are)",
                    opset.version(), kMinOpset, kMaxOpset));
    } else if (domain == "snn") {
      if (opset.version() != 1)
        return fail(formatv("version {0} of the snn domain is not supported "
                            "(1 is)",
                            opset.version()));
    }
  }
  if (!sawDefault)
    return fail("the model imports no ai.onnx opset");
  return Error::success();
}

struct Metadata {
  std::optional<int64_t> timesteps;
  std::string encoding = "direct";
  std::optional<std::string> readout; // "mean" or "last"
};

Expected<Metadata> readMetadata(const onnx::ModelProto &model) {
  Metadata meta;
  for (const onnx::StringStringEntryProto &entry : model.metadata_props()) {
    if (entry.key() == "snn.timesteps") {
      int64_t steps;
      if (StringRef(entry.value()).getAsInteger(10, steps) || steps < 1 ||
          steps > 100000)
        return fail(formatv("metadata snn.timesteps = '{0}' is not a step "
                            "count in [1, 100000]",
                            entry.value()));
      meta.timesteps = steps;
    } else if (entry.key() == "snn.input_encoding") {
      if (!snn::isValidInputEncoding(entry.value()))
        return fail(formatv("metadata snn.input_encoding = '{0}' must be "
                            "'direct' or 'events'",
                            entry.value()));
      meta.encoding = entry.value();
    } else if (entry.key() == "snn.readout") {
      if (!snn::isValidReadout(entry.value()))
        return fail(formatv("metadata snn.readout = '{0}' must be 'mean' "
                            "(over the time steps) or 'last' (the last "
                            "step's value)",
                            entry.value()));
      meta.readout = entry.value();
    }
  }
  return meta;
}

/// The graph input's type: [N, ...] with a dynamic batch dim.
Expected<RankedTensorType> inputType(const onnx::ValueInfoProto &info,
                                     OpBuilder &builder) {
  std::string what = "graph input '" + info.name() + "'";
  if (!info.type().has_tensor_type())
    return fail(what + " is not a tensor");
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  if (tensor.elem_type() != onnx::TensorProto::FLOAT)
    return fail(what + " must be float32");
  if (!tensor.has_shape())
    return fail(what + " has no shape");
  int rank = tensor.shape().dim_size();
  if (rank == 5)
    return fail(what + " must be [N, C] or [N, C, H, W], it has rank 5: a "
                       "multi-step [T, N, C, H, W] export; snnc models are "
                       "one time step whose state snn.LIF keeps, so export "
                       "one step with snnc_torch.export (SpikingJelly and "
                       "snnTorch nets: snnc_torch.from_spikingjelly / "
                       "from_snntorch); see docs/onnx-convention.md");
  if (rank != 2 && rank != 4)
    return fail(formatv("{0} must be [N, C] or [N, C, H, W], it has rank {1}",
                        what, rank));
  SmallVector<int64_t, 4> shape = {ShapedType::kDynamic};
  int64_t features = 1;
  for (int i = 1; i < rank; ++i) {
    const onnx::TensorShapeProto::Dimension &dim = tensor.shape().dim(i);
    if (!dim.has_dim_value())
      return fail(formatv("{0} dim {1} must be static", what, i));
    int64_t size = dim.dim_value();
    if (size < 1)
      return fail(
          formatv("{0} dim {1} is {2}; dims must be >= 1", what, i, size));
    if (size > kMaxDim || (features *= size) > kMaxFeatures)
      return fail(
          formatv("{0} dim {1} = {2} is absurdly large", what, i, size));
    shape.push_back(size);
  }
  return RankedTensorType::get(shape, builder.getF32Type());
}

std::string nodeTitle(const onnx::NodeProto &node, int index) {
  std::string name =
      node.name().empty() ? "#" + std::to_string(index) : node.name();
  return formatv("node '{0}' ({1})", name, node.op_type());
}

/// A declared output shape (when the graph gives one) must be what the
/// graph computes: a mismatch means the file is not the network its
/// author described. Symbolic or absent dims match anything.
Error checkDeclaredOutput(const onnx::ValueInfoProto &info, Value readout) {
  if (!info.type().has_tensor_type() || !info.type().tensor_type().has_shape())
    return Error::success();
  const onnx::TensorShapeProto &declared = info.type().tensor_type().shape();
  auto computed = readout.getType().cast<RankedTensorType>();
  auto text = [&] {
    std::string out;
    for (int i = 0; i < declared.dim_size(); ++i)
      out +=
          (i ? ", " : "") + (declared.dim(i).has_dim_value()
                                 ? std::to_string(declared.dim(i).dim_value())
                                 : std::string("?"));
    return out;
  };
  bool same = declared.dim_size() == computed.getRank();
  for (int i = 1; same && i < declared.dim_size(); ++i)
    same = !declared.dim(i).has_dim_value() ||
           declared.dim(i).dim_value() == computed.getDimSize(i);
  if (same)
    return Error::success();
  return fail(formatv("graph output '{0}' is declared [{1}], but the graph "
                      "computes [N, {2}]",
                      info.name(), text(), computed.getDimSize(1)));
}

Expected<OwningOpRef<ModuleOp>> importModel(const onnx::ModelProto &model,
                                            MLIRContext &context) {
  context.loadDialect<snn::SNNDialect>();
  if (!model.has_graph())
    return fail("the model has no graph");
  if (Error err = checkOpsets(model))
    return std::move(err);
  auto metaOrErr = readMetadata(model);
  if (!metaOrErr)
    return metaOrErr.takeError();
  const onnx::GraphProto &graph = model.graph();

  OpBuilder builder(&context);
  OwningOpRef<ModuleOp> module = ModuleOp::create(builder.getUnknownLoc());
  if (metaOrErr->timesteps)
    (*module)->setAttr(snn::SNNDialect::kTimestepsAttr,
                       builder.getI64IntegerAttr(*metaOrErr->timesteps));
  (*module)->setAttr(snn::SNNDialect::kInputEncodingAttr,
                     builder.getStringAttr(metaOrErr->encoding));
  if (metaOrErr->readout)
    (*module)->setAttr(snn::SNNDialect::kReadoutAttr,
                       builder.getStringAttr(*metaOrErr->readout));

  GraphImporter importer(builder);
  importer.setGraph(graph);
  builder.setInsertionPointToEnd(module->getBody());
  for (const onnx::TensorProto &init : graph.initializer()) {
    auto tensor = decodeTensor(init, "initializer '" + init.name() + "'");
    if (!tensor)
      return tensor.takeError();
    GraphValue value;
    value.constant = std::move(*tensor);
    if (Error err = importer.define(init.name(), std::move(value)))
      return std::move(err);
  }
  const onnx::ValueInfoProto *graphInput = nullptr;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (importer.lookup(info.name()))
      continue; // an initializer listed as an input (IR version < 4)
    if (graphInput)
      return fail(formatv("the graph has several inputs ('{0}', '{1}'); snnc "
                          "takes one",
                          graphInput->name(), info.name()));
    graphInput = &info;
  }
  if (!graphInput)
    return fail("the graph has no input");
  if (graph.output_size() != 1)
    return fail(formatv("the graph has {0} outputs; snnc takes one readout",
                        graph.output_size()));
  auto inTypeOrErr = inputType(*graphInput, builder);
  if (!inTypeOrErr)
    return inTypeOrErr.takeError();

  // The result type is known only after the body is built: create @main with
  // the input alone and set its type at the end.
  auto func =
      builder.create<func::FuncOp>(builder.getUnknownLoc(), "main",
                                   builder.getFunctionType({*inTypeOrErr}, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);
  GraphValue inputValue;
  inputValue.value = body->getArgument(0);
  if (Error err = importer.define(graphInput->name(), inputValue))
    return std::move(err);

  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    if (Error err = importer.convertNode(node))
      return fail(nodeTitle(node, i) + ": " + llvm::toString(std::move(err)));
  }

  const std::string &outName = graph.output(0).name();
  const GraphValue *out = importer.lookup(outName);
  if (!out)
    return fail(
        formatv("graph output '{0}' is not produced by any node", outName));
  mlir::Value readout = out->isConstant() ? mlir::Value() : out->value;
  int64_t rank = out->isConstant()
                     ? 0
                     : out->value.getType().cast<RankedTensorType>().getRank();
  if (out->kind == ValueKind::Spikes && !out->isConstant()) {
    // A network that ends in a spiking layer reads out its firing rate:
    // the mean over T of its spikes, through a one-to-one gain of 1 (a
    // spike count is T times it; snnTorch's ce_rate_loss and
    // accuracy_rate take the argmax of the counts).
    if (rank != 2 || !out->value.getDefiningOp<snn::LIFOp>())
      return fail(formatv("graph output '{0}' reads spikes {1}; a spiking "
                          "output layer is read out from the [N, K] spikes "
                          "of a LIF (end the net with a Linear layer and a "
                          "LIF, or with the Linear layer)",
                          outName,
                          rank != 2 ? formatv("of rank {0}", rank).str()
                                    : std::string("through a reshape")));
    readout = importer.rateReadout(out->value, outName);
  } else if (out->kind == ValueKind::Membrane && !out->isConstant()) {
    // A LIF read out by its membranes (checked [N, K] by convertLIF).
  } else if (out->isConstant() || out->kind != ValueKind::Current ||
             rank != 2) {
    return fail(formatv(
        "graph output '{0}' must be the readout, a non-spiking "
        "[N, K] current, the [N, K] spikes of a LIF or its membranes; it "
        "is {1}",
        outName, out->isConstant() ? "a constant" : kindName(out->kind)));
  }
  if (Error err = checkDeclaredOutput(graph.output(0), readout))
    return std::move(err);
  builder.create<func::ReturnOp>(builder.getUnknownLoc(), readout);
  func.setFunctionType(
      builder.getFunctionType({*inTypeOrErr}, {readout.getType()}));

  // The importer checks everything it builds; the verifier is the backstop
  // and its diagnostics, notes included, become the error.
  DiagnosticCollector diagnostics(&context);
  if (failed(verify(*module)))
    return fail("the imported IR does not verify: " + diagnostics.text());
  return std::move(module);
}
} // namespace

namespace {
/// Collects what protobuf logs while it parses, instead of letting it print
/// multi-line "[libprotobuf ERROR ...]" text to stderr: a complaint (say,
/// invalid UTF-8 in a string field) becomes the import's one-line error.
class ProtobufLogCapture {
public:
  ProtobufLogCapture() : previous(google::protobuf::SetLogHandler(&capture)) {
    messages().clear();
  }
  ~ProtobufLogCapture() { google::protobuf::SetLogHandler(previous); }
  /// The first error protobuf logged, on one line; empty if none.
  static std::string firstError() {
    return messages().empty() ? std::string() : messages().front();
  }

private:
  static std::vector<std::string> &messages() {
    static thread_local std::vector<std::string> logged;
    return logged;
  }
  static void capture(google::protobuf::LogLevel level, const char *, int,
                      const std::string &message) {
    if (level >= google::protobuf::LOGLEVEL_ERROR)
      messages().push_back(StringRef(message)
                               .trim()
                               .take_until([](char c) { return c == '\n'; })
                               .str());
  }
  google::protobuf::LogHandler *previous;
};
} // namespace

/// A name from the file with its control characters written as \xNN, so
/// that no name can break a message into two lines, move the terminal's
/// cursor or end a comment in generated code.  The mapping is the same for
/// every occurrence, so tensors still connect.
static bool isControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

static void escapeControls(std::string &name) {
  if (llvm::none_of(name, isControl))
    return;
  std::string out;
  for (unsigned char c : name) {
    if (isControl(c))
      out += llvm::formatv("\\x{0:x-2}", unsigned(c)).str();
    else
      out += char(c);
  }
  name = std::move(out);
}

/// Escapes the names of a graph: nodes, op types, attributes, the tensors
/// they connect, inputs, outputs, initializers and value infos.
static void escapeGraphNames(onnx::GraphProto &graph) {
  escapeControls(*graph.mutable_name());
  for (onnx::NodeProto &node : *graph.mutable_node()) {
    escapeControls(*node.mutable_name());
    escapeControls(*node.mutable_op_type());
    escapeControls(*node.mutable_domain());
    for (std::string &input : *node.mutable_input())
      escapeControls(input);
    for (std::string &output : *node.mutable_output())
      escapeControls(output);
    for (onnx::AttributeProto &attr : *node.mutable_attribute()) {
      escapeControls(*attr.mutable_name());
      if (attr.has_g())
        escapeGraphNames(*attr.mutable_g());
      for (onnx::GraphProto &sub : *attr.mutable_graphs())
        escapeGraphNames(sub);
    }
  }
  for (auto *infos : {graph.mutable_input(), graph.mutable_output(),
                      graph.mutable_value_info()})
    for (onnx::ValueInfoProto &info : *infos)
      escapeControls(*info.mutable_name());
  for (onnx::TensorProto &init : *graph.mutable_initializer())
    escapeControls(*init.mutable_name());
}

/// Textual ONNX nests graphs in braces, and onnx::OnnxParser recurses once
/// per level: 10,000 nested If graphs overflow its stack.  Binary ONNX is
/// bounded by protobuf's own recursion limit (100).  The same scan as
/// snnc::jsonNestingDepth (runtime), written again because parsing rules
/// must not pull the frontend up into the runtime; issue 27's shared rules
/// below both will hold one copy.
static constexpr unsigned kMaxTextNesting = 64;

static bool nestsTooDeep(StringRef text) {
  unsigned depth = 0;
  bool inString = false, escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"')
      inString = true;
    else if (c == '{' || c == '[' || c == '(') {
      if (++depth > kMaxTextNesting)
        return true;
    } else if ((c == '}' || c == ']' || c == ')') && depth > 0)
      --depth;
  }
  return false;
}

Expected<OwningOpRef<ModuleOp>> snnc::importOnnxBuffer(StringRef bytes,
                                                       bool textual,
                                                       StringRef sourceName,
                                                       MLIRContext &context) {
  onnx::ModelProto model;
  ProtobufLogCapture protobufLog;
  if (textual) {
    if (nestsTooDeep(bytes))
      return fail(sourceName + ": not valid textual ONNX: nested deeper than " +
                  Twine(kMaxTextNesting) + " levels");
    std::string text = bytes.str();
    onnx::Common::Status status;
    try {
      status = onnx::OnnxParser::Parse(model, text.c_str());
    } catch (const std::exception &err) {
      // The 1.12 parser throws on malformed numbers (std::stof).
      return fail(sourceName + ": not valid textual ONNX: " + err.what());
    }
    if (!status.IsOK()) {
      // The parser's message spans lines (position, then context); keep the
      // first: errors are one line.
      StringRef message = StringRef(status.ErrorMessage()).trim();
      return fail(sourceName + ": not valid textual ONNX: " +
                  message.take_until([](char c) { return c == '\n'; }));
    }
  } else if (bytes.size() > size_t(INT32_MAX) ||
             !model.ParseFromArray(bytes.data(), int(bytes.size()))) {
    return fail(sourceName +
                ": not a valid ONNX protobuf (truncated or corrupt)");
  }
  if (std::string logged = ProtobufLogCapture::firstError(); !logged.empty())
    return fail(sourceName + ": not a valid ONNX protobuf: " + logged);
  escapeGraphNames(*model.mutable_graph());
  for (auto &prop : *model.mutable_metadata_props()) {
    escapeControls(*prop.mutable_key());
    escapeControls(*prop.mutable_value());
  }
  auto module = importModel(model, context);
  if (!module)
    return fail(sourceName + ": " + llvm::toString(module.takeError()));
  return module;
}

Expected<OwningOpRef<ModuleOp>> snnc::importOnnxFile(StringRef path,
                                                     MLIRContext &context) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail(path + ": cannot read: " + buffer.getError().message());
  return importOnnxBuffer((*buffer)->getBuffer(), path.endswith(".onnxtxt"),
                          path, context);
}
