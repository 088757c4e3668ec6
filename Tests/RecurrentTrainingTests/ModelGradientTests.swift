import XCTest
@testable import RecurrentTraining
import Recurrent
import RecurrentInitializers

/// Stacked, bidirectional, dropout, ragged and sequence-to-sequence models against central finite
/// differences in Double. Tolerance 1e-7 with ε = 1e-6: as for the cells (see RecurrentTests'
/// `checkGradients`), rounding error ≈ 1e-9 for O(10) losses leaves two orders of margin.
final class ModelGradientTests: XCTestCase {
    func check<Cell: RecurrentCell>(
        _ model: RecurrentModel<Cell>, steps: Int = 5, batch: Int = 3, lengths: [Int]? = nil, dropoutSeed: UInt64? = nil,
        normStabilizer: Double = 0, file: StaticString = #filePath, line: UInt = #line
    ) throws where Cell.Scalar == Double {
        var generator = RandomGenerator(seed: 99)
        let x = try Tensor<Double>(shape: [steps, batch, model.inputSize],
                                   scalars: (0..<steps * batch * model.inputSize).map { _ in generator.nextUniform() * 2 - 1 })
        func run(_ m: RecurrentModel<Cell>, _ input: Tensor<Double>) throws -> RecurrentModel<Cell>.Pass {
            // The same seed gives the same dropout masks, so finite differences see a fixed function.
            var g: RandomGenerator? = dropoutSeed.map { RandomGenerator(seed: $0) }
            return try m.forward(input, lengths: lengths, generator: &g)
        }
        let pass = try run(model, x)
        let weights = (0..<pass.output.count).map { _ in generator.nextUniform() * 2 - 1 }
        // With normStabilizer β > 0 the loss also has the penalty on the top layer's states, whose gradient enters
        // through `topOutputGradient`: this checks the penalty, `topOutputs` and the plumbing together.
        func penalty(_ p: RecurrentModel<Cell>.Pass) throws -> LossResult<Double>? {
            normStabilizer > 0 ? try Loss.normStabilizer(states: model.topOutputs(of: p), lengths: lengths, strength: normStabilizer) : nil
        }
        func loss(_ p: RecurrentModel<Cell>.Pass) throws -> Double {
            try zip(p.output.scalars, weights).reduce(0) { $0 + $1.0 * $1.1 } + (penalty(p)?.value ?? 0)
        }
        let stateGradient = try penalty(pass)?.gradient
        var gradients = model.zeroGradients()
        let dx = try model.backward(pass, outputGradient: Tensor(shape: pass.output.shape, scalars: weights),
                                    topOutputGradient: stateGradient, into: &gradients)
        // Without the input gradient (what the trainer runs): the same parameter gradients, bit for bit.
        var withoutInput = model.zeroGradients()
        try model.backwardWithoutInputGradient(pass, outputGradient: Tensor(shape: pass.output.shape, scalars: weights),
                                               topOutputGradient: stateGradient, into: &withoutInput)
        XCTAssertEqual(withoutInput.map(\.scalars), gradients.map(\.scalars), "gradients without the input gradient",
                       file: file, line: line)
        let epsilon = 1e-6
        let parameters = model.parameters, names = model.parameterNames
        for k in parameters.indices {
            var worst = 0.0
            for index in 0..<parameters[k].count {
                var estimates: [Double] = []
                for delta in [epsilon, -epsilon] {
                    var p = parameters
                    var values = p[k].scalars
                    values[index] += delta
                    p[k] = try Tensor(shape: p[k].shape, scalars: values)
                    var shifted = model
                    try shifted.setParameters(p)
                    estimates.append(try loss(try run(shifted, x)))
                }
                let numeric = (estimates[0] - estimates[1]) / (2 * epsilon), analytic = gradients[k].scalars[index]
                worst = max(worst, abs(analytic - numeric) / max(1, abs(analytic), abs(numeric)))
            }
            XCTAssertLessThan(worst, 1e-7, names[k], file: file, line: line)
        }
        var worst = 0.0
        for index in 0..<x.count {
            var values = x.scalars
            values[index] += epsilon
            let plus = try loss(try run(model, Tensor(shape: x.shape, scalars: values)))
            values[index] -= 2 * epsilon
            let minus = try loss(try run(model, Tensor(shape: x.shape, scalars: values)))
            let numeric = (plus - minus) / (2 * epsilon)
            worst = max(worst, abs(dx.scalars[index] - numeric) / max(1, abs(numeric)))
        }
        XCTAssertLessThan(worst, 1e-7, "input", file: file, line: line)
    }

