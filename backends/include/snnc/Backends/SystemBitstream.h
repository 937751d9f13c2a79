//===- SystemBitstream.h - a bitstream for every chip of a system -*- C++
//-*-===//
//
// `snnc bitstream MODEL --board B --chips N|auto -o DIR`: the network
// partitioned across chips of B (Partition.h), and every chip's core,
// sized to its sub-network, through the FPGA flow into DIR/chip<i>/ (board
// top, pins, snn.bin, report.json, as a single chip's directory), beside
// DIR/system.json: the chips, the partition, each chip's resources and
// Fmax, and the events each chip-to-chip link would carry.  DIR is
// committed whole, once every chip's flow succeeded.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_BACKENDS_SYSTEMBITSTREAM_H
#define SNNC_BACKENDS_SYSTEMBITSTREAM_H

#include "snnc/Backends/Bitstream.h"
#include "snnc/Backends/Partition.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace snnc {

/// Builds `plan`'s chips (`lanes` delivery lanes each, the board's sweep)
/// into `options.dir`; prints each chip's report to `os` as it is built.
/// Returns system.json's contents.
llvm::Expected<llvm::json::Value>
buildSystemBitstreams(const CoreNetwork &net, const PartitionPlan &plan,
                      const BoardDescription &board, int64_t lanes,
                      const BitstreamOptions &options, llvm::raw_ostream &os);

} // namespace snnc

#endif // SNNC_BACKENDS_SYSTEMBITSTREAM_H
