//===- NirGraph.cpp - a NIR graph as read from HDF5 -----------------------===//
#include "NirGraph.h"
#include "snnc/Runtime/Errors.h"

#include "llvm/Support/FormatVariadic.h"

#include <set>

using namespace snnc;
using namespace snnc::nir;
using hdf5::printable;
using llvm::formatv;

static llvm::Error fail(const llvm::Twine &what) {
  return makeError<ModelError>(what);
}

/// A pair, a dim or a shape: a few values.
static constexpr int64_t kFew = 8;
/// Weights and per-neuron values.
static constexpr int64_t kMany = hdf5::File::kMaxElements;

llvm::ArrayRef<Param> nir::parametersOf(llvm::StringRef type) {
  static const Param input[] = {{"shape", kFew}};
  static const Param affine[] = {{"weight", kMany}, {"bias", kMany}};
  static const Param linear[] = {{"weight", kMany}};
  static const Param conv[] = {{"weight", kMany},  {"bias", kMany},
                               {"stride", kFew},   {"padding", kFew},
                               {"dilation", kFew}, {"groups", kFew}};
  static const Param pool[] = {
      {"kernel_size", kFew}, {"stride", kFew}, {"padding", kFew}};
  static const Param flatten[] = {{"start_dim", kFew}, {"end_dim", kFew}};
  static const Param scale[] = {{"scale", kMany}};
  static const Param lif[] = {{"tau", kMany},
                              {"r", kMany},
                              {"v_leak", kMany},
                              {"v_threshold", kMany},
                              {"v_reset", kMany}};
  static const Param integrate[] = {
      {"r", kMany}, {"v_threshold", kMany}, {"v_reset", kMany}};
  static const Param threshold[] = {{"threshold", kMany}};
  if (type == "Input")
    return input;
  if (type == "Affine")
    return affine;
  if (type == "Linear")
    return linear;
  if (type == "Conv2d")
    return conv;
  if (type == "AvgPool2d" || type == "SumPool2d")
    return pool;
  if (type == "Flatten")
    return flatten;
  if (type == "Scale")
    return scale;
  if (type == "LIF")
    return lif;
  if (type == "IF")
    return integrate;
  if (type == "Threshold")
    return threshold;
  return {};
}

std::string nir::title(const Node &node) {
  return formatv("node '{0}' ({1})", printable(node.name),
                 printable(node.type));
}

namespace {

/// The translation holds what is read about three times (as read, as
/// float in the ONNX model, as its bytes): the budget counts each read
/// byte three times against the memory limit.
constexpr unsigned kCopies = 3;

class GraphReader {
public:
  explicit GraphReader(const hdf5::File &file) : file(file), budget(kCopies) {}
  llvm::Expected<Graph> read();

private:
  llvm::Expected<std::string> readString(const std::string &path);
  llvm::Expected<Node> readNode(const std::string &name);
  llvm::Error readParam(Node &node, const std::string &path,
                        const Param &param);
  llvm::Error readEdges(Graph &graph);
  llvm::Error readDt(Graph &graph);

