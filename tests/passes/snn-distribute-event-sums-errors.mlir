// RUN: snn-opt %s -split-input-file -snn-distribute-event-sums -verify-diagnostics

// A sum of spike tensors that reaches the readout itself: no projection
// reads it, so there is no population to hold it.
func.func @sum_as_output(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %c = snn.dense %x, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %a = snn.lif %c, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2xf32>
  %b = snn.lif %c, hard, gt {decay = 0.5 : f32, v_threshold = 2.0 : f32} : tensor<?x2xf32>
  %sum = snn.add %a, %b : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  // expected-error @+1 {{'func.return' op reads a sum of spike tensors (events of value 2 where both fire); only a projection, a pool or a flatten may}}
  return %sum : tensor<?x2xf32>
}

// -----

// A chain of sums doubles the spike tensors at every step (a1 = a0 + a0):
// past 64 terms each reader would need that many projections.
func.func @sum_chain(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %c = snn.dense %x, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %a = snn.lif %c, hard, gt {decay = 0.5 : f32, v_threshold = 1.0 : f32} : tensor<?x2xf32>
  %s1 = snn.add %a, %a : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %s2 = snn.add %s1, %s1 : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %s3 = snn.add %s2, %s2 : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %s4 = snn.add %s3, %s3 : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %s5 = snn.add %s4, %s4 : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %s6 = snn.add %s5, %s5 : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  // expected-error @+1 {{'snn.add' op adds up more than 64 spike tensors (counting repeats); each reader of the sum would need one projection per tensor}}
  %s7 = snn.add %s6, %s6 : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %y = snn.dense %s7, %w : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
