import XCTest
@testable import Recurrent
import RecurrentInitializers

/// The backward pass adds weight gradients block by block (`LayoutTuning.gradientChunkRows`); blocks of one
/// step, of a few steps, and one block for the whole sequence must give the same gradients up to summation
/// order (1e-12 relative in Double), and the finite-difference check must hold with tiny blocks.
final class GradientChunkTests: XCTestCase {
    func gradients<Cell: RecurrentCell>(_ cell: Cell, chunkRows: Int, lengths: [Int]? = nil) throws
        -> (parameters: [Tensor<Double>], input: Tensor<Double>, state: Tensor<Double>) where Cell.Scalar == Double {
        let saved = LayoutTuning.gradientChunkRows
        LayoutTuning.gradientChunkRows = chunkRows
        defer { LayoutTuning.gradientChunkRows = saved }
        var generator = RandomGenerator(seed: 3)
        let layer = RecurrentLayer(cell: cell)
        let x: Tensor<Double> = randomTensor([7, 3, cell.inputSize], generator: &generator)
        let dOut: Tensor<Double> = randomTensor([7, 3, cell.outputSize], generator: &generator)
        let pass = try layer.forward(x, lengths: lengths)
        var grads = cell.zeroGradients()
        let (dx, dh0) = try layer.backward(pass, outputGradient: dOut, into: &grads)
        return (grads, dx, dh0)
    }

    func testBlocksAgree() throws {
        let cells: [any RecurrentCell<Double>] = [
            try LSTMCell<Double>(inputSize: 3, hiddenSize: 4, seed: 1),
            try GRUCell<Double>(inputSize: 3, hiddenSize: 4, reset: .beforeMatrix, seed: 2),
            try SCRNCell<Double>(inputSize: 3, hiddenSize: 4, contextSize: 2, trainableAlpha: true, seed: 3),
            try SimpleRNNCell<Double>.npRNN(inputSize: 3, hiddenSize: 4, seed: 4),
        ]
        for cell in cells {
            try compare(cell)
        }
    }

    func compare<Cell: RecurrentCell>(_ cell: Cell) throws where Cell.Scalar == Double {
        let whole = try gradients(cell, chunkRows: 1 << 20, lengths: [7, 4, 1])
        for rows in [1, 3, 6, 9] {   // blocks of 1, 1, 2 and 3 steps at batch 3
            let blocks = try gradients(cell, chunkRows: rows, lengths: [7, 4, 1])
            for (a, b) in zip(whole.parameters, blocks.parameters) {
                for (u, v) in zip(a.scalars, b.scalars) { XCTAssertEqual(u, v, accuracy: 1e-12 * max(1, abs(u)), "\(Cell.self) rows \(rows)") }
            }
            XCTAssertEqual(whole.input, blocks.input, "\(Cell.self): dX is computed per block, not summed")
            XCTAssertEqual(whole.state, blocks.state)
        }
    }

    func testFiniteDifferencesWithOneStepBlocks() throws {
        let saved = LayoutTuning.gradientChunkRows
        LayoutTuning.gradientChunkRows = 1
        defer { LayoutTuning.gradientChunkRows = saved }
        _ = try checkGradients(SCRNCell<Double>(inputSize: 3, hiddenSize: 4, contextSize: 3, seed: 9))
        _ = try checkGradients(GRUCell<Double>(inputSize: 3, hiddenSize: 4, reset: .beforeMatrix, seed: 8), batch: 4, lengths: [6, 2, 0, 4])
        _ = try checkGradients(LSTMCell<Double>(inputSize: 3, hiddenSize: 4, seed: 5))
    }
}
