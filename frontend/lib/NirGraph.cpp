//===- NirGraph.cpp - a NIR graph as read from HDF5 -----------------------===//
#include "NirGraph.h"

#include "llvm/Support/FormatVariadic.h"

using namespace snnc;
using namespace snnc::nir;
using llvm::formatv;

static llvm::Error fail(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), what);
}

/// A dataset that must hold one string.
static llvm::Expected<std::string> readString(const hdf5::File &file,
                                              const std::string &path) {
  auto data = file.read(path);
  if (!data)
    return data.takeError();
  if (!data->isString || data->strings.size() != 1)
    return fail(formatv("'{0}' must be one string", path));
  return data->strings[0];
}

static llvm::Expected<Node> readNode(const hdf5::File &file,
                                     const std::string &path,
                                     const std::string &name) {
  Node node;
  node.name = name;
  if (!file.exists(path + "/type"))
    return fail(formatv("node '{0}' has no 'type'", name));
  auto type = readString(file, path + "/type");
  if (!type)
    return type.takeError();
  node.type = *type;
  auto members = file.children(path);
  if (!members)
    return members.takeError();
  for (const std::string &member : *members) {
    if (member == "type" || member == "metadata")
      continue;
    if (file.isGroup(path + "/" + member)) {
      if (node.type == "NIRGraph")
        continue; // a nested graph: refused by the translation, by type
      return fail(formatv("node '{0}' ({1}): '{2}' is a group, not a "
                          "parameter",
                          name, node.type, member));
    }
    auto data = file.read(path + "/" + member);
    if (!data)
      return fail(formatv("node '{0}' ({1}): {2}", name, node.type,
                          llvm::toString(data.takeError())));
    node.params.emplace(member, std::move(*data));
  }
  return node;
}

static llvm::Error readEdges(const hdf5::File &file, Graph &graph) {
  if (!file.exists("/node/edges"))
    return fail("the graph has no 'edges'");
  auto edges = file.read("/node/edges");
  if (!edges)
    return edges.takeError();
  if (edges->size() == 0)
    return llvm::Error::success();
  if (!edges->isString || edges->shape.size() != 2 || edges->shape[1] != 2)
    return fail("'edges' must be an N x 2 array of node names");
  for (size_t i = 0; i + 1 < edges->strings.size(); i += 2)
    graph.edges.emplace_back(edges->strings[i], edges->strings[i + 1]);
  return llvm::Error::success();
}

llvm::Expected<Graph> nir::readGraph(const std::string &path) {
  auto file = hdf5::File::open(path);
  if (!file)
    return file.takeError();
  Graph graph;
  if (!(*file)->exists("/version"))
    return fail("no 'version' at the root: not a NIR file");
  auto version = readString(**file, "/version");
  if (!version)
    return version.takeError();
  graph.version = *version;
  if (!(*file)->isGroup("/node"))
    return fail("no group 'node' at the root: not a NIR file");
  auto type = readString(**file, "/node/type");
  if (!type)
    return type.takeError();
  if (*type != "NIRGraph")
    return fail(formatv("the root node is a {0}, not a NIRGraph", *type));
  if (!(*file)->isGroup("/node/nodes"))
    return fail("the graph has no group 'nodes'");
  auto names = (*file)->children("/node/nodes");
  if (!names)
    return names.takeError();
  for (const std::string &name : *names) {
    auto node = readNode(**file, "/node/nodes/" + name, name);
    if (!node)
      return node.takeError();
    graph.nodes.emplace(name, std::move(*node));
  }
  if (llvm::Error err = readEdges(**file, graph))
    return std::move(err);
  if ((*file)->exists("/node/metadata/dt")) {
    auto dt = (*file)->read("/node/metadata/dt");
    if (!dt)
      return dt.takeError();
    if (dt->isString || dt->numbers.size() != 1)
      return fail("metadata 'dt' must be one number");
    graph.dt = dt->numbers[0];
  }
  return graph;
}
