//===- Package.cpp - the compiled package (.snnpkg) -----------------------===//
#include "snnc/Runtime/Package.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Files.h"

#include "snnc_package.pb.h"

#include <google/protobuf/stubs/logging.h>

#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace snnc;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

namespace {
constexpr char kMagic[8] = {'S', 'N', 'N', 'P', 'K', 'G', 0, 0};
constexpr size_t kHeaderSize = 56;

Error packageError(const llvm::Twine &what) {
  return makeError<PackageError>(what);
}

template <typename T>
std::vector<T> fromRepeated(const google::protobuf::RepeatedField<T> &field) {
  return std::vector<T>(field.begin(), field.end());
}

template <typename T, typename U>
void toRepeated(const std::vector<U> &values,
                google::protobuf::RepeatedField<T> *field) {
  for (const U &v : values)
    field->Add(T(v));
}

pkg::Package toProto(const CoreNetwork &net) {
  pkg::Package out;
  out.set_producer("snnc");
  out.set_target(net.target);
  out.set_lanes(net.lanes);
  out.set_events_encoding(net.encoding == InputEncoding::Events);
  out.set_timesteps(net.timesteps.value_or(0));
  pkg::Input *input = out.mutable_input();
  toRepeated(net.input.gain, input->mutable_gain());
  toRepeated(net.input.offset, input->mutable_offset());
  input->set_scale(net.input.scale);
  input->set_bits(net.input.bits);
  if (net.input.range) {
    input->set_range_min(net.input.range->lo);
    input->set_range_max(net.input.range->hi);
  }
  for (const CorePopulation &p : net.populations) {
    pkg::Population *q = out.add_populations();
    q->set_name(p.name);
    q->set_kind(pkg::Population::Kind(int(p.kind)));
    toRepeated(p.shape, q->mutable_shape());
    toRepeated(p.threshold, q->mutable_threshold());
    toRepeated(p.bias, q->mutable_bias());
    // A shared decay is stored once, as packages before per-channel decays.
    bool shared = llvm::all_equal(p.decay);
    q->set_decay(p.decay.empty() ? 0 : p.decay[0]);
    if (!shared)
      toRepeated(p.decay, q->mutable_channel_decay());
    q->set_decay_bits(p.decayBits);
    q->set_state_bits(p.stateBits);
    q->set_soft_reset(p.reset == numerics::Reset::Soft);
    q->set_subtract_reset(p.reset == numerics::Reset::Subtract);
    q->set_fire_ge(p.fireGe);
    toRepeated(p.unit, q->mutable_unit());
    if (p.vThreshold)
      q->set_v_threshold(*p.vThreshold);
    toRepeated(p.currentPool, q->mutable_current_pool());
    q->set_membrane_readout(p.membraneReadout);
  }
  for (const CoreProjection &p : net.projections) {
    pkg::Projection *q = out.add_projections();
    q->set_name(p.name);
    q->set_kind(pkg::Projection::Kind(int(p.kind)));
    q->set_source(p.source);
    q->set_target(p.target);
    q->set_weight_bits(p.weightBits);
    toRepeated(p.weightShape, q->mutable_weight_shape());
    q->set_weights(std::string(reinterpret_cast<const char *>(p.weights.data()),
                               p.weights.size()));
    toRepeated(p.strides, q->mutable_strides());
    toRepeated(p.pads, q->mutable_pads());
    toRepeated(p.dilations, q->mutable_dilations());
    toRepeated(p.inputPool, q->mutable_input_pool());
    q->set_input_pool_max(p.inputPoolMax);
  }
  out.set_readout(net.readout);
  out.set_readout_last(net.readoutLast);
  for (const CorePlacement &p : net.placements) {
    pkg::Placement *q = out.add_placements();
    q->set_object(p.object);
    q->set_memory(p.memory);
    q->set_offset_bits(p.offsetBits);
    q->set_size_bits(p.sizeBits);
  }
  out.set_chips(net.chips);
  for (const CoreChipSlice &s : net.partition) {
    pkg::ChipSlice *q = out.add_partition();
    q->set_population(s.population);
    q->set_chip(s.chip);
    q->set_first_channel(s.firstChannel);
    q->set_channels(s.channels);
    q->set_first_row(s.firstRow);
    q->set_rows(s.rows);
  }
  return out;
}

CoreNetwork fromProto(const pkg::Package &in) {
  CoreNetwork net;
  net.target = in.target();
  net.lanes = in.lanes();
  net.encoding =
      in.events_encoding() ? InputEncoding::Events : InputEncoding::Direct;
  // 0: none recorded; anything else is checked by validateNetwork.
  if (in.timesteps() != 0)
    net.timesteps = in.timesteps();
  net.input.gain = fromRepeated(in.input().gain());
  net.input.offset = fromRepeated(in.input().offset());
  net.input.scale = in.input().scale();
  net.input.bits = in.input().bits();
  if (in.input().has_range_min() || in.input().has_range_max())
    net.input.range =
        InputRange{in.input().range_min(), in.input().range_max()};
  for (const pkg::Population &q : in.populations()) {
    CorePopulation p;
    p.name = q.name();
    p.kind = PopulationKind(int(q.kind()));
    p.shape = fromRepeated(q.shape());
    p.threshold = fromRepeated(q.threshold());
    p.bias = fromRepeated(q.bias());
    // One per channel (threshold holds one per channel, already read).
    p.decay = q.channel_decay_size()
                  ? fromRepeated(q.channel_decay())
                  : std::vector<int64_t>(size_t(q.threshold_size()), q.decay());
    p.decayBits = q.decay_bits();
    p.stateBits = q.state_bits();
    p.reset = q.subtract_reset() ? numerics::Reset::Subtract
              : q.soft_reset()   ? numerics::Reset::Soft
                                 : numerics::Reset::Hard;
    p.fireGe = q.fire_ge();
    p.unit = fromRepeated(q.unit());
    if (q.has_v_threshold())
      p.vThreshold = q.v_threshold();
    p.currentPool = fromRepeated(q.current_pool());
    p.membraneReadout = q.membrane_readout();
    net.populations.push_back(std::move(p));
  }
  for (const pkg::Projection &q : in.projections()) {
    CoreProjection p;
    p.name = q.name();
    p.kind = ProjectionKind(int(q.kind()));
    p.source = q.source();
    p.target = q.target();
    p.weightBits = q.weight_bits();
    p.weightShape = fromRepeated(q.weight_shape());
    p.weights.assign(q.weights().begin(), q.weights().end());
    p.strides = fromRepeated(q.strides());
    p.pads = fromRepeated(q.pads());
    p.dilations = fromRepeated(q.dilations());
    p.inputPool = fromRepeated(q.input_pool());
    p.inputPoolMax = q.input_pool_max();
    net.projections.push_back(std::move(p));
  }
  net.readout = in.readout();
  net.readoutLast = in.readout_last();
  for (const pkg::Placement &q : in.placements())
    net.placements.push_back(
        {q.object(), q.memory(), q.offset_bits(), q.size_bits()});
  net.chips = in.chips();
  for (const pkg::ChipSlice &q : in.partition())
    net.partition.push_back({q.population(), q.chip(), q.first_channel(),
                             q.channels(), q.first_row(), q.rows()});
  return net;
}
} // namespace

