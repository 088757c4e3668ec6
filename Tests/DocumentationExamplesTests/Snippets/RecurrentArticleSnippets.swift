// The runnable ```swift blocks of the Recurrent catalog: Getting started, Choosing a cell,
// Interoperating with PyTorch and Keras, Performance.
import Foundation
import Recurrent
import RecurrentData
import RecurrentInitializers
import RecurrentTraining
import Testing

@Suite struct GettingStartedSnippets {
    @Test func firstPass() throws {
        try runSnippet("getting-started-first-pass") {
            // snippet: getting-started-first-pass
            // An LSTM layer over a batch of 2 sequences of 5 steps with 3 features each.
            let layer = RecurrentLayer(cell: try LSTMCell<Double>(inputSize: 3, hiddenSize: 8, forgetBias: 1, seed: 1))
            var x = try Tensor<Double>(shape: [5, 2, 3])                       // (T, B, I)
            for i in 0..<x.count { x.withUnsafeMutableBufferPointer { $0[i] = Double(i % 7) / 7 - 0.4 } }
            let pass = try layer.forward(x)
            print(pass.outputs.shape, pass.finalState.shape)                   // prints [5, 2, 8] [2, 16]

            // A loss L = Σ outputs; its gradient with respect to every output is 1.
            let loss = { (layer: RecurrentLayer<LSTMCell<Double>>) in try layer.forward(x).outputs.sum() }
            var gradients = layer.cell.zeroGradients()
            _ = try layer.backward(pass, outputGradient: Tensor(shape: pass.outputs.shape, repeating: 1),
                                   into: &gradients)

            // Backpropagation through time agrees with a central finite difference.
            var shifted = layer
            let h = 1e-6
            shifted.cell.weightHH[3, 2] += h
            let plus = try loss(shifted)
            shifted.cell.weightHH[3, 2] -= 2 * h
            let minus = try loss(shifted)
            let numeric = (plus - minus) / (2 * h)
            print(abs(numeric - gradients[2][3, 2]) < 1e-7)                   // prints true
            // end-snippet
        }
    }

    @Test func train() throws {
        try runSnippet("getting-started-train") {
            // snippet: getting-started-train
            // The addition problem (T = 20): the target is the sum of the two marked values.
            let task = AdditionTask(length: 20, testSize: 1000, seed: 5)
            let model = try RecurrentModel(inputSize: task.inputSize, outputSize: task.outputSize, seed: 3) { input, _, _ in
                try SimpleRNNCell<Float>.npRNN(inputSize: input, hiddenSize: 32, seed: 3)
            }
            var trainer = Trainer(model: model, optimizer: try AnyOptimizer(name: "adam", learningRate: 0.002), seed: 3)
            let configuration = TrainingConfiguration(steps: 400, batchSize: 32, learningRate: 0.002, clipNorm: 1,
                                                      seed: 5, evaluationInterval: 100)
            var curve: [TrainingRecord] = []
            while trainer.step < configuration.steps {
                curve.append(try trainer.trainUntilNextRecord(task, configuration: configuration, clock: { 0 }))
            }
            print(curve.map(\.step))                                 // prints [100, 200, 300, 400]
            let mse = curve.last!.testMetric!
            print(mse < task.baseline / 5)                           // prints true
            // end-snippet
            #expect(task.baseline == 1.0 / 6.0)
        }
    }
}

@Suite struct ChoosingACellSnippets {
    @Test func vanishingGradients() throws {
        try runSnippet("choosing-vanishing-gradients") {
            // snippet: choosing-vanishing-gradients
            /// ‖∂L/∂x₀‖ / ‖∂L/∂x_{T−1}‖ for L = Σ state_T: how much of the gradient reaches the first input.
            func firstToLastRatio<Cell: RecurrentCell>(_ cell: Cell, steps: Int) throws -> Double where Cell.Scalar == Double {
                let layer = RecurrentLayer(cell: cell)
                let x = try Tensor<Double>(shape: [steps, 1, cell.inputSize], repeating: 0.5)
                var gradients = cell.zeroGradients()
                let (dx, _) = try layer.backward(layer.forward(x), finalStateGradient: Tensor(shape: [1, cell.stateSize], repeating: 1),
                                                 into: &gradients)
                let width = cell.inputSize
                let first = dx.scalars[0..<width].map { $0 * $0 }.reduce(0, +).squareRoot()
                let last = dx.scalars[(steps - 1) * width..<steps * width].map { $0 * $0 }.reduce(0, +).squareRoot()
                return first / last
            }
            /// ⌊log₁₀ r⌋: r = 3e-7 gives −7.
            func orderOfMagnitude(_ r: Double) -> Int { Int(log10(r).rounded(.down)) }
            let tanhRNN = try SimpleRNNCell<Double>(inputSize: 1, hiddenSize: 64, nonlinearity: .tanh, seed: 1)
            let lstm = try LSTMCell<Double>(inputSize: 1, hiddenSize: 64, forgetBias: 1, seed: 1)
            let irnn = try SimpleRNNCell<Double>.irnn(inputSize: 1, hiddenSize: 64, seed: 1)
            let npRNN = try SimpleRNNCell<Double>.npRNN(inputSize: 1, hiddenSize: 64, seed: 1)
            print(orderOfMagnitude(try firstToLastRatio(tanhRNN, steps: 100)))   // prints -22
            print(orderOfMagnitude(try firstToLastRatio(lstm, steps: 100)))      // prints -6
            print(try firstToLastRatio(irnn, steps: 100))                        // prints 1.0
            print(orderOfMagnitude(try firstToLastRatio(npRNN, steps: 100)))     // prints -13
            // end-snippet
        }
    }

