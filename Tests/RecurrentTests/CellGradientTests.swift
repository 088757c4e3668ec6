import XCTest
@testable import Recurrent
import RecurrentInitializers

/// Every cell's hand-written backward step against central finite differences in Double
/// (tolerance and its justification: `checkGradients`). T = 6, B = 3, a loss on every step and on the final state.
final class CellGradientTests: XCTestCase {
    /// Parameters drawn away from their structured initial values (zero biases, identity matrices),
    /// so every term of the backward pass is exercised.
    func randomized<Cell: RecurrentCell>(_ cell: Cell, seed: UInt64 = 5) throws -> Cell where Cell.Scalar == Double {
        var generator = RandomGenerator(seed: seed)
        var copy = cell
        try copy.setParameters(cell.parameters.map { p in
            try Tensor(shape: p.shape, scalars: p.scalars.map { $0 + 0.3 * (generator.nextUniform() * 2 - 1) })
        })
        return copy
    }

    func testSimpleRNNTanh() throws {
        _ = try checkGradients(randomized(SimpleRNNCell<Double>(inputSize: 4, hiddenSize: 5, nonlinearity: .tanh, seed: 1)))
    }

    func testSimpleRNNReLU() throws {
        _ = try checkGradients(randomized(SimpleRNNCell<Double>(inputSize: 4, hiddenSize: 5, nonlinearity: .relu, seed: 2)))
    }

    func testIRNN() throws {
        // As initialized (identity, zero biases) and after moving away from it.
        let cell = try SimpleRNNCell<Double>.irnn(inputSize: 3, hiddenSize: 5, inputStandardDeviation: 0.5, seed: 3)
        _ = try checkGradients(cell)
        _ = try checkGradients(randomized(cell))
    }

    func testNpRNN() throws {
        let cell = try SimpleRNNCell<Double>.npRNN(inputSize: 3, hiddenSize: 5, seed: 4)
        _ = try checkGradients(cell)
        _ = try checkGradients(randomized(cell))
    }

    func testScaledIRNN() throws {
        // The i-RNN with W_hh = 0.5·I (Le et al. 2015 use 1), as initialized and moved away from it.
        let cell = try SimpleRNNCell<Double>.irnn(inputSize: 3, hiddenSize: 5, scale: 0.5, inputStandardDeviation: 0.5, seed: 16)
        XCTAssertEqual(cell.weightHH.scalars[0], 0.5)
        _ = try checkGradients(cell)
        _ = try checkGradients(randomized(cell))
    }

    func testNpTanhRNN() throws {
        let cell = try SimpleRNNCell<Double>.npTanhRNN(inputSize: 3, hiddenSize: 5, seed: 17)
        XCTAssertEqual(cell.nonlinearity, .tanh)
        _ = try checkGradients(cell)
        _ = try checkGradients(randomized(cell))
    }

    func testLSTM() throws {
        _ = try checkGradients(randomized(LSTMCell<Double>(inputSize: 3, hiddenSize: 4, seed: 5)))
        _ = try checkGradients(LSTMCell<Double>(inputSize: 3, hiddenSize: 4, forgetBias: 1, seed: 6))
    }

    func testGRUResetAfter() throws {
        _ = try checkGradients(randomized(GRUCell<Double>(inputSize: 3, hiddenSize: 5, reset: .afterMatrix, seed: 7)))
    }

    func testGRUResetBefore() throws {
        _ = try checkGradients(randomized(GRUCell<Double>(inputSize: 3, hiddenSize: 5, reset: .beforeMatrix, seed: 8)))
    }

    func testSCRNFixedAlpha() throws {
        let cell = try randomized(SCRNCell<Double>(inputSize: 3, hiddenSize: 4, contextSize: 3, seed: 9))
        XCTAssertEqual(cell.parameterNames, ["weight_ih", "bias_ih", "weight_hh", "weight_ch"])
        _ = try checkGradients(cell)
    }

    func testSCRNTrainableAlpha() throws {
        let cell = try SCRNCell<Double>(inputSize: 3, hiddenSize: 4, contextSize: 3, alpha: 0.7, trainableAlpha: true, seed: 10)
        XCTAssertEqual(cell.parameterNames.last, "alpha")
        var generator = RandomGenerator(seed: 1)
        var shifted = cell
        // Keep α inside (0, 1) so finite differences do not hit the clamp in setParameters.
        try shifted.setParameters(cell.parameters.enumerated().map { k, p in
            k == 4 ? p : try Tensor(shape: p.shape, scalars: p.scalars.map { $0 + 0.3 * (generator.nextUniform() * 2 - 1) })
        })
        _ = try checkGradients(shifted)
    }

    /// A ragged batch: rows stop at different steps (one at step 0) and their gradients stay exact.
    func testRaggedBatchGradients() throws {
        let lengths = [6, 2, 0, 4]
        _ = try checkGradients(randomized(LSTMCell<Double>(inputSize: 3, hiddenSize: 4, seed: 12)), batch: 4, lengths: lengths)
        _ = try checkGradients(randomized(GRUCell<Double>(inputSize: 3, hiddenSize: 4, reset: .beforeMatrix, seed: 13)),
                               batch: 4, lengths: lengths)
        _ = try checkGradients(randomized(SCRNCell<Double>(inputSize: 3, hiddenSize: 4, contextSize: 2, seed: 14)),
                               batch: 4, lengths: lengths)
        _ = try checkGradients(randomized(SimpleRNNCell<Double>(inputSize: 3, hiddenSize: 4, seed: 15)), batch: 4, lengths: lengths)
    }

    /// Gradients accumulate with += across backward calls until zeroed.
    func testGradientsAccumulateUntilZeroed() throws {
        let layer = RecurrentLayer(cell: try GRUCell<Double>(inputSize: 2, hiddenSize: 3, seed: 1))
        let x = try Tensor<Double>(shape: [4, 2, 2], repeating: 0.3)
        let pass = try layer.forward(x)
        let dOut = try Tensor<Double>(shape: pass.outputs.shape, repeating: 1)
        var once = layer.cell.zeroGradients()
        _ = try layer.backward(pass, outputGradient: dOut, into: &once)
        var twice = layer.cell.zeroGradients()
        _ = try layer.backward(pass, outputGradient: dOut, into: &twice)
        _ = try layer.backward(pass, outputGradient: dOut, into: &twice)
        for (a, b) in zip(once, twice) {
            for (u, v) in zip(a.scalars, b.scalars) { XCTAssertEqual(2 * u, v, accuracy: 1e-12 * max(1, abs(v))) }
        }
        twice.zeroAll()
        XCTAssertTrue(twice.allSatisfy { $0.scalars.allSatisfy { $0 == 0 } })
    }
}