  const hdf5::File &file;
  hdf5::Budget budget;
};

/// A dataset that must hold one string.
llvm::Expected<std::string> GraphReader::readString(const std::string &path) {
  auto data = file.read(path, 1, budget);
  if (!data)
    return data.takeError();
  if (!data->isString || data->strings.size() != 1)
    return fail(formatv("'{0}' must be one string", printable(path)));
  return data->strings[0];
}

llvm::Error GraphReader::readParam(Node &node, const std::string &path,
                                   const Param &param) {
  if (file.isGroup(path))
    return fail(formatv("{0}: '{1}' is a group, not a parameter", title(node),
                        param.name));
  auto data = file.read(path, param.maxElements, budget);
  if (!data)
    return fail(title(node) + ": " + llvm::toString(data.takeError()));
  node.params.emplace(param.name, std::move(*data));
  return llvm::Error::success();
}

llvm::Expected<Node> GraphReader::readNode(const std::string &name) {
  // The name becomes part of HDF5 paths: one that is not a single path
  // component (a crafted link name) would name another object.
  if (name == "." || llvm::StringRef(name).contains('/'))
    return fail(formatv("the graph has a node named '{0}', which is not a "
                        "name an HDF5 path can hold",
                        printable(name)));
  std::string path = "/node/nodes/" + name;
  Node node;
  node.name = name;
  if (!file.exists(path + "/type"))
    return fail(formatv("node '{0}' has no 'type'", printable(name)));
  auto type = readString(path + "/type");
  if (!type)
    return type.takeError();
  node.type = *type;
  // Only the parameters the translation uses: a member it does not know is
  // never opened, so it costs nothing, whatever its dataspace claims.
  for (const Param &param : parametersOf(node.type)) {
    std::string member = path + "/" + param.name;
    if (!file.hasLink(member))
      continue; // the translation says whether it was needed
    if (llvm::Error err = readParam(node, member, param))
      return std::move(err);
  }
  return node;
}

llvm::Error GraphReader::readEdges(Graph &graph) {
  if (!file.exists("/node/edges"))
    return fail("the graph has no 'edges'");
  auto edges = file.read("/node/edges", 2 * kMaxEdges, budget);
  if (!edges)
    return edges.takeError();
  if (edges->size() == 0)
    return llvm::Error::success();
  if (!edges->isString || edges->shape.size() != 2 || edges->shape[1] != 2)
    return fail("'edges' must be an N x 2 array of node names");
  // One rule for every engine: an edge listed twice would be a sum of the
  // same value twice to one and an invalid network to another.
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i + 1 < edges->strings.size(); i += 2) {
    std::pair<std::string, std::string> edge(edges->strings[i],
                                             edges->strings[i + 1]);
    if (!seen.insert(edge).second)
      return fail(formatv("edge '{0}' -> '{1}' is listed twice",
                          printable(edge.first), printable(edge.second)));
    graph.edges.push_back(std::move(edge));
  }
  return llvm::Error::success();
}

llvm::Error GraphReader::readDt(Graph &graph) {
  if (!file.exists("/node/metadata/dt"))
    return llvm::Error::success();
  auto dt = file.read("/node/metadata/dt", 1, budget);
  if (!dt)
    return dt.takeError();
  if (dt->isString || dt->numbers.size() != 1)
    return fail("metadata 'dt' must be one number");
  graph.dt = dt->numbers[0];
  return llvm::Error::success();
}

llvm::Expected<Graph> GraphReader::read() {
  Graph graph;
  if (!file.exists("/version"))
    return fail("no 'version' at the root: not a NIR file");
  auto version = readString("/version");
  if (!version)
    return version.takeError();
  graph.version = *version;
  if (!file.isGroup("/node"))
    return fail("no group 'node' at the root: not a NIR file");
  auto type = readString("/node/type");
  if (!type)
    return type.takeError();
  if (*type != "NIRGraph")
    return fail(
        formatv("the root node is a {0}, not a NIRGraph", printable(*type)));
  if (!file.isGroup("/node/nodes"))
    return fail("the graph has no group 'nodes'");
  auto names = file.children("/node/nodes", kMaxNodes);
  if (!names)
    return names.takeError();
  for (const std::string &name : *names) {
    auto node = readNode(name);
    if (!node)
      return node.takeError();
    graph.nodes.emplace(name, std::move(*node));
  }
  if (llvm::Error err = readEdges(graph))
    return std::move(err);
  if (llvm::Error err = readDt(graph))
    return std::move(err);
  return graph;
}

} // namespace

llvm::Expected<Graph> nir::readGraph(const std::string &path) {
  auto file = hdf5::File::open(path);
  if (!file)
    return file.takeError();
  return GraphReader(**file).read();
}