    @Test func npRNNSpectrum() throws {
        try runSnippet("choosing-np-rnn-spectrum") {
            // snippet: choosing-np-rnn-spectrum
            var generator = RandomGenerator(seed: 0)
            let w = try Initializers.normalizedPositiveDefinite(size: 100, using: &generator)
            let eigenvalues = try SymmetricEigensolver.eigenvalues(of: w)      // ascending
            let rounded = { (x: Double) in (x * 1e6).rounded() / 1e6 }
            print(rounded(eigenvalues.last!))                                  // prints 1.0
            print(rounded(eigenvalues.first!))                                 // prints 0.208533
            print(eigenvalues.allSatisfy { $0 > 0 })                           // prints true
            print(rounded(Initializers.npRNNInputGain(hiddenSize: 100)))       // prints 1.431709
            // end-snippet
        }
    }

    @Test func twoUnitDynamics() throws {
        try runSnippet("choosing-two-unit-dynamics") {
            // snippet: choosing-two-unit-dynamics
            // h_{t+1} = max(0, W·h_t) with W = Q·diag(λ₁, λ₂)·Qᵀ, Q a rotation by 30°: zero input, zero biases.
            func finalState(_ λ1: Double, _ λ2: Double, steps: Int = 50) throws -> [Double] {
                let (c, s) = (cos(Double.pi / 6), sin(Double.pi / 6))
                let w = [λ1 * c * c + λ2 * s * s, (λ1 - λ2) * c * s,
                         (λ1 - λ2) * c * s, λ1 * s * s + λ2 * c * c]
                let cell = try SimpleRNNCell<Double>(nonlinearity: .relu, weightIH: Tensor(shape: [2, 1]), biasIH: Tensor(shape: [2]),
                                                     weightHH: Tensor(shape: [2, 2], scalars: w), biasHH: Tensor(shape: [2]))
                let start = try Tensor<Double>(shape: [1, 2], scalars: [0.2, 0.6])
                let pass = try RecurrentLayer(cell: cell).forward(Tensor(shape: [steps, 1, 1]), initialState: start)
                return pass.finalState.scalars.map { ($0 * 1000).rounded() / 1000 }
            }
            print(try finalState(0.9, 0.5))   // prints [0.002, 0.001]
            print(try finalState(1.0, 1.0))   // prints [0.2, 0.6]
            print(try finalState(1.0, 0.5))   // prints [0.41, 0.237]
            print(try finalState(1.1, 0.5))   // prints [48.108, 27.775]
            // end-snippet
        }
    }
}

@Suite struct InteroperabilitySnippets {
    @Test func loadPyTorchFile() throws {
        try runSnippet("interop-load-pytorch") {
            // snippet: interop-load-pytorch
            // What `safetensors.torch.save_file(torch.nn.LSTM(3, 8).state_dict(), path)` writes: PyTorch's names
            // and shapes. Here a cell of ours writes such a file, so that the example runs without Python.
            let original = try LSTMCell<Float>(inputSize: 3, hiddenSize: 8, seed: 7)
            try SafeTensors.write(Array(zip(original.parameterNames.map { "\($0)_l0" }, original.parameters)),
                                  to: "/tmp/doc-example-lstm.safetensors")

            let file = try SafeTensors.read(from: "/tmp/doc-example-lstm.safetensors", as: Float.self)
            print(file.tensors.map(\.name))        // prints ["weight_ih_l0", "bias_ih_l0", "weight_hh_l0", "bias_hh_l0"]
            let cell = try LSTMCell(weightIH: file.tensor("weight_ih_l0"), biasIH: file.tensor("bias_ih_l0"),
                                    weightHH: file.tensor("weight_hh_l0"), biasHH: file.tensor("bias_hh_l0"))
            print(cell.weightIH.shape, cell.weightHH.shape)   // prints [32, 3] [32, 8]
            print(cell.parameters == original.parameters)     // prints true
            // end-snippet
        }
    }

