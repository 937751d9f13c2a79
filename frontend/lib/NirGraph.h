//===- NirGraph.h - a NIR graph as read from HDF5 --------------*- C++ -*-===//
//
// The NIR 1.0 layout (nir/serialization.py): the root holds a `version`
// string and the group `node`, a graph: `type` = "NIRGraph", the group
// `nodes` (one group per node, each with a string `type` and its
// parameters as datasets) and `edges`, an N x 2 array of node names
// (source, target).  Optional `metadata` groups hold extra values (`dt`).
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_FRONTEND_LIB_NIRGRAPH_H
#define SNNC_FRONTEND_LIB_NIRGRAPH_H

#include "Hdf5File.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace snnc::nir {

struct Node {
  std::string name, type;
  std::map<std::string, hdf5::Dataset> params;
};

struct Graph {
  std::string version;
  std::map<std::string, Node> nodes;
  std::vector<std::pair<std::string, std::string>> edges;
  std::optional<double> dt; // node/metadata/dt, when written
};

/// Reads and checks the layout (not the semantics) of a NIR file.
llvm::Expected<Graph> readGraph(const std::string &path);

} // namespace snnc::nir

#endif // SNNC_FRONTEND_LIB_NIRGRAPH_H
