import Foundation
import XCTest
import Recurrent
import RecurrentInitializers

/// `predict` is the training forward's output without the cache, and `step` streams it sample by sample, both
/// bit for bit: for stacked 2-layer LSTM, GRU and simple-RNN models in Float and Double, in both output modes.
final class ModelInferenceTests: XCTestCase {
    var (steps, batch, inputSize, outputSize) = (7, 3, 4, 5)

    func sequence<S: RecurrentScalar>(_: S.Type, seed: UInt64) throws -> Tensor<S> {
        var generator = RandomGenerator(seed: seed)
        return try Tensor(shape: [steps, batch, inputSize],
                          scalars: (0..<steps * batch * inputSize).map { _ in S(generator.nextUniform() * 2 - 1) })
    }

    /// The rows t·B ..< (t + 1)·B of a (T·B, K) output.
    func rows<S: RecurrentScalar>(_ y: Tensor<S>, step t: Int) -> [S] {
        Array(y.scalars[t * batch * outputSize..<(t + 1) * batch * outputSize])
    }

    func check<Cell: RecurrentCell>(_ name: String, dropout: Double = 0, makeCell: @escaping (Int, Int, Int) throws -> Cell) throws {
        let x = try sequence(Cell.Scalar.self, seed: 11)
        for mode in [OutputMode.lastStep, .everyStep] {
            let label = "\(name) \(Cell.Scalar.self) \(mode)"
            let model = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2, dropout: dropout,
                                           outputMode: mode, seed: 3, makeCell: makeCell)
            var none: RandomGenerator? = nil
            let trained = try model.forward(x, generator: &none).output
            XCTAssertEqual(try model.forward(x).output.scalars, trained.scalars, "\(label): forward without a generator")
            let predicted = try model.predict(x)
            XCTAssertEqual(predicted.shape, mode == .lastStep ? [batch, outputSize] : [steps * batch, outputSize], label)
            XCTAssertEqual(predicted.scalars, trained.scalars, "\(label): predict equals the training forward")

            // Sample by sample: every step's output is that step's rows of the every-step prediction, and the
            // last one is the last-step prediction.
            var state = try model.zeroState(batch: batch)
            var streamed: [[Cell.Scalar]] = []
            for t in 0..<steps {
                let sample = try Tensor(shape: [batch, inputSize],
                                        scalars: Array(x.scalars[t * batch * inputSize..<(t + 1) * batch * inputSize]))
                let (y, next) = try model.step(sample, state: state)
                XCTAssertEqual(y.shape, [batch, outputSize], label)
                XCTAssertEqual(next.layers.count, 2, label)
                streamed.append(y.scalars)
                state = next
            }
            switch mode {
            case .lastStep:
                XCTAssertEqual(streamed[steps - 1], predicted.scalars, "\(label): streaming equals predict")
            case .everyStep:
                for t in 0..<steps { XCTAssertEqual(streamed[t], rows(predicted, step: t), "\(label): step \(t)") }
            case .meanOverTime:
                XCTFail("a mean-over-time model does not stream (tested in testRaggedAndBidirectional)")
            }
            // `nil` means the zero state.
            let first = try Tensor(shape: [batch, inputSize], scalars: Array(x.scalars[0..<batch * inputSize]))
            XCTAssertEqual(try model.step(first).output, try model.step(first, state: model.zeroState(batch: batch)).output, label)
        }
    }

    func testLSTM() throws {
        try check("LSTM") { i, _, _ in try LSTMCell<Float>(inputSize: i, hiddenSize: 6, seed: 1) }
        try check("LSTM") { i, _, _ in try LSTMCell<Double>(inputSize: i, hiddenSize: 6, seed: 1) }
    }

    func testGRU() throws {
        try check("GRU") { i, _, _ in try GRUCell<Float>(inputSize: i, hiddenSize: 6, seed: 2) }
        try check("GRU") { i, _, _ in try GRUCell<Double>(inputSize: i, hiddenSize: 6, seed: 2) }
    }

    func testSimpleRNN() throws {
        try check("SRNN") { i, _, _ in try SimpleRNNCell<Float>(inputSize: i, hiddenSize: 6, nonlinearity: .relu, seed: 4) }
        try check("SRNN") { i, _, _ in try SimpleRNNCell<Double>(inputSize: i, hiddenSize: 6, seed: 4) }
    }

    /// Sizes past the matrix kernels' register tiles (rows T·B = 153 against B = 17 per step, widths 70):
    /// full tiles and edges in different places of the whole-sequence and the one-step products.
    func testLargerSizes() throws {
        (steps, batch, inputSize, outputSize) = (9, 17, 13, 11)
        try check("LSTM") { i, _, _ in try LSTMCell<Float>(inputSize: i, hiddenSize: 70, seed: 1) }
        try check("GRU") { i, _, _ in try GRUCell<Double>(inputSize: i, hiddenSize: 70, seed: 2) }
    }

    /// The `///` examples of `predict` and `step`, as written there.
    func testDocumentationExamples() throws {
        do {
            let model = try RecurrentModel(inputSize: 3, outputSize: 2, layers: 2) { input, _, _ in
                try LSTMCell<Float>(inputSize: input, hiddenSize: 8, seed: 1)
            }
            let x = try Tensor<Float>(shape: [5, 4, 3], repeating: 0.5)       // (T, B, I)
            let y = try model.predict(x)                                      // (B, K) = (4, 2)
            XCTAssertEqual(y.shape, [4, 2])
        }
        do {
            let model = try RecurrentModel(inputSize: 3, outputSize: 2, layers: 2) { input, _, _ in
                try GRUCell<Double>(inputSize: input, hiddenSize: 8, seed: 1)
            }
            var state = try model.zeroState(batch: 1)
            for t in 0..<4 {
                let x = try Tensor<Double>(shape: [1, 3], repeating: Double(t))   // (B, I), one sample
                let (y, next) = try model.step(x, state: state)                    // y: (B, K)
                state = next
                XCTAssertEqual(y.shape, [1, 2])
            }
        }
        do {
            let model = try RecurrentModel(inputSize: 2, outputSize: 1, layers: 2) { input, _, _ in
                try SimpleRNNCell<Float>.npRNN(inputSize: input, hiddenSize: 100, seed: 1)
            }
            let x = try Tensor<Float>(shape: [50, 8, 2], repeating: 0.1)   // (T, B, I)
            let y = try model.predict(x)                                    // (B, K) = (8, 1)

            var state = try model.zeroState(batch: 8)                      // the same, one step at a time
            var last = y
            for _ in 0..<50 {
                let sample = try Tensor<Float>(shape: [8, 2], repeating: 0.1)   // one step's input, (B, I)
                (last, state) = try model.step(sample, state: state)
            }
            XCTAssertEqual(y.shape, [8, 1])
            XCTAssertEqual(last, y)
        }
        do {
            // `loadWeights`, with the path taken from the package root: a trained pixel-MNIST np-RNN predicts.
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            var model = try RecurrentModel(inputSize: 1, outputSize: 10) { i, _, _ in
                try SimpleRNNCell<Float>.npRNN(inputSize: i, hiddenSize: 100)
            }
            let untrained = model.parameters
            try model.loadWeights(from: root.appendingPathComponent("results/mnist-nprnn.ckpt.safetensors").path)
            XCTAssertNotEqual(model.parameters, untrained)
            XCTAssertEqual(try model.predict(Tensor(shape: [784, 2, 1], repeating: 0)).shape, [2, 10])
        }
    }

    /// Dropout is a training-time regularizer: `predict` and `step` never apply it (nor need a generator).
    func testDropoutIsOffInInference() throws {
        try check("LSTM with dropout", dropout: 0.5) { i, _, _ in try LSTMCell<Double>(inputSize: i, hiddenSize: 6, seed: 1) }
    }

    /// Ragged and bidirectional: `predict` still equals the training forward; streaming a bidirectional model is
    /// refused with a message that says why and what to use instead.
    func testRaggedAndBidirectional() throws {
        let x = try sequence(Double.self, seed: 12), lengths = [7, 2, 5]
        for mode in [OutputMode.lastStep, .everyStep, .meanOverTime] {
            for bidirectional in [false, true] {
                let model = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2, bidirectional: bidirectional,
                                               outputMode: mode, seed: 3) { i, _, d in
                    try GRUCell<Double>(inputSize: i, hiddenSize: 6, seed: UInt64(5 + d))
                }
                var none: RandomGenerator? = nil
                XCTAssertEqual(try model.predict(x, lengths: lengths).scalars,
                               try model.forward(x, lengths: lengths, generator: &none).output.scalars, "\(mode), bidirectional \(bidirectional)")
                if mode == .meanOverTime {
                    XCTAssertThrowsError(try model.step(Tensor(shape: [batch, inputSize], repeating: 0))) { error in
                        XCTAssertTrue("\(error)".contains("mean over the whole sequence") && "\(error)".contains("predict"), "\(error)")
                    }
                } else if bidirectional {
                    XCTAssertThrowsError(try model.step(Tensor(shape: [batch, inputSize], repeating: 0))) { error in
                        XCTAssertTrue("\(error)".contains("bidirectional model cannot stream") && "\(error)".contains("predict"), "\(error)")
                    }
                }
            }
        }
    }

    /// A `.meanOverTime` model's output is its readout applied to the mean of the top layer's outputs over each
    /// row's real steps, computed here by hand from `hiddenStates` (a ragged batch: padded steps must not count).
    func testMeanOverTimeAveragesTheRealSteps() throws {
        let x = try sequence(Double.self, seed: 13), lengths = [7, 1, 4]
        let model = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2, bidirectional: true,
                                       outputMode: .meanOverTime, seed: 4) { i, _, d in
            try LSTMCell<Double>(inputSize: i, hiddenSize: 3, seed: UInt64(2 + d))
        }
        let states = try model.hiddenStates(x, lengths: lengths), width = states.shape[2]   // (T, B, 2H)
        var means = [Double](repeating: 0, count: batch * width)
        for b in 0..<batch {
            for j in 0..<width {
                let values = (0..<lengths[b]).map { states.scalars[($0 * batch + b) * width + j] }
                means[b * width + j] = values.reduce(0, +) / Double(lengths[b])
            }
        }
        let expected = try model.readout.forward(Tensor(shape: [batch, width], scalars: means))
        let got = try model.predict(x, lengths: lengths)
        XCTAssertEqual(got.shape, [batch, outputSize])
        // The same sums in the same order, but `x / n` here against `x · (1/n)` in the model: a few ulps.
        for (a, b) in zip(got.scalars, expected.scalars) { XCTAssertEqual(a, b, accuracy: 1e-14) }
    }

    /// A sequence run in two parts with the state carried equals one pass, bit for bit (LSTM and GRU stacks,
    /// Float and Double); a bidirectional model refuses to continue a sequence.
    func testTopOutputsContinueASequence() throws {
        func check<Cell: RecurrentCell>(_ label: String, _ make: @escaping (Int) throws -> Cell) throws {
            typealias S = Cell.Scalar
            let model = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2, outputMode: .everyStep,
                                           seed: 2) { i, _, _ in try make(i) }
            let x = try sequence(S.self, seed: 21), split = 3, width = batch * inputSize
            let first = try Tensor(shape: [split, batch, inputSize], scalars: Array(x.scalars[..<(split * width)]))
            let second = try Tensor(shape: [steps - split, batch, inputSize], scalars: Array(x.scalars[(split * width)...]))
            let (h1, state) = try model.topOutputs(first, from: nil)
            let (h2, end) = try model.topOutputs(second, from: state)
            let whole = try model.topOutputs(x, from: model.zeroState(batch: batch))
            XCTAssertEqual(h1.scalars + h2.scalars, whole.outputs.scalars, label)
            XCTAssertEqual(end, whole.state, label)
            XCTAssertEqual(whole.outputs.scalars, try model.hiddenStates(x).scalars, "\(label): the training forward's states")
        }
        try check("LSTM Float") { try LSTMCell<Float>(inputSize: $0, hiddenSize: 6, seed: 3) }
        try check("LSTM Double") { try LSTMCell<Double>(inputSize: $0, hiddenSize: 6, seed: 3) }
        try check("GRU Float") { try GRUCell<Float>(inputSize: $0, hiddenSize: 6, seed: 3) }
        try check("GRU Double") { try GRUCell<Double>(inputSize: $0, hiddenSize: 6, seed: 3) }
        let bidirectional = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, bidirectional: true) { i, _, _ in
            try GRUCell<Float>(inputSize: i, hiddenSize: 4, seed: 1)
        }
        XCTAssertThrowsError(try bidirectional.topOutputs(sequence(Float.self, seed: 1), from: nil)) { error in
            XCTAssertTrue("\(error)".contains("cannot continue a sequence"), "\(error)")
        }
    }

    func testBadInputIsRefused() throws {
        let model = try RecurrentModel(inputSize: inputSize, outputSize: outputSize, layers: 2) { i, _, _ in
            try SimpleRNNCell<Double>(inputSize: i, hiddenSize: 6, seed: 1)
        }
        let expectations: [(() throws -> Any, String)] = [
            ({ try model.predict(Tensor(shape: [3, 2, 9], repeating: 0)) }, "RecurrentModel.predict input"),
            ({ try model.predict(Tensor(shape: [3, 2, 4], repeating: 0), lengths: [3, 0]) }, "lengths[1]"),
            ({ try model.step(Tensor(shape: [3, 2, 4], repeating: 0)) }, "RecurrentModel.step input"),
            ({ try model.step(Tensor(shape: [2, 4], repeating: 0), state: .init(layers: [])) }, "0 layer states for 2 layers"),
            ({ try model.step(Tensor(shape: [2, 4], repeating: 0), state: model.zeroState(batch: 3)) }, "(2, 6)"),
            ({ try model.zeroState(batch: 0) }, "batch"),
        ]
        for (call, message) in expectations {
            XCTAssertThrowsError(try call()) { error in XCTAssertTrue("\(error)".contains(message), "\(message): \(error)") }
        }
    }

    func testDescriptionSummarizesLayersAndParameters() throws {
        let model = try RecurrentModel(inputSize: 3, outputSize: 10, layers: 2) { i, _, _ in
            try LSTMCell<Float>(inputSize: i, hiddenSize: 20, seed: 1)
        }
        // LSTM: 4H·I + 4H + 4H·H + 4H = 240 + 80 + 1600 + 80 = 2000 for I = 3, H = 20; 3360 for I = 20;
        // readout 10·20 + 10 = 210.
        XCTAssertEqual("\(model)", """
            RecurrentModel: 2 layers, last step → 10, dropout 0.0
            layer    cell             input  state  output  parameters
            0        LSTMCell<Float>      3     40      20        2000
            1        LSTMCell<Float>     20     40      20        3360
            readout  Linear              20      –      10         210
            total                                                 5570
            """)
        XCTAssertEqual(model.parameters.reduce(0) { $0 + $1.count }, 5570)
        let bidirectional = try RecurrentModel(inputSize: 2, outputSize: 1, bidirectional: true, outputMode: .everyStep) { i, _, _ in
            try SimpleRNNCell<Double>(inputSize: i, hiddenSize: 4, nonlinearity: .relu)
        }
        // Elman: H·I + H + H·H + H = 8 + 4 + 16 + 4 = 32 per direction; readout 1·8 + 1 = 9.
        XCTAssertEqual("\(bidirectional)", """
            RecurrentModel: 1 layer, bidirectional, every step → 1, dropout 0.0
            layer      cell                          input  state  output  parameters
            0          SimpleRNNCell<Double> (relu)      2      4       4          32
            0 reverse  SimpleRNNCell<Double> (relu)      2      4       4          32
            readout    Linear                            8      –       1           9
            total                                                                  73
            """)
    }
}

final class RecurrentMatrixFlagsTests: XCTestCase {
    /// The flags name exactly the `weight_hh` tensors, for stacked and bidirectional models of every cell family.
    func testFlagsMarkEveryLayersRecurrentMatrix() throws {
        let lstm = try RecurrentModel(inputSize: 2, outputSize: 3, layers: 2, bidirectional: true) { i, _, _ in
            try LSTMCell<Float>(inputSize: i, hiddenSize: 4)
        }
        XCTAssertEqual(zip(lstm.parameterNames, lstm.isRecurrentMatrix).filter(\.1).map(\.0),
                       ["weight_hh_l0", "weight_hh_l0_reverse", "weight_hh_l1", "weight_hh_l1_reverse"])
        let scrn = try RecurrentModel(inputSize: 2, outputSize: 3, layers: 1) { i, _, _ in
            try SCRNCell<Float>(inputSize: i, hiddenSize: 4, contextSize: 2)
        }
        XCTAssertEqual(scrn.isRecurrentMatrix.count, scrn.parameters.count)
        XCTAssertEqual(zip(scrn.parameterNames, scrn.isRecurrentMatrix).filter(\.1).map(\.0), ["weight_hh_l0"])
    }
}