    @Test func modelNames() throws {
        try runSnippet("interop-model-names") {
            // snippet: interop-model-names
            let model = try RecurrentModel(inputSize: 4, outputSize: 2, layers: 2, bidirectional: true) { input, layer, direction in
                try GRUCell<Float>(inputSize: input, hiddenSize: 16, seed: UInt64(10 * layer + direction))
            }
            print(model.parameterNames.prefix(4))   // prints ["weight_ih_l0", "bias_ih_l0", "weight_hh_l0", "bias_hh_l0"]
            print(model.parameterNames[4])          // prints weight_ih_l0_reverse
            print(model.parameterNames.suffix(2))   // prints ["readout.weight", "readout.bias"]
            try model.save(to: "/tmp/doc-example-gru.safetensors")   // load_state_dict(..., strict=False) in PyTorch

            // Inputs and outputs travel as .npy files: np.load / np.save on the Python side.
            let x = try Tensor<Float>(shape: [7, 1, 4], repeating: 0.25)              // (T, B, I)
            try NPY.write(x, to: "/tmp/doc-example-x.npy")
            print(try NPY.read(from: "/tmp/doc-example-x.npy", as: Float.self) == x)   // prints true
            // end-snippet
            let back = try SafeTensors.read(from: "/tmp/doc-example-gru.safetensors", as: Float.self)
            #expect(back.tensors.count == model.parameters.count)
        }
    }

    @Test func kerasConversion() throws {
        var keras: (gru: [Tensor<Float>], lstm: [Tensor<Float>]) = ([], [])
        var cells: (gru: GRUCell<Float>?, lstm: LSTMCell<Float>?) = (nil, nil)
        try runSnippet("interop-keras") {
            // snippet: interop-keras
            // Weights in Keras's layout (in practice: layer.get_weights(), saved with np.save, read with NPY.read).
            var generator = RandomGenerator(seed: 1)
            func random(_ shape: [Int]) throws -> Tensor<Float> {
                try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(generator.nextUniform() - 0.5) })
            }
            let (i, h) = (3, 5)
            let gruWeights = [try random([i, 3 * h]), try random([h, 3 * h]), try random([2, 3 * h])]
            let lstmWeights = [try random([i, 4 * h]), try random([h, 4 * h]), try random([4 * h])]

            // Keras → cells: a (2, 3H) bias is GRU(reset_after=True).
            let gru = try GRUCell(kerasKernel: gruWeights[0], recurrentKernel: gruWeights[1], bias: gruWeights[2])
            let lstm = try LSTMCell(kerasKernel: lstmWeights[0], recurrentKernel: lstmWeights[1], bias: lstmWeights[2])
            print(gru.reset, gru.weightIH.shape, lstm.weightHH.shape)   // prints afterMatrix [15, 3] [20, 5]

            // Cells → Keras, for layer.set_weights([kernel, recurrent_kernel, bias]).
            print(gru.kerasWeights.bias == gruWeights[2])                // prints true
            let before = try GRUCell<Float>(inputSize: i, hiddenSize: h, reset: .beforeMatrix, seed: 2)
            print(before.kerasWeights.bias.shape)                        // prints [15]

