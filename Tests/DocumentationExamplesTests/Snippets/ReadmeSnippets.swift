// The runnable ```swift blocks of README.md.
import Recurrent
import Testing

@Suite struct ReadmeSnippets {
    @Test func npRNNLayer() throws {
        try runSnippet("readme-np-rnn-layer") {
            // snippet: readme-np-rnn-layer
            // An np-RNN layer: ReLU, W_hh = (RᵀR/N + I)/λmax, largest eigenvalue exactly 1.
            let cell = try SimpleRNNCell<Double>.npRNN(inputSize: 2, hiddenSize: 16, seed: 3)
            let layer = RecurrentLayer(cell: cell)
            let x = try Tensor<Double>(shape: [10, 4, 2], repeating: 0.5)          // (T, B, I)
            let pass = try layer.forward(x)                                        // omitted state = zeros
            var gradients = layer.cell.zeroGradients()
            let (dx, dh0) = try layer.backward(pass, finalStateGradient: Tensor(shape: [4, 16], repeating: 1),
                                               into: &gradients)                   // BPTT, accumulates with +=
            // end-snippet
            #expect(pass.outputs.shape == [10, 4, 16])
            #expect(dx.shape == [10, 4, 2])
            #expect(dh0.shape == [4, 16])
            #expect(gradients.map(\.shape) == [[16, 2], [16], [16, 16], [16]])
            #expect(gradients[2].norm() > 0)
        }
    }
}
