// The runnable ```swift block of the Recurrent article "Adding a cell".
import Recurrent
import Testing

@Suite struct AddingACellSnippets {
    @Test func linearCell() throws {
        try runSnippet("adding-a-cell-linear") {
            // snippet: adding-a-cell-linear
            struct LinearCell: RecurrentCell {
                typealias Scalar = Double
                typealias Parameters = PyTorchCellParameters<Double>
                var namedParameters: Parameters
                var inputSize: Int { namedParameters.weightIH.shape[1] }
                var stateSize: Int { namedParameters.weightHH.shape[0] }
                var outputSize: Int { stateSize }
                var projectionSize: Int { stateSize }
                var cacheSize: Int { 0 }
                var recurrentGradientSize: Int { 0 }
                var descriptor: [String: String] { ["cell": "linear", "hidden_size": "\(stateSize)"] }
                func workspaceSize(batch: Int) -> Int { 0 }

                // h_t (B, H) = projected_t + b_hh + h_{t−1} (B, H) · W_hhᵀ
                func forwardStep(projected: UnsafePointer<Double>, previous: UnsafePointer<Double>, next: UnsafeMutablePointer<Double>,
                                 cache: UnsafeMutablePointer<Double>, batch: Int, workspace: UnsafeMutablePointer<Double>) {
                    let h = stateSize, bias = namedParameters.biasHH.scalars
                    for b in 0..<batch { for j in 0..<h { next[b * h + j] = projected[b * h + j] + bias[j] } }
                    namedParameters.weightHH.withUnsafeBufferPointer { w in
                        Double.gemm(transposeA: false, transposeB: true, m: batch, n: h, k: h, alpha: 1, a: previous, lda: h,
                                    b: w.baseAddress!, ldb: h, beta: 1, c: next, ldc: h)
                    }
                }

                // dProjected = dh_t;  dh_{t−1} (B, H) = dh_t (B, H) · W_hh
                func backwardStep(dNext: UnsafePointer<Double>, projected: UnsafePointer<Double>, previous: UnsafePointer<Double>,
                                  next: UnsafePointer<Double>, cache: UnsafePointer<Double>, dPrevious: UnsafeMutablePointer<Double>,
                                  dProjected: UnsafeMutablePointer<Double>, dRecurrent: UnsafeMutablePointer<Double>, batch: Int,
                                  workspace: UnsafeMutablePointer<Double>) {
                    let h = stateSize
                    dProjected.update(from: dNext, count: batch * h)
                    namedParameters.weightHH.withUnsafeBufferPointer { w in
                        Double.gemm(transposeA: false, transposeB: false, m: batch, n: h, k: h, alpha: 1, a: dNext, lda: h,
                                    b: w.baseAddress!, ldb: h, beta: 0, c: dPrevious, ldc: h)
                    }
                }

                // dW_hh (H, H) += Σ_t dh_tᵀ · h_{t−1};  db_hh += Σ_t dh_t
                func accumulateRecurrentGradients(_ gradients: inout Parameters, dProjected: UnsafePointer<Double>,
                                                  dRecurrent: UnsafePointer<Double>, states: UnsafePointer<Double>,
                                                  cache: UnsafePointer<Double>, steps: Int, batch: Int) {
                    let h = stateSize, rows = steps * batch
                    gradients.weightHH.withUnsafeMutableBufferPointer { dW in
                        Double.gemm(transposeA: true, transposeB: false, m: h, n: h, k: rows, alpha: 1, a: dProjected, lda: h,
                                    b: states, ldb: h, beta: 1, c: dW.baseAddress!, ldc: h)
                    }
                    gradients.biasHH.withUnsafeMutableBufferPointer { db in
                        Double.addColumnSums(dProjected, ld: h, rows: rows, width: h, into: db.baseAddress!)
                    }
                }
            }

            let tensors = try (0..<4).map { k in
                try Tensor<Double>(shape: k == 0 ? [3, 2] : k == 2 ? [3, 3] : [3],
                                   scalars: (0..<(k == 0 ? 6 : k == 2 ? 9 : 3)).map { Double(($0 + 3 * k) % 5) / 10 - 0.2 })
            }
            var layer = RecurrentLayer(cell: LinearCell(namedParameters: .init(weightIH: tensors[0], biasIH: tensors[1],
                                                                               weightHH: tensors[2], biasHH: tensors[3])))
            let x = try Tensor<Double>(shape: [4, 1, 2], repeating: 0.5)        // (T, B, I)
            let pass = try layer.forward(x)
            var gradients = layer.cell.zeroGradients()
            _ = try layer.backward(pass, outputGradient: Tensor(shape: pass.outputs.shape, repeating: 1), into: &gradients)
            print(layer.cell.parameterNames)                  // prints ["weight_ih", "bias_ih", "weight_hh", "bias_hh"]

            // ∂(Σ outputs)/∂W_hh[1, 2] by central differences.
            let e = 1e-6
            layer.cell.namedParameters.weightHH[1, 2] += e
            let plus = try layer.forward(x).outputs.sum()
            layer.cell.namedParameters.weightHH[1, 2] -= 2 * e
            let minus = try layer.forward(x).outputs.sum()
            print(abs((plus - minus) / (2 * e) - gradients[2][1, 2]) < 1e-8)   // prints true
            // end-snippet
        }
    }
}
