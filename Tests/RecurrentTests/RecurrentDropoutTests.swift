import XCTest
@testable import Recurrent
import RecurrentInitializers

/// Variational recurrent dropout (Gal & Ghahramani 2016) on LSTM and GRU cells: one fixed mask per sequence on
/// h_{t−1} where it enters the recurrent product.
final class RecurrentDropoutTests: XCTestCase {
    /// Parameters moved away from their initial values, then a mask with zeros and 1/(1 − p) entries.
    func masked<Cell: RecurrentDropoutCell>(_ cell: Cell, batch: Int, p: Double = 0.4, seed: UInt64 = 7) throws -> Cell
    where Cell.Scalar == Double {
        var generator = RandomGenerator(seed: seed)
        var copy = cell
        try copy.setParameters(cell.parameters.map { p in
            try Tensor(shape: p.shape, scalars: p.scalars.map { $0 + 0.3 * (generator.nextUniform() * 2 - 1) })
        })
        let mask: Tensor<Double> = try recurrentDropoutMask(batch: batch, hiddenSize: cell.outputSize, probability: p, generator: &generator)
        XCTAssertTrue(mask.scalars.contains(0) && mask.scalars.contains(1 / (1 - p)), "the mask drops some units and keeps some")
        return try copy.applyingRecurrentMask(mask)
    }

    // Central differences in Double with the mask held fixed: the masked pass is the same smooth function of
    // the parameters, input and initial state as the unmasked one (the mask only rescales h_{t−1} by 0 or
    // 1/(1 − p) ≈ 1.7), so `checkGradients`' argument carries over unchanged: truncation O(ε²) ≈ 1e-12,
    // rounding O(u·|L|/ε) ≈ 1e-9, tolerance 1e-7; a missing ⊙ m in the backward step or the weight gradient
    // is an O(1) error.
    func testLSTMGradientsWithAFixedMask() throws {
        _ = try checkGradients(masked(LSTMCell<Double>(inputSize: 4, hiddenSize: 5, seed: 1), batch: 3), batch: 3)
    }

    func testGRUGradientsWithAFixedMask() throws {
        _ = try checkGradients(masked(GRUCell<Double>(inputSize: 4, hiddenSize: 5, seed: 2), batch: 3), batch: 3)
    }

    func testRaggedBatchGradientsWithAFixedMask() throws {
        _ = try checkGradients(masked(LSTMCell<Double>(inputSize: 3, hiddenSize: 4, seed: 3), batch: 3), batch: 3, lengths: [6, 2, 4])
    }

    /// For one sequence, W_hh·(m ⊙ h) = (W_hh·diag m)·h: the masked cell is the unmasked cell with its
    /// recurrent weight's columns scaled by m, at every step (the mask is fixed over time).
    func testMaskIsTheSameAtEveryStep() throws {
        for cell in [try masked(LSTMCell<Double>(inputSize: 3, hiddenSize: 6, seed: 4), batch: 1, p: 0.5) as any RecurrentDropoutCell<Double>,
                     try masked(GRUCell<Double>(inputSize: 3, hiddenSize: 6, seed: 5), batch: 1, p: 0.5)] {
            try assertEquivalentToScaledColumns(cell)
        }
    }

    func assertEquivalentToScaledColumns<Cell: RecurrentDropoutCell>(_ cell: Cell) throws where Cell.Scalar == Double {
        let m = cell.recurrentMask!.scalars, h = m.count
        var scaled = try cell.applyingRecurrentMask(nil)
        var parameters = scaled.parameters
        let w = parameters[2]   // weight_hh (G·H, H)
        parameters[2] = try Tensor(shape: w.shape, scalars: w.scalars.enumerated().map { $0.element * m[$0.offset % h] })
        try scaled.setParameters(parameters)
        var generator = RandomGenerator(seed: 9)
        let x: Tensor<Double> = randomTensor([12, 1, cell.inputSize], generator: &generator)
        let h0: Tensor<Double> = randomTensor([1, cell.stateSize], scale: 0.5, generator: &generator)
        let a = try RecurrentLayer(cell: cell).forward(x, initialState: h0)
        let b = try RecurrentLayer(cell: scaled).forward(x, initialState: h0)
        for (u, v) in zip(a.outputs.scalars + a.finalState.scalars, b.outputs.scalars + b.finalState.scalars) {
            XCTAssertEqual(u, v, accuracy: 1e-12)   // the same sums in another order: a few ulps
        }
        let plain = try RecurrentLayer(cell: cell.applyingRecurrentMask(nil)).forward(x, initialState: h0)
        XCTAssertNotEqual(plain.outputs.scalars, a.outputs.scalars, "the mask changes the result")
    }

