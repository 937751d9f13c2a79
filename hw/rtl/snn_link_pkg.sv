// Copyright snnc authors.
//
// snn_link_pkg: the host link's protocol (docs/host-link.md), shared by the
// bridge (snn_link.sv) and the host (snnc/Runtime/SnnLinkPkg.h, generated
// from this file by cmake/SnnPkgHeader.cmake, so keep to one
// `parameter int unsigned Name = value;` per line).
//
// A frame is COBS-encoded and ends with one 0x00.  Decoded, a request is
// {seq, cmd, payload..., crc32c[4]} and a reply {seq, cmd, status,
// session[2], payload..., crc32c[4]}; multi-byte fields are little-endian.

package snn_link_pkg;

  parameter int unsigned LinkMagic   = 1397640771; // "SNNC" (0x534E4E43)
  parameter int unsigned LinkVersion = 4; // 4: dense input frames, a byte an address (WriteEvents mode 2)
  parameter int unsigned LinkMinVersion = 2; // the oldest board the host speaks to (whole words)

  // Commands.
  parameter int unsigned LinkCmdIdentify = 1; // -> ident words
  parameter int unsigned LinkCmdWrite    = 2; // addr:4 slices:1 data:4*n, whole words
  parameter int unsigned LinkCmdRead     = 3; // addr:4 slices:1 count:2 -> data:4*count
  parameter int unsigned LinkCmdRun      = 4; // command:1 -> cycles:8 spikes:4
  parameter int unsigned LinkCmdStatus   = 5; // -> busy:1 counters:2*LinkCounters
  parameter int unsigned LinkCmdSession  = 6; // session:2
  parameter int unsigned LinkCmdReset    = 7; // resets the core, clears the session
  // addr:4 mode:1 entries: one event word (region 9) each, at consecutive words.
  parameter int unsigned LinkCmdWriteEvents = 8;

  // WriteEvents entries: an event word's address part {c, y, x} (16 bits),
  // with its value in the value field above the address part.
  parameter int unsigned LinkEventsOnes   = 0; // entry: address:2, value 1
  parameter int unsigned LinkEventsValued = 1; // entry: value:1 address:2
  // first:2, then entry: value:1 for address first + i; value 0 is no event
  // (the word is not written and the next event takes it).
  parameter int unsigned LinkEventsDense  = 2;

  // Reply status.
  parameter int unsigned LinkOk         = 0;
  parameter int unsigned LinkBadCrc     = 1;
  parameter int unsigned LinkBadCommand = 2;
  parameter int unsigned LinkBadLength  = 3;
  parameter int unsigned LinkBadAddress = 4;
  parameter int unsigned LinkOverrun    = 5;

  // Sizes.
  parameter int unsigned LinkRequestHeader = 2; // seq, cmd
  parameter int unsigned LinkReplyHeader   = 5; // seq, cmd, status, session
  parameter int unsigned LinkCrcBytes      = 4;
  parameter int unsigned LinkCounters      = 4; // frames, CRC errors, framing errors, drops
  parameter int unsigned LinkIdentFixed    = 5; // magic, version, clock Hz, clocks/bit, buffer bytes
  parameter int unsigned LinkRegions       = 12;

  // CRC-32C (Castagnoli), reflected, init and final XOR 0xFFFFFFFF.
  parameter int unsigned LinkCrcPoly    = 2197175160; // 0x82F63B78
  parameter int unsigned LinkCrcResidue = 3080238136; // 0xB798B438: register after data + CRC

endpackage
