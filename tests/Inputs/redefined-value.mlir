func.func @main(%x: tensor<1xf32>) -> tensor<1xf32> {
  %0 = arith.addf %x, %x : tensor<1xf32>
  %0 = arith.addf %x, %x : tensor<1xf32>
  return %0 : tensor<1xf32>
}