    /// p = 0 gives a mask of ones, and the masked code path then gives exactly the unmasked results.
    func testMaskOfOnesIsBitIdenticalToNoMask() throws {
        try assertOnesMaskIsIdentity(LSTMCell<Float>(inputSize: 5, hiddenSize: 7, seed: 6))
        try assertOnesMaskIsIdentity(GRUCell<Float>(inputSize: 5, hiddenSize: 7, seed: 7))
        try assertOnesMaskIsIdentity(LSTMCell<Double>(inputSize: 5, hiddenSize: 7, seed: 8))
    }

    func assertOnesMaskIsIdentity<Cell: RecurrentDropoutCell>(_ cell: Cell) throws {
        var generator = RandomGenerator(seed: 3)
        let (steps, batch) = (9, 4)
        let mask: Tensor<Cell.Scalar> = try recurrentDropoutMask(batch: batch, hiddenSize: cell.outputSize, probability: 0, generator: &generator)
        XCTAssertTrue(mask.scalars.allSatisfy { $0 == 1 })
        let x: Tensor<Cell.Scalar> = randomTensor([steps, batch, cell.inputSize], generator: &generator)
        let dOut: Tensor<Cell.Scalar> = randomTensor([steps, batch, cell.outputSize], generator: &generator)
        var results: [[Cell.Scalar]] = []
        for layer in [RecurrentLayer(cell: cell), RecurrentLayer(cell: try cell.applyingRecurrentMask(mask))] {
            let pass = try layer.forward(x)
            var gradients = layer.cell.zeroGradients()
            let (dx, dh0) = try layer.backward(pass, outputGradient: dOut, into: &gradients)
            results.append(pass.outputs.scalars + pass.finalState.scalars + dx.scalars + dh0.scalars + gradients.flatMap(\.scalars))
        }
        XCTAssertEqual(results[0], results[1])
    }

    func testBadMasksAreRefused() throws {
        let lstm = try LSTMCell<Double>(inputSize: 2, hiddenSize: 3, seed: 1)
        XCTAssertThrowsError(try lstm.applyingRecurrentMask(Tensor(shape: [2, 4], repeating: 1)))
        XCTAssertThrowsError(try lstm.applyingRecurrentMask(Tensor(shape: [2, 3], scalars: [1, 1, .nan, 1, 1, 1])))
        let before = try GRUCell<Double>(inputSize: 2, hiddenSize: 3, reset: .beforeMatrix, seed: 1)
        XCTAssertThrowsError(try before.applyingRecurrentMask(Tensor(shape: [2, 3], repeating: 1))) { error in
            XCTAssertTrue("\(error)".contains("reset gate after"), "\(error)")
        }
        var generator = RandomGenerator(seed: 1)
        XCTAssertThrowsError(try recurrentDropoutMask(batch: 2, hiddenSize: 3, probability: 1, generator: &generator) as Tensor<Double>)
        XCTAssertNil(lstm.recurrentMask)
        XCTAssertTrue(lstm.rowsAreIndependent)
        XCTAssertFalse(try lstm.applyingRecurrentMask(Tensor(shape: [2, 3], repeating: 1)).rowsAreIndependent)
    }

    /// The dropout mask compares the top 53 bits of each draw with ⌈p·2⁵³⌉ instead of converting it to a Double:
    /// the same mask, element for element, as `nextUniform() ≥ p`, with one draw per element, at rates whose
    /// p·2⁵³ is an integer (0.5, 0.25) or not (0.1, 1/3), and at the extremes.
    func testDropoutMaskEqualsTheUniformComparison() {
        for p in [0.0, 0.1, 0.2, 0.25, 1.0 / 3, 0.5, 0.9, 0.999999] {
            var fast = RandomGenerator(seed: 17), reference = RandomGenerator(seed: 17)
            let mask: [Float] = invertedDropoutMask(count: 50_000, dropout: p, generator: &fast)
            let keep = Float(1 / (1 - p))
            let expected = (0..<50_000).map { _ in reference.nextUniform() >= p ? keep : 0 }
            XCTAssertEqual(mask, expected, "p = \(p)")
            XCTAssertEqual(fast.state, reference.state, "p = \(p): one draw per element")
        }
        // Draws on both sides of the threshold: k = ⌈p·2⁵³⌉ − 1 is dropped and k = ⌈p·2⁵³⌉ kept, for p = 0.1.
        let k = UInt64((0.1 * 0x1p53).rounded(.up))
        XCTAssertLessThan(Double(k - 1) * 0x1p-53, 0.1)
        XCTAssertGreaterThanOrEqual(Double(k) * 0x1p-53, 0.1)
    }
}
