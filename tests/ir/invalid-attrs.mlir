// The snn dialect's attributes: the module's, and snn.placement.  (Two
// messages print the attribute name quoted, as StringAttr prints.)
// RUN: snn-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'snn.timesteps' must be an integer >= 1}}
module attributes {snn.timesteps = 0 : i64} {
}

// -----

// expected-error @+1 {{'snn.timesteps' must be an integer >= 1}}
module attributes {snn.timesteps = "4"} {
}

// -----

// expected-error @+1 {{'snn.input_encoding' must be "direct" or "events"}}
module attributes {snn.input_encoding = "rate"} {
}

// -----

// expected-error @+1 {{'snn.target' must be a string}}
module attributes {snn.target = 3 : i64} {
}

// -----

// expected-error @+1 {{'snn.lanes' must be an integer >= 1}}
module attributes {snn.lanes = 0 : i64} {
}

// -----

// expected-error @+1 {{unknown snn attribute '"snn.lane"'}}
module attributes {snn.lane = 8 : i64} {
}

// -----

module {
  // expected-error @+1 {{'"snn.timesteps"' belongs on the module, not on 'func.func'}}
  func.func @f() attributes {snn.timesteps = 4 : i64} {
    return
  }
}

// -----

module {
  // expected-error @+1 {{'snn.placement' needs memory, offset and size}}
  func.func @f() attributes {snn.placement = {memory = "weights", offset = 0 : i64}} {
    return
  }
}

// -----

// A complete placement is accepted on any op.
module {
  func.func @f() attributes {snn.placement = {memory = "weights", offset = 0 : i64, size = 16 : i64}} {
    return
  }
}

// -----

// expected-error @+1 {{'snn.readout' must be "mean" or "last"}}
module attributes {snn.readout = "median"} {
}
