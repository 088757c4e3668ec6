import Foundation
import XCTest
@testable import Recurrent
import RecurrentInitializers

/// The Keras conversions of `Sources/Recurrent/IO/KerasLayout.swift`, checked against Keras's own equations.
///
/// `KerasReference` below evaluates the recurrences exactly as Keras writes them (keras/src/layers/rnn/
/// simple_rnn.py, lstm.py, gru.py: row vectors, `inputs @ kernel + h_tm1 @ recurrent_kernel`, Keras's gate
/// order and bias layout), directly on the Keras-layout arrays, with scalar loops that share nothing with
/// the library. The converted cells run in a ``RecurrentLayer`` over several steps and a batch, from a
/// non-zero initial state, and must give the same outputs and final state.
///
/// Tolerance 1e-12, in Double: both sides compute the same function, and differ only in the order of the
/// roundings (the library's GEMM blocks and FMAs, its bias added in another place, its own exp/tanh kernels).
/// With values of order 1, sums of I + H ≤ 10 products and 6 steps of contractive gates, that is a few ulps
/// of 1, about 1e-15; 1e-12 leaves a wide margin for that, while any layout mistake (a swapped gate block,
/// a transposed matrix read the wrong way, a bias in the wrong row, the z convention inverted) changes the
/// outputs by 1e-2 or more.
final class KerasLayoutTests: XCTestCase {
    let (inputSize, hiddenSize, steps, batch) = (4, 5, 6, 3)
    let tolerance = 1e-12

    // MARK: - Keras's equations

    enum KerasReference {
        static func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }

        /// Keras's `x @ w` for a row vector x (R) and a matrix w (R, C): `out[c] = Σ_r x[r]·w[r, c]`.
        static func rowTimes(_ x: [Double], _ w: Tensor<Double>) -> [Double] {
            precondition(w.rank == 2 && w.shape[0] == x.count)
            return (0..<w.shape[1]).map { c in x.indices.reduce(0.0) { $0 + x[$1] * w[$1, c] } }
        }

        /// `LSTMCell.call`: `z = inputs @ kernel + h_tm1 @ recurrent_kernel + bias`, split into i, f, c, o;
        /// `c = f * c_tm1 + i * tanh(z_c)`, `h = o * tanh(c)`.
        static func lstmStep(x: [Double], h: [Double], c: [Double],
                             kernel: Tensor<Double>, recurrentKernel: Tensor<Double>, bias: Tensor<Double>)
            -> (h: [Double], c: [Double]) {
            let units = h.count
            let fromInput = rowTimes(x, kernel), fromState = rowTimes(h, recurrentKernel)
            let z = (0..<4 * units).map { fromInput[$0] + fromState[$0] + bias[$0] }
            var (hNext, cNext) = (h, c)
            for j in 0..<units {
                let i = sigmoid(z[j]), f = sigmoid(z[units + j]), candidate = tanh(z[2 * units + j])
                let o = sigmoid(z[3 * units + j])
                cNext[j] = f * c[j] + i * candidate
                hNext[j] = o * tanh(cNext[j])
            }
            return (hNext, cNext)
        }

        /// `GRUCell.call`: `matrix_x = inputs @ kernel + input_bias`, split into x_z, x_r, x_h;
        /// reset_after=True: `matrix_inner = h_tm1 @ recurrent_kernel + recurrent_bias`, `recurrent_h = r * inner_h`;
        /// reset_after=False: `inner = h_tm1 @ recurrent_kernel[:, :2·units]`,
        /// `recurrent_h = (r * h_tm1) @ recurrent_kernel[:, 2·units:]`;
        /// `hh = tanh(x_h + recurrent_h)`, `h = z * h_tm1 + (1 − z) * hh`.
        static func gruStep(x: [Double], h: [Double],
                            kernel: Tensor<Double>, recurrentKernel: Tensor<Double>, bias: Tensor<Double>) -> [Double] {
            let units = h.count
            let resetAfter = bias.rank == 2
            let inputBias = (0..<3 * units).map { resetAfter ? bias[0, $0] : bias[$0] }
            let matrixX = zip(rowTimes(x, kernel), inputBias).map { $0 + $1 }
            var matrixInner = rowTimes(h, recurrentKernel)   // all three blocks; the h block is replaced below if reset before
            if resetAfter { for k in 0..<3 * units { matrixInner[k] += bias[1, k] } }
            let z = (0..<units).map { sigmoid(matrixX[$0] + matrixInner[$0]) }
            let r = (0..<units).map { sigmoid(matrixX[units + $0] + matrixInner[units + $0]) }
            let recurrentH: [Double]
            if resetAfter {
                recurrentH = (0..<units).map { r[$0] * matrixInner[2 * units + $0] }
            } else {
                let resetState = (0..<units).map { r[$0] * h[$0] }
                recurrentH = (0..<units).map { j in (0..<units).reduce(0.0) { $0 + resetState[$1] * recurrentKernel[$1, 2 * units + j] } }
            }
            return (0..<units).map { j in
                let hh = tanh(matrixX[2 * units + j] + recurrentH[j])
                return z[j] * h[j] + (1 - z[j]) * hh
            }
        }