std::string snnc::encodePackage(const CoreNetwork &network) {
  std::string payload;
  toProto(network).SerializeToString(&payload);
  std::string bytes(kHeaderSize, '\0');
  std::memcpy(&bytes[0], kMagic, 8);
  llvm::support::endian::write32le(&bytes[8], kPackageFormatVersion);
  llvm::support::endian::write64le(&bytes[16], payload.size());
  auto digest = llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(payload.data()), payload.size()));
  std::memcpy(&bytes[24], digest.data(), 32);
  return bytes + payload;
}

Error snnc::writePackage(StringRef path, const CoreNetwork &network) {
  std::string bytes = encodePackage(network);
  return writeFileAtomically(path,
                             [&](llvm::raw_ostream &out) { out << bytes; });
}

Expected<CoreNetwork> snnc::decodePackage(StringRef bytes) {
  if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, 8) != 0)
    return packageError(bytes.size() < 8 ? "truncated: no package header"
                                         : "not an snnc package (bad magic)");
  uint32_t version = llvm::support::endian::read32le(bytes.data() + 8);
  if (version != kPackageFormatVersion)
    return packageError(llvm::formatv("package format version {0}; this snnc "
                                      "reads version {1} (recompile the model)",
                                      version, kPackageFormatVersion));
  uint64_t size = llvm::support::endian::read64le(bytes.data() + 16);
  StringRef payload = bytes.drop_front(kHeaderSize);
  if (payload.size() < size)
    return packageError(llvm::formatv("truncated: {0} of {1} payload bytes",
                                      payload.size(), size));
  if (payload.size() > size)
    return packageError("trailing bytes after the payload");
  auto digest = llvm::SHA256::hash(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(payload.data()), payload.size()));
  if (std::memcmp(digest.data(), bytes.data() + 24, 32) != 0)
    return packageError("checksum mismatch: the package is corrupted");
  pkg::Package proto;
  {
    // A bad string field would make protobuf print its own multi-line
    // complaint; the error below is the one line users get.
    google::protobuf::LogSilencer quiet;
    if (payload.size() > size_t(INT32_MAX) ||
        !proto.ParseFromArray(payload.data(), int(payload.size())))
      return packageError("the payload is not a valid package");
  }
  for (const pkg::Population &q : proto.populations())
    if (q.soft_reset() && q.subtract_reset())
      return packageError(llvm::formatv("inconsistent package: population "
                                        "'{0}' has two reset modes",
                                        q.name()));
  CoreNetwork network = fromProto(proto);
  if (Error err = validateNetwork(network))
    return packageError("inconsistent package: " +
                        llvm::toString(std::move(err)));
  return network;
}

Expected<CoreNetwork> snnc::readPackage(StringRef path) {
  if (Error err = requireRegularFile(path))
    return classify<PackageError>(std::move(err));
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return packageError(path + ": cannot read: " + buffer.getError().message());
  auto network = decodePackage((*buffer)->getBuffer());
  if (!network)
    return packageError(path + ": " + llvm::toString(network.takeError()));
  return network;
}
