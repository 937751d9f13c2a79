//===- NirGraph.h - a NIR graph as read from HDF5 --------------*- C++ -*-===//
//
// The NIR 1.0 layout (nir/serialization.py): the root holds a `version`
// string and the group `node`, a graph: `type` = "NIRGraph", the group
// `nodes` (one group per node, each with a string `type` and its
// parameters as datasets) and `edges`, an N x 2 array of node names
// (source, target).  Optional `metadata` groups hold extra values (`dt`).
//
// Only what the translation uses is read: a node's parameters of its type
// (parametersOf), nothing of an unknown member, whatever it claims to hold.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_FRONTEND_LIB_NIRGRAPH_H
#define SNNC_FRONTEND_LIB_NIRGRAPH_H

#include "Hdf5File.h"

#include "llvm/ADT/ArrayRef.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace snnc::nir {

/// Bounds far beyond any NIR export (a node is a layer): a hostile file
/// fails with one line before it costs time or memory.
constexpr uint64_t kMaxNodes = 10000;
constexpr uint64_t kMaxEdges = 100000;

/// A parameter the translation reads, and the most values it may have.
struct Param {
  const char *name;
  int64_t maxElements;
};

/// The parameters of a node type that the translation (NirImporter.cpp)
/// reads; none for a type it refuses.
llvm::ArrayRef<Param> parametersOf(llvm::StringRef type);

struct Node {
  std::string name, type;
  std::map<std::string, hdf5::Dataset> params;
};

struct Graph {
  std::string version;
  std::map<std::string, Node> nodes;
  /// Each (source, target) pair once.
  std::vector<std::pair<std::string, std::string>> edges;
  std::optional<double> dt; // node/metadata/dt, when written
};

/// Reads and checks the layout (not the semantics) of a NIR file.
llvm::Expected<Graph> readGraph(const std::string &path);

/// "node 'NAME' (TYPE)" with both printable: how messages name a node.
std::string title(const Node &node);

} // namespace snnc::nir

#endif // SNNC_FRONTEND_LIB_NIRGRAPH_H
