// Copyright snnc authors.
//
// snn_pkg: the host-facing address map of the core and the encodings of its
// descriptors.  The host side's constants (snnc/Runtime/SnnPkg.h, namespace
// snnc::bus) are generated from this file by cmake/SnnPkgHeader.cmake, so
// keep to one `parameter int unsigned Name = value;` per line.
//
// A bus address is {region[7:0], word[19:0], slice[3:0]}.  Memories wider
// than 32 bits are written slice by slice, lowest first; the write to the
// last slice of a word commits the whole word.

package snn_pkg;

  // Regions.
  parameter int unsigned RegionCtrl    = 0;
  parameter int unsigned RegionPop     = 1;  // 16 words per population
  parameter int unsigned RegionProj    = 2;  // 16 words per projection
  parameter int unsigned RegionWeight  = 3;
  parameter int unsigned RegionParam   = 4;
  parameter int unsigned RegionRowIdx  = 5;
  parameter int unsigned RegionRowTap  = 6;
  parameter int unsigned RegionColIdx  = 7;
  parameter int unsigned RegionColTap  = 8;
  parameter int unsigned RegionEvent   = 9;
  parameter int unsigned RegionReadout = 10; // read: accumulators as 64 bits
  parameter int unsigned RegionPerf    = 11; // read: SOPs per projection

  // Control registers (RegionCtrl words).
  parameter int unsigned CtrlCommand    = 0; // write: CmdStep or CmdClear
  parameter int unsigned CtrlStatus     = 1; // read: bit 0 busy
  parameter int unsigned CtrlInputCount = 2; // input events of this step
  parameter int unsigned CtrlNumPops    = 3; // populations, input included
  parameter int unsigned CtrlCyclesLo   = 4; // read: cycles of the last command
  parameter int unsigned CtrlCyclesHi   = 5;
  parameter int unsigned CtrlSweepWords = 6; // read: neuron words swept, last step
  // Words CtrlEventCounts + p: population p's events of this step, written
  // by the host for an input population (p = 0 is CtrlInputCount; others
  // are a chip's stand-ins for populations on other chips).
  parameter int unsigned CtrlEventCounts = 16;

  parameter int unsigned CmdStep       = 1; // run one time step
  parameter int unsigned CmdClear      = 2; // zero membranes, spikes, currents, readout
  parameter int unsigned CmdStepReplay = 3; // a step that reuses the cached input currents

  // Population descriptor words.
  parameter int unsigned PopKind      = 0; // PopKind*
  parameter int unsigned PopGroups    = 1; // lane words per position
  parameter int unsigned PopLastLanes = 2; // lanes used in the last word
  parameter int unsigned PopHeight    = 3;
  parameter int unsigned PopWidth     = 4;
  parameter int unsigned PopStateBase = 5;
  parameter int unsigned PopParamBase = 6;
  parameter int unsigned PopEventBase = 7;
  parameter int unsigned PopProjFirst = 8;
  parameter int unsigned PopProjCount = 9;
  parameter int unsigned PopFlags     = 10; // PopFlag* bits
  parameter int unsigned PopCacheBase = 11;
  parameter int unsigned PopPoolY     = 12; // pooling window of its consumers
  parameter int unsigned PopPoolX     = 13; // (1, 1 when they do not pool)
  parameter int unsigned PopPooledH   = 14; // whole windows per column
  parameter int unsigned PopPooledW   = 15; // whole windows per row

  parameter int unsigned PopFlagSoftReset = 0; // bit: reset by subtraction
  parameter int unsigned PopFlagFireGe    = 1; // bit: fire at u >= threshold
  parameter int unsigned PopFlagCached    = 2; // bit: add the cached input current
  parameter int unsigned PopFlagMerge     = 3; // bit: merge spikes per pooling window
  parameter int unsigned PopFlagSubtractReset = 4; // bit: subtract after the decay
  parameter int unsigned PopFlagMergeMax  = 5; // bit: a merged event is worth 1 (max pool)
  parameter int unsigned PopFlagPoolCurrents = 6; // bit: each neuron reads the max of a window of currents
  parameter int unsigned PopFlagReadoutLast = 7; // bit, readout: a step's value replaces the accumulator
  // With PopFlagPoolCurrents, PopFlags also holds that window: its rows in
  // bits PopFlagPoolYShift.. and its columns in bits PopFlagPoolXShift..
  // (PopFlagPoolBits each).  The currents then form a grid of
  // (PopHeight * rows) x (PopWidth * columns) positions.
  parameter int unsigned PopFlagPoolYShift = 8;
  parameter int unsigned PopFlagPoolXShift = 16;
  parameter int unsigned PopFlagPoolBits = 8;

  parameter int unsigned PopKindInput   = 0;
  parameter int unsigned PopKindLif     = 1;
  parameter int unsigned PopKindReadout = 2;
  // A LIF population whose membranes are also the readout: each step adds
  // every neuron's new u_t (sign-extended) to its readout accumulator
  // (ReadoutModes cores only).
  parameter int unsigned PopKindMembrane = 3;

  // Projection descriptor words.
  parameter int unsigned ProjKind       = 0; // ProjKind*
  parameter int unsigned ProjSource     = 1;
  parameter int unsigned ProjWeightBase = 2;
  parameter int unsigned ProjChanStride = 3; // weight words per source channel
  parameter int unsigned ProjGroups     = 4; // lane words per target position
  parameter int unsigned ProjLastLanes  = 5;
  parameter int unsigned ProjRowIdxBase = 6;
  parameter int unsigned ProjColIdxBase = 7;
  parameter int unsigned ProjCached     = 8; // 1: delivers into the input-current cache

  parameter int unsigned ProjKindConv     = 0;
  parameter int unsigned ProjKindDense    = 1;
  parameter int unsigned ProjKindOneToOne = 2;

  parameter int unsigned DescWords = 16;
  parameter int unsigned MaxSlices = 16; // 32-bit slices of one memory word
  // Readout accumulators keep 48 bits (read sign-extended to 64): a step
  // adds at most 2^33 in magnitude (a 32-bit current and a bias), so they
  // are exact for up to 2^14 steps between clears (CoreImage checks T).
  parameter int unsigned ReadoutBits = 48;

endpackage