            // A shape that fits no Keras layout names the Keras tensor.
            do {
                _ = try LSTMCell(kerasKernel: lstmWeights[0], recurrentKernel: lstmWeights[0], bias: lstmWeights[2])
            } catch {
                print(error)   // prints Keras LSTM recurrent_kernel: expected shape (5, 20), got (3, 20)
            }
            // end-snippet
            keras = (gruWeights, lstmWeights)
            cells = (gru, lstm)
        }
        // Independent check: Keras's own equations on Keras's arrays give the same outputs as the converted cells
        // (in Float here; Tests/RecurrentTests/KerasLayoutTests.swift checks every layer and both GRU variants in
        // Double to 1e-12, and the export direction too).
        let (i, h, steps) = (3, 5, 4)
        var xs: [[Double]] = []
        for t in 0..<steps { xs.append((0..<i).map { Double(($0 + 2 * t) % 5) / 5 - 0.3 }) }
        let input = try Tensor<Float>(shape: [steps, 1, i], scalars: xs.flatMap { $0.map(Float.init) })
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        func affine(_ x: [Double], _ w: Tensor<Float>, column: Int) -> Double {   // (x · w)[column]
            x.indices.reduce(0.0) { $0 + x[$1] * Double(w[$1, column]) }
        }
        // GRU, reset_after=True: h = z ⊙ h₋ + (1 − z) ⊙ tanh(x_h + r ⊙ (h₋·U_h + b_rh)).
        let (kernel, recurrent, bias) = (keras.gru[0], keras.gru[1], keras.gru[2])
        var state = [Double](repeating: 0, count: h)
        for x in xs {
            var next = state
            for j in 0..<h {
                let xz = affine(x, kernel, column: j) + Double(bias[0, j])
                let xr = affine(x, kernel, column: h + j) + Double(bias[0, h + j])
                let xh = affine(x, kernel, column: 2 * h + j) + Double(bias[0, 2 * h + j])
                let uz = affine(state, recurrent, column: j) + Double(bias[1, j])
                let ur = affine(state, recurrent, column: h + j) + Double(bias[1, h + j])
                let uh = affine(state, recurrent, column: 2 * h + j) + Double(bias[1, 2 * h + j])
                let z = sigmoid(xz + uz), r = sigmoid(xr + ur)
                next[j] = z * state[j] + (1 - z) * tanh(xh + r * uh)
            }
            state = next
        }
        let gruOut = try RecurrentLayer(cell: #require(cells.gru)).forward(input).finalState.scalars
        for j in 0..<h { #expect(abs(Double(gruOut[j]) - state[j]) < 1e-5) }
        // LSTM: [i, f, c, o] = x·W + h₋·U + b; c = f ⊙ c₋ + i ⊙ tanh(c̃); h = o ⊙ tanh(c).
        let (lk, lu, lb) = (keras.lstm[0], keras.lstm[1], keras.lstm[2])
        var (hState, cState) = ([Double](repeating: 0, count: h), [Double](repeating: 0, count: h))
        for x in xs {
            var (hNext, cNext) = (hState, cState)
            for j in 0..<h {
                func gate(_ g: Int) -> Double {
                    let column = g * h + j
                    let fromInput: Double = affine(x, lk, column: column)
                    let fromState: Double = affine(hState, lu, column: column)
                    return fromInput + fromState + Double(lb[column])
                }
                let (ig, fg, cg, og) = (sigmoid(gate(0)), sigmoid(gate(1)), tanh(gate(2)), sigmoid(gate(3)))
                cNext[j] = fg * cState[j] + ig * cg
                hNext[j] = og * tanh(cNext[j])
            }
            (hState, cState) = (hNext, cNext)
        }
        let lstmOut = try RecurrentLayer(cell: #require(cells.lstm)).forward(input).finalState.scalars
        for j in 0..<h {
            #expect(abs(Double(lstmOut[j]) - hState[j]) < 1e-5)
            #expect(abs(Double(lstmOut[h + j]) - cState[j]) < 1e-5)
        }
    }
}

@Suite struct PerformanceSnippets {
    @Test func benchmarkFromCode() throws {
        try runSnippet("performance-benchmark") {
            // snippet: performance-benchmark
            print("kernels:", KernelSettings.level, "threads:", KernelSettings.threadCount)   // prints kernels: … threads: …

            // One training step as `rnn bench` times it: forward over the sequence, BPTT of the sum of the last output
            // (parameter gradients; the input needs none).
            let (input, hidden, batch, steps) = (32, 64, 16, 50)
            let layer = RecurrentLayer(cell: try LSTMCell<Float>(inputSize: input, hiddenSize: hidden, seed: 1))
            let x = try Tensor<Float>(shape: [steps, batch, input], repeating: 0.1)
            var gradients = layer.cell.zeroGradients()
            var dOutputs = try Tensor<Float>(shape: [steps, batch, hidden])
            for j in 0..<batch * hidden { dOutputs.withUnsafeMutableBufferPointer { $0[(steps - 1) * batch * hidden + j] = 1 } }
            let clock = ContinuousClock()
            let elapsed = try clock.measure {
                let pass = try layer.forward(x)
                _ = try layer.backwardWithoutInputGradient(pass, outputGradient: dOutputs, into: &gradients)
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            // 2·T·B·G·H·(I + H) per forward pass (G = 4 gates), 3× that for forward + backward.
            let flops = 3 * 2 * Double(steps * batch * 4 * hidden * (input + hidden))
            print("GFLOP/s:", flops / seconds / 1e9)                                      // prints GFLOP/s: …
            // end-snippet
        }
    }
}