        /// `SimpleRNNCell.call`: `h = inputs @ kernel + bias + prev_output @ recurrent_kernel`, then `activation(h)`.
        static func simpleRNNStep(x: [Double], h: [Double], kernel: Tensor<Double>, recurrentKernel: Tensor<Double>,
                                  bias: Tensor<Double>, activation: String) -> [Double] {
            let fromInput = rowTimes(x, kernel), fromState = rowTimes(h, recurrentKernel)
            return (0..<h.count).map { j in
                let a = fromInput[j] + bias[j] + fromState[j]
                return activation == "relu" ? max(0, a) : tanh(a)
            }
        }
    }

    // MARK: - Data

    /// Uniform in (−scale, scale), shaped.
    func random(_ shape: [Int], scale: Double = 0.6, _ generator: inout RandomGenerator) throws -> Tensor<Double> {
        try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in scale * (2 * generator.nextUniform() - 1) })
    }

    /// x (T, B, I) and an initial state (B, stateWidth).
    func sequence(stateWidth: Int, seed: UInt64) throws -> (x: Tensor<Double>, initial: Tensor<Double>) {
        var generator = RandomGenerator(seed: seed)
        return (try random([steps, batch, inputSize], scale: 1, &generator),
                try random([batch, stateWidth], scale: 0.5, &generator))
    }

    /// Row `b` of step `t` of x (T, B, I).
    func input(_ x: Tensor<Double>, _ t: Int, _ b: Int) -> [Double] { (0..<inputSize).map { x[t, b, $0] } }

    func assertClose(_ actual: [Double], _ expected: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        let error = zip(actual, expected).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(error, tolerance, "\(what): max |Δ| = \(error)", file: file, line: line)
    }

    // MARK: - Keras's equations against the converted cells

    /// Keras's LSTM over (T, B) from [h0, c0]: outputs (T·B·H, time-major) and the final [h, c] rows.
    func kerasLSTM(_ weights: (kernel: Tensor<Double>, recurrentKernel: Tensor<Double>, bias: Tensor<Double>),
                   x: Tensor<Double>, initial: Tensor<Double>) -> (outputs: [Double], final: [Double]) {
        let h = hiddenSize
        var states = (0..<batch).map { b in ((0..<h).map { initial[b, $0] }, (0..<h).map { initial[b, h + $0] }) }
        var outputs: [Double] = []
        for t in 0..<steps {
            for b in 0..<batch {
                states[b] = KerasReference.lstmStep(x: input(x, t, b), h: states[b].0, c: states[b].1, kernel: weights.kernel,
                                                    recurrentKernel: weights.recurrentKernel, bias: weights.bias)
                outputs += states[b].0
            }
        }
        return (outputs, states.flatMap { $0.0 + $0.1 })
    }

    func kerasGRU(_ weights: (kernel: Tensor<Double>, recurrentKernel: Tensor<Double>, bias: Tensor<Double>),
                  x: Tensor<Double>, initial: Tensor<Double>) -> (outputs: [Double], final: [Double]) {
        var states = (0..<batch).map { b in (0..<hiddenSize).map { initial[b, $0] } }
        var outputs: [Double] = []
        for t in 0..<steps {
            for b in 0..<batch {
                states[b] = KerasReference.gruStep(x: input(x, t, b), h: states[b], kernel: weights.kernel,
                                                   recurrentKernel: weights.recurrentKernel, bias: weights.bias)
                outputs += states[b]
            }
        }
        return (outputs, states.flatMap { $0 })
    }

    func kerasSimpleRNN(_ weights: (kernel: Tensor<Double>, recurrentKernel: Tensor<Double>, bias: Tensor<Double>),
                        activation: String, x: Tensor<Double>, initial: Tensor<Double>) -> (outputs: [Double], final: [Double]) {
        var states = (0..<batch).map { b in (0..<hiddenSize).map { initial[b, $0] } }
        var outputs: [Double] = []
        for t in 0..<steps {
            for b in 0..<batch {
                states[b] = KerasReference.simpleRNNStep(x: input(x, t, b), h: states[b], kernel: weights.kernel,
                                                         recurrentKernel: weights.recurrentKernel, bias: weights.bias,
                                                         activation: activation)
                outputs += states[b]
            }
        }
        return (outputs, states.flatMap { $0 })
    }

    func testLSTMMatchesKerasEquations() throws {
        var generator = RandomGenerator(seed: 11)
        let (i, h) = (inputSize, hiddenSize)
        let keras = (kernel: try random([i, 4 * h], &generator), recurrentKernel: try random([h, 4 * h], &generator),
                     bias: try random([4 * h], &generator))
        let cell = try LSTMCell(kerasKernel: keras.kernel, recurrentKernel: keras.recurrentKernel, bias: keras.bias)
        XCTAssertEqual(cell.inputSize, i)
        XCTAssertEqual(cell.hiddenSize, h)
        let (x, initial) = try sequence(stateWidth: 2 * h, seed: 12)
        let pass = try RecurrentLayer(cell: cell).forward(x, initialState: initial)
        let expected = kerasLSTM(keras, x: x, initial: initial)
        assertClose(pass.outputs.scalars, expected.outputs, "LSTM outputs")
        assertClose(pass.finalState.scalars, expected.final, "LSTM final [h, c]")
    }

    func testGRUResetAfterMatchesKerasEquations() throws {
        var generator = RandomGenerator(seed: 21)
        let (i, h) = (inputSize, hiddenSize)
        let keras = (kernel: try random([i, 3 * h], &generator), recurrentKernel: try random([h, 3 * h], &generator),
                     bias: try random([2, 3 * h], &generator))
        let cell = try GRUCell(kerasKernel: keras.kernel, recurrentKernel: keras.recurrentKernel, bias: keras.bias)
        XCTAssertEqual(cell.reset, .afterMatrix)
        XCTAssertEqual(cell.hiddenSize, h)
        let (x, initial) = try sequence(stateWidth: h, seed: 22)
        let pass = try RecurrentLayer(cell: cell).forward(x, initialState: initial)
        let expected = kerasGRU(keras, x: x, initial: initial)
        assertClose(pass.outputs.scalars, expected.outputs, "GRU reset_after=True outputs")
        assertClose(pass.finalState.scalars, expected.final, "GRU reset_after=True final state")
    }

    func testGRUResetBeforeMatchesKerasEquations() throws {
        var generator = RandomGenerator(seed: 31)
        let (i, h) = (inputSize, hiddenSize)
        let keras = (kernel: try random([i, 3 * h], &generator), recurrentKernel: try random([h, 3 * h], &generator),
                     bias: try random([3 * h], &generator))
        let cell = try GRUCell(kerasKernel: keras.kernel, recurrentKernel: keras.recurrentKernel, bias: keras.bias)
        XCTAssertEqual(cell.reset, .beforeMatrix)
        XCTAssertEqual(cell.biasHH, try Tensor.zeros([3 * h]))
        let (x, initial) = try sequence(stateWidth: h, seed: 32)
        let pass = try RecurrentLayer(cell: cell).forward(x, initialState: initial)
        let expected = kerasGRU(keras, x: x, initial: initial)
        assertClose(pass.outputs.scalars, expected.outputs, "GRU reset_after=False outputs")
        assertClose(pass.finalState.scalars, expected.final, "GRU reset_after=False final state")
    }

    func testSimpleRNNMatchesKerasEquations() throws {
        for (nonlinearity, seed) in [(Nonlinearity.tanh, UInt64(41)), (.relu, 43)] {
            var generator = RandomGenerator(seed: seed)
            let (i, h) = (inputSize, hiddenSize)
            let keras = (kernel: try random([i, h], &generator), recurrentKernel: try random([h, h], &generator),
                         bias: try random([h], &generator))
            let cell = try SimpleRNNCell(kerasKernel: keras.kernel, recurrentKernel: keras.recurrentKernel, bias: keras.bias,
                                         nonlinearity: nonlinearity)
            XCTAssertEqual(cell.nonlinearity, nonlinearity)
            let (x, initial) = try sequence(stateWidth: h, seed: seed + 1)
            let pass = try RecurrentLayer(cell: cell).forward(x, initialState: initial)
            let expected = kerasSimpleRNN(keras, activation: nonlinearity.rawValue, x: x, initial: initial)
            assertClose(pass.outputs.scalars, expected.outputs, "SimpleRNN \(nonlinearity) outputs")
            assertClose(pass.finalState.scalars, expected.final, "SimpleRNN \(nonlinearity) final state")
            // ReLU must actually clip somewhere, or the relu case would test nothing tanh does not.
            if nonlinearity == .relu { XCTAssertTrue(pass.outputs.scalars.contains(0)) }
        }
    }

    /// The default nonlinearity is Keras's default activation, tanh.
    func testSimpleRNNDefaultsToTanh() throws {
        let cell = try SimpleRNNCell(kerasKernel: Tensor<Double>(shape: [2, 3], repeating: 0.1),
                                     recurrentKernel: Tensor(shape: [3, 3]), bias: Tensor(shape: [3]))
        XCTAssertEqual(cell.nonlinearity, .tanh)
    }

    // MARK: - Export: PyTorch-style cells (both biases non-zero) into Keras's equations

    /// `kerasWeights` of cells with independent `bias_ih` and `bias_hh`, evaluated by Keras's equations, reproduce
    /// the original cells. For the reset-before GRU this is the claim that `b_in + b_hn` is exact there.
    func testExportedWeightsReproduceTheCellUnderKerasEquations() throws {
        let (i, h) = (inputSize, hiddenSize)
        let lstm = try LSTMCell<Double>(inputSize: i, hiddenSize: h, seed: 51)
        XCTAssertGreaterThan(lstm.biasHH.maxAbs(), 0)
        let (x, initial) = try sequence(stateWidth: 2 * h, seed: 52)
        let pass = try RecurrentLayer(cell: lstm).forward(x, initialState: initial)
        let expected = kerasLSTM(lstm.kerasWeights, x: x, initial: initial)
        assertClose(pass.outputs.scalars, expected.outputs, "exported LSTM outputs")
        assertClose(pass.finalState.scalars, expected.final, "exported LSTM final state")

        for reset in ResetPlacement.allCases {
            let gru = try GRUCell<Double>(inputSize: i, hiddenSize: h, reset: reset, seed: 53)
            XCTAssertGreaterThan(gru.biasHH.maxAbs(), 0)
            let weights = gru.kerasWeights
            XCTAssertEqual(weights.bias.shape, reset == .afterMatrix ? [2, 3 * h] : [3 * h])
            let (x, initial) = try sequence(stateWidth: h, seed: 54)
            let pass = try RecurrentLayer(cell: gru).forward(x, initialState: initial)
            let expected = kerasGRU(weights, x: x, initial: initial)
            assertClose(pass.outputs.scalars, expected.outputs, "exported GRU \(reset) outputs")
            assertClose(pass.finalState.scalars, expected.final, "exported GRU \(reset) final state")
        }

        for nonlinearity in Nonlinearity.allCases {
            let rnn = try SimpleRNNCell<Double>(inputSize: i, hiddenSize: h, nonlinearity: nonlinearity, seed: 55)
            let (x, initial) = try sequence(stateWidth: h, seed: 56)
            let pass = try RecurrentLayer(cell: rnn).forward(x, initialState: initial)
            let expected = kerasSimpleRNN(rnn.kerasWeights, activation: nonlinearity.rawValue, x: x, initial: initial)
            assertClose(pass.outputs.scalars, expected.outputs, "exported SimpleRNN \(nonlinearity) outputs")
            assertClose(pass.finalState.scalars, expected.final, "exported SimpleRNN \(nonlinearity) final state")
        }
    }

    /// Why Keras keeps two bias rows with reset_after=True: there `b_hn` is multiplied by r, so folding it
    /// into the input bias (what reset_after=False would need) changes the function.
    func testResetAfterRecurrentBiasDoesNotFoldIntoTheInputBias() throws {
        let h = hiddenSize
        let gru = try GRUCell<Double>(inputSize: inputSize, hiddenSize: h, reset: .afterMatrix, seed: 57)
        let weights = gru.kerasWeights
        let folded = try Tensor(shape: [3 * h], scalars: (0..<3 * h).map { weights.bias[0, $0] + weights.bias[1, $0] })
        let (x, initial) = try sequence(stateWidth: h, seed: 58)
        let exact = kerasGRU(weights, x: x, initial: initial).outputs
        let wrong = kerasGRU((weights.kernel, weights.recurrentKernel, folded), x: x, initial: initial).outputs
        XCTAssertGreaterThan(zip(exact, wrong).map { abs($0 - $1) }.max() ?? 0, 1e-3)
    }

    // MARK: - Round trips

    func testKerasArraysRoundTripExactly() throws {
        var generator = RandomGenerator(seed: 61)
        let (i, h) = (inputSize, hiddenSize)

        let lstmKeras = (try random([i, 4 * h], &generator), try random([h, 4 * h], &generator), try random([4 * h], &generator))
        let lstm = try LSTMCell(kerasKernel: lstmKeras.0, recurrentKernel: lstmKeras.1, bias: lstmKeras.2)
        XCTAssertEqual(lstm.kerasWeights.kernel, lstmKeras.0)
        XCTAssertEqual(lstm.kerasWeights.recurrentKernel, lstmKeras.1)
        XCTAssertEqual(lstm.kerasWeights.bias, lstmKeras.2)
        let lstmBack = try LSTMCell(kerasKernel: lstm.kerasWeights.kernel, recurrentKernel: lstm.kerasWeights.recurrentKernel,
                                    bias: lstm.kerasWeights.bias)
        XCTAssertEqual(lstmBack.parameters, lstm.parameters)

        for biasShape in [[2, 3 * h], [3 * h]] {
            let keras = (try random([i, 3 * h], &generator), try random([h, 3 * h], &generator), try random(biasShape, &generator))
            let gru = try GRUCell(kerasKernel: keras.0, recurrentKernel: keras.1, bias: keras.2)
            let weights = gru.kerasWeights
            XCTAssertEqual(weights.kernel, keras.0)
            XCTAssertEqual(weights.recurrentKernel, keras.1)
            XCTAssertEqual(weights.bias, keras.2)
            let back = try GRUCell(kerasKernel: weights.kernel, recurrentKernel: weights.recurrentKernel, bias: weights.bias)
            XCTAssertEqual(back.reset, gru.reset)
            XCTAssertEqual(back.parameters, gru.parameters)
        }

        for nonlinearity in Nonlinearity.allCases {
            let keras = (try random([i, h], &generator), try random([h, h], &generator), try random([h], &generator))
            let rnn = try SimpleRNNCell(kerasKernel: keras.0, recurrentKernel: keras.1, bias: keras.2, nonlinearity: nonlinearity)
            let weights = rnn.kerasWeights
            XCTAssertEqual(weights.kernel, keras.0)
            XCTAssertEqual(weights.recurrentKernel, keras.1)
            XCTAssertEqual(weights.bias, keras.2)
            let back = try SimpleRNNCell(kerasKernel: weights.kernel, recurrentKernel: weights.recurrentKernel,
                                         bias: weights.bias, nonlinearity: nonlinearity)
            XCTAssertEqual(back.nonlinearity, rnn.nonlinearity)
            XCTAssertEqual(back.parameters, rnn.parameters)
        }
    }

    /// From PyTorch-style cells: the matrices come back identical; the after-matrix GRU comes back identical
    /// altogether; the others come back with `bias_ih + bias_hh` in `bias_ih` and zero `bias_hh`.
    func testCellsRoundTripThroughKeras() throws {
        let (i, h) = (inputSize, hiddenSize)
        let lstm = try LSTMCell<Float>(inputSize: i, hiddenSize: h, seed: 71)
        let lstmBack = try LSTMCell(kerasKernel: lstm.kerasWeights.kernel, recurrentKernel: lstm.kerasWeights.recurrentKernel,
                                    bias: lstm.kerasWeights.bias)
        XCTAssertEqual(lstmBack.weightIH, lstm.weightIH)
        XCTAssertEqual(lstmBack.weightHH, lstm.weightHH)
        XCTAssertEqual(lstmBack.biasIH, try lstm.biasIH.adding(lstm.biasHH))
        XCTAssertEqual(lstmBack.biasHH, try Tensor.zeros([4 * h]))

        let after = try GRUCell<Float>(inputSize: i, hiddenSize: h, reset: .afterMatrix, seed: 72)
        let afterBack = try GRUCell(kerasKernel: after.kerasWeights.kernel, recurrentKernel: after.kerasWeights.recurrentKernel,
                                    bias: after.kerasWeights.bias)
        XCTAssertEqual(afterBack.reset, .afterMatrix)
        XCTAssertEqual(afterBack.parameters, after.parameters)

        let before = try GRUCell<Float>(inputSize: i, hiddenSize: h, reset: .beforeMatrix, seed: 73)
        let beforeBack = try GRUCell(kerasKernel: before.kerasWeights.kernel, recurrentKernel: before.kerasWeights.recurrentKernel,
                                     bias: before.kerasWeights.bias)
        XCTAssertEqual(beforeBack.reset, .beforeMatrix)
        XCTAssertEqual(beforeBack.weightIH, before.weightIH)
        XCTAssertEqual(beforeBack.weightHH, before.weightHH)
        XCTAssertEqual(beforeBack.biasIH, try before.biasIH.adding(before.biasHH))
        XCTAssertEqual(beforeBack.biasHH, try Tensor.zeros([3 * h]))

        let rnn = try SimpleRNNCell<Float>(inputSize: i, hiddenSize: h, nonlinearity: .relu, seed: 74)
        let rnnBack = try SimpleRNNCell(kerasKernel: rnn.kerasWeights.kernel, recurrentKernel: rnn.kerasWeights.recurrentKernel,
                                        bias: rnn.kerasWeights.bias, nonlinearity: .relu)
        XCTAssertEqual(rnnBack.weightIH, rnn.weightIH)
        XCTAssertEqual(rnnBack.weightHH, rnn.weightHH)
        XCTAssertEqual(rnnBack.biasIH, try rnn.biasIH.adding(rnn.biasHH))
        XCTAssertEqual(rnnBack.biasHH, try Tensor.zeros([h]))
    }

    /// The layout itself on a tiny case, by hand: Keras GRU column blocks z, r, h become row blocks r, z, n.
    func testGRUBlocksAreReorderedByHand() throws {
        // I = 1, H = 1: kernel (1, 3) = [z, r, h] = [1, 2, 3]; recurrent (1, 3) = [4, 5, 6]; bias rows [7, 8, 9], [10, 11, 12].
        let cell = try GRUCell(kerasKernel: Tensor<Double>(shape: [1, 3], scalars: [1, 2, 3]),
                               recurrentKernel: Tensor(shape: [1, 3], scalars: [4, 5, 6]),
                               bias: Tensor(shape: [2, 3], scalars: [7, 8, 9, 10, 11, 12]))
        XCTAssertEqual(cell.weightIH, try Tensor(shape: [3, 1], scalars: [2, 1, 3]))
        XCTAssertEqual(cell.weightHH, try Tensor(shape: [3, 1], scalars: [5, 4, 6]))
        XCTAssertEqual(cell.biasIH, try Tensor(shape: [3], scalars: [8, 7, 9]))
        XCTAssertEqual(cell.biasHH, try Tensor(shape: [3], scalars: [11, 10, 12]))
        // I = 2, H = 1, LSTM: kernel (2, 4) → weight_ih (4, 2), the transpose.
        let lstm = try LSTMCell(kerasKernel: Tensor<Double>(shape: [2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8]),
                                recurrentKernel: Tensor(shape: [1, 4], scalars: [9, 10, 11, 12]),
                                bias: Tensor(shape: [4], scalars: [13, 14, 15, 16]))
        XCTAssertEqual(lstm.weightIH, try Tensor(shape: [4, 2], scalars: [1, 5, 2, 6, 3, 7, 4, 8]))
        XCTAssertEqual(lstm.weightHH, try Tensor(shape: [4, 1], scalars: [9, 10, 11, 12]))
    }

    // MARK: - Shape errors

    func assertShapeMismatch(_ expectedError: RecurrentError, file: StaticString = #filePath, line: UInt = #line,
                             _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? RecurrentError, expectedError, file: file, line: line)
        }
    }

    func testShapeErrorsNameTheKerasTensor() throws {
        let t = { (shape: [Int]) in try Tensor<Float>(shape: shape, repeating: 0.1) }
        // LSTM, I = 3, H = 5.
        assertShapeMismatch(.shapeMismatch(operation: "Keras LSTM kernel", expected: "(I, 4H) with I, H > 0", got: "(3, 18)")) {
            _ = try LSTMCell(kerasKernel: t([3, 18]), recurrentKernel: t([5, 20]), bias: t([20]))
        }
        assertShapeMismatch(.shapeMismatch(operation: "Keras LSTM kernel", expected: "(I, 4H) with I, H > 0", got: "(20)")) {
            _ = try LSTMCell(kerasKernel: t([20]), recurrentKernel: t([5, 20]), bias: t([20]))
        }
        assertShapeMismatch(.shapeMismatch(operation: "Keras LSTM kernel", expected: "(I, 4H) with I, H > 0", got: "(0, 20)")) {
            _ = try LSTMCell(kerasKernel: t([0, 20]), recurrentKernel: t([5, 20]), bias: t([20]))
        }
        assertShapeMismatch(.shapeMismatch(operation: "Keras LSTM recurrent_kernel", expected: "(5, 20)", got: "(20, 5)")) {
            _ = try LSTMCell(kerasKernel: t([3, 20]), recurrentKernel: t([20, 5]), bias: t([20]))
        }
        assertShapeMismatch(.shapeMismatch(operation: "Keras LSTM bias", expected: "(20)", got: "(2, 20)")) {
            _ = try LSTMCell(kerasKernel: t([3, 20]), recurrentKernel: t([5, 20]), bias: t([2, 20]))
        }
        // GRU, I = 3, H = 5.
        assertShapeMismatch(.shapeMismatch(operation: "Keras GRU kernel", expected: "(I, 3H) with I, H > 0", got: "(3, 16)")) {
            _ = try GRUCell(kerasKernel: t([3, 16]), recurrentKernel: t([5, 15]), bias: t([2, 15]))
        }
        assertShapeMismatch(.shapeMismatch(operation: "Keras GRU recurrent_kernel", expected: "(5, 15)", got: "(5, 20)")) {
            _ = try GRUCell(kerasKernel: t([3, 15]), recurrentKernel: t([5, 20]), bias: t([2, 15]))
        }
        let gruBias = "(2, 3H) = (2, 15) for reset_after=True, or (3H) = (15) for reset_after=False"
        for wrong in [[3, 15], [2, 16], [16], [1, 15], [2, 15, 1], []] {
            assertShapeMismatch(.shapeMismatch(operation: "Keras GRU bias", expected: gruBias, got: shapeString(wrong))) {
                _ = try GRUCell(kerasKernel: t([3, 15]), recurrentKernel: t([5, 15]), bias: t(wrong))
            }
        }
        // SimpleRNN, I = 3, H = 5.
        assertShapeMismatch(.shapeMismatch(operation: "Keras SimpleRNN kernel", expected: "(I, H) with I, H > 0", got: "(3, 0)")) {
            _ = try SimpleRNNCell(kerasKernel: t([3, 0]), recurrentKernel: t([5, 5]), bias: t([5]))
        }
        assertShapeMismatch(.shapeMismatch(operation: "Keras SimpleRNN recurrent_kernel", expected: "(5, 5)", got: "(5, 3)")) {
            _ = try SimpleRNNCell(kerasKernel: t([3, 5]), recurrentKernel: t([5, 3]), bias: t([5]))
        }
        assertShapeMismatch(.shapeMismatch(operation: "Keras SimpleRNN bias", expected: "(5)", got: "(3)")) {
            _ = try SimpleRNNCell(kerasKernel: t([3, 5]), recurrentKernel: t([5, 5]), bias: t([3]), nonlinearity: .relu)
        }
        // The message names the tensor too.
        do {
            _ = try GRUCell(kerasKernel: t([3, 15]), recurrentKernel: t([5, 15]), bias: t([30]))
            XCTFail("expected a shape error")
        } catch {
            XCTAssertTrue("\(error)".hasPrefix("Keras GRU bias: expected shape (2, 3H) = (2, 15)"), "\(error)")
        }
    }
}