    func testStackedLSTMWithDropout() throws {
        let model = try RecurrentModel(inputSize: 3, outputSize: 2, layers: 2, dropout: 0.3, seed: 1) { i, l, _ in
            try LSTMCell<Double>(inputSize: i, hiddenSize: 4, seed: UInt64(l))
        }
        try check(model, dropoutSeed: 5)
    }

    func testBidirectionalGRURaggedSequenceToOne() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 3, layers: 2, bidirectional: true, seed: 2) { i, l, d in
            try GRUCell<Double>(inputSize: i, hiddenSize: 3, seed: UInt64(10 * l + d))
        }
        try check(model, batch: 3, lengths: [5, 2, 4])
    }

    func testBidirectionalSCRNEveryStep() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 2, layers: 1, bidirectional: true, outputMode: .everyStep, seed: 3) { i, _, d in
            try SCRNCell<Double>(inputSize: i, hiddenSize: 3, contextSize: 2, seed: UInt64(d))
        }
        try check(model)
    }

    /// The mean-over-time readout: ragged rows average over their own lengths only, and the reverse direction's
    /// outputs are averaged after re-alignment, so a wrong length or a missed padded step shows here.
    func testMeanOverTimeRaggedBidirectionalWithDropout() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 3, layers: 2, bidirectional: true, dropout: 0.25,
                                       outputMode: .meanOverTime, seed: 8) { i, l, d in
            try LSTMCell<Double>(inputSize: i, hiddenSize: 3, seed: UInt64(10 * l + d))
        }
        try check(model, batch: 3, lengths: [5, 1, 3], dropoutSeed: 11)
        let plain = try RecurrentModel(inputSize: 2, outputSize: 2, outputMode: .meanOverTime, seed: 9) { i, _, _ in
            try GRUCell<Double>(inputSize: i, hiddenSize: 4, seed: 2)
        }
        try check(plain)
    }

    func testNpRNNEveryStepRaggedWithDropout() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 1, layers: 2, dropout: 0.2, outputMode: .everyStep, seed: 4) { i, l, _ in
            try SimpleRNNCell<Double>.npRNN(inputSize: i, hiddenSize: 4, seed: UInt64(l))
        }
        try check(model, lengths: [5, 3, 1], dropoutSeed: 9)
    }

    /// The norm-stabilizer penalty on the top layer's states, added to the loss: sequence to one (the states'
    /// gradient is otherwise only the last step's), bidirectional and ragged, and every-step output.
    func testNormStabilizerOnTopStates() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 2, layers: 2, bidirectional: true, seed: 6) { i, l, d in
            try SimpleRNNCell<Double>.irnn(inputSize: i, hiddenSize: 3, inputStandardDeviation: 0.5, seed: UInt64(10 * l + d))
        }
        try check(model, lengths: [5, 2, 4], normStabilizer: 0.7)
        let everyStep = try RecurrentModel(inputSize: 2, outputSize: 1, outputMode: .everyStep, seed: 7) { i, _, _ in
            try LSTMCell<Double>(inputSize: i, hiddenSize: 4, seed: 3)
        }
        try check(everyStep, normStabilizer: 2)
    }

    /// Truncated BPTT: the final states of one batch start the next, as plain values.
    func testCarriedStatesContinueTheSequence() throws {
        let model = try RecurrentModel(inputSize: 2, outputSize: 1, layers: 2, seed: 5) { i, l, _ in
            try LSTMCell<Double>(inputSize: i, hiddenSize: 3, seed: UInt64(l))
        }
        var generator = RandomGenerator(seed: 1)
        let whole = try Tensor<Double>(shape: [8, 2, 2], scalars: (0..<32).map { _ in generator.nextUniform() })
        var none: RandomGenerator? = nil
        let full = try model.forward(whole, generator: &none)
        let first = try Tensor(shape: [4, 2, 2], scalars: Array(whole.scalars[0..<16]))
        let second = try Tensor(shape: [4, 2, 2], scalars: Array(whole.scalars[16..<32]))
        let a = try model.forward(first, generator: &none)
        let b = try model.forward(second, initialStates: a.finalStates, generator: &none)
        XCTAssertEqual(b.output, full.output)
        XCTAssertEqual(b.finalStates, full.finalStates)
    }
}
