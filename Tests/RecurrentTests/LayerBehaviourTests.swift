import XCTest
@testable import Recurrent
import RecurrentInitializers

/// The cells under test, built the same way for any scalar type (written once, run for Float and Double).
enum TestCellKind: CaseIterable {
    case srnnTanh, srnnReLU, irnn, npRNN, npTanh, lstm, gruAfter, gruBefore, scrn

    func layer<S: RecurrentScalar>(_: S.Type, inputSize: Int = 3, hiddenSize: Int = 6, seed: UInt64 = 1) throws -> any LayerProbe<S> {
        switch self {
        case .srnnTanh: return RecurrentLayer(cell: try SimpleRNNCell<S>(inputSize: inputSize, hiddenSize: hiddenSize, seed: seed))
        case .srnnReLU:
            return RecurrentLayer(cell: try SimpleRNNCell<S>(inputSize: inputSize, hiddenSize: hiddenSize, nonlinearity: .relu, seed: seed))
        case .irnn: return RecurrentLayer(cell: try SimpleRNNCell<S>.irnn(inputSize: inputSize, hiddenSize: hiddenSize, inputStandardDeviation: 0.3, seed: seed))
        case .npRNN: return RecurrentLayer(cell: try SimpleRNNCell<S>.npRNN(inputSize: inputSize, hiddenSize: hiddenSize, seed: seed))
        case .npTanh: return RecurrentLayer(cell: try SimpleRNNCell<S>.npTanhRNN(inputSize: inputSize, hiddenSize: hiddenSize, seed: seed))
        case .lstm: return RecurrentLayer(cell: try LSTMCell<S>(inputSize: inputSize, hiddenSize: hiddenSize, forgetBias: 1, seed: seed))
        case .gruAfter: return RecurrentLayer(cell: try GRUCell<S>(inputSize: inputSize, hiddenSize: hiddenSize, seed: seed))
        case .gruBefore: return RecurrentLayer(cell: try GRUCell<S>(inputSize: inputSize, hiddenSize: hiddenSize, reset: .beforeMatrix, seed: seed))
        case .scrn: return RecurrentLayer(cell: try SCRNCell<S>(inputSize: inputSize, hiddenSize: hiddenSize, contextSize: 3, seed: seed))
        }
    }
}

/// Type-erased view of a layer for table-driven tests.
protocol LayerProbe<Scalar> {
    associatedtype Scalar: RecurrentScalar
    var stateWidth: Int { get }
    var inputWidth: Int { get }
    func run(_ x: Tensor<Scalar>, _ state: Tensor<Scalar>?, lengths: [Int]?) throws -> (outputs: Tensor<Scalar>, final: Tensor<Scalar>)
}

extension RecurrentLayer: LayerProbe {
    var stateWidth: Int { cell.stateSize }
    var inputWidth: Int { cell.inputSize }
    func run(_ x: Tensor<Scalar>, _ state: Tensor<Scalar>?, lengths: [Int]?) throws -> (outputs: Tensor<Scalar>, final: Tensor<Scalar>) {
        let pass = try forward(x, initialState: state, lengths: lengths)
        return (pass.outputs, pass.finalState)
    }
}

final class LayerBehaviourTests: XCTestCase {
    /// The same cell (same seed) in Float and Double gives the same outputs up to Float rounding:
    /// after 8 steps of O(1) values, errors stay below 1e-5 (about 100 Float ulps at 1.0).
    func testFloatForwardAgreesWithDouble() throws {
        for kind in TestCellKind.allCases {
            let single = try kind.layer(Float.self), double = try kind.layer(Double.self)
            var generator = RandomGenerator(seed: 21)
            let x: Tensor<Double> = randomTensor([8, 2, 3], generator: &generator)
            let a = try single.run(x.converted(to: Float.self), nil, lengths: nil)
            let b = try double.run(x, nil, lengths: nil)
            for (u, v) in zip(a.outputs.scalars, b.outputs.scalars) {
                XCTAssertEqual(Double(u), v, accuracy: 1e-5 * max(1, abs(v)), "\(kind)")
            }
        }
    }

    /// An omitted state is exactly a zero state, bit for bit.
    func testOmittedStateIsZeroState() throws {
        for kind in TestCellKind.allCases {
            let layer = try kind.layer(Double.self)
            var generator = RandomGenerator(seed: 3)
            let x: Tensor<Double> = randomTensor([5, 2, 3], generator: &generator)
            let omitted = try layer.run(x, nil, lengths: nil)
            let zeros = try layer.run(x, Tensor(shape: [2, layer.stateWidth]), lengths: nil)
            XCTAssertEqual(omitted.outputs, zeros.outputs, "\(kind)")
            XCTAssertEqual(omitted.final, zeros.final, "\(kind)")
        }
    }

    /// A row of a ragged batch ends with the state it would have after running alone for its length.
    func testRaggedRowsMatchShortSequences() throws {
        for kind in TestCellKind.allCases {
            let layer = try kind.layer(Double.self)
            var generator = RandomGenerator(seed: 4)
            let x: Tensor<Double> = randomTensor([6, 2, 3], generator: &generator)
            let ragged = try layer.run(x, nil, lengths: [6, 3])
            // Row 1 alone, first 3 steps.
            var prefix = [Double]()
            for t in 0..<3 { prefix += x.scalars[(t * 2 + 1) * 3..<(t * 2 + 2) * 3] }
            let alone = try layer.run(Tensor(shape: [3, 1, 3], scalars: prefix), nil, lengths: nil)
            let width = layer.stateWidth
            XCTAssertEqual(Array(ragged.final.scalars[width..<2 * width]), alone.final.scalars, "\(kind)")
            // Padded outputs are zero.
            let o = ragged.outputs.shape[2]
            for t in 3..<6 { XCTAssertTrue(ragged.outputs.scalars[(t * 2 + 1) * o..<(t * 2 + 2) * o].allSatisfy { $0 == 0 }) }
        }
    }

    func testBadInputsThrowDescriptiveErrors() throws {
        let layer = RecurrentLayer(cell: try LSTMCell<Float>(inputSize: 3, hiddenSize: 4))
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        // Wrong input width.
        var text = message { _ = try layer.forward(Tensor(shape: [5, 2, 7])) }
        XCTAssertTrue(text.contains("(T, B, 3)") && text.contains("(5, 2, 7)"), text)
        // Batch of the state differs from the input's.
        text = message { _ = try layer.forward(Tensor(shape: [5, 2, 3]), initialState: Tensor(shape: [3, 8])) }
        XCTAssertTrue(text.contains("(2, 8)") && text.contains("(3, 8)"), text)
        // Empty sequence.
        text = message { _ = try layer.forward(Tensor(shape: [0, 2, 3])) }
        XCTAssertTrue(text.contains("no time steps"), text)
        // Rank 2 input.
        text = message { _ = try layer.forward(Tensor(shape: [2, 3])) }
        XCTAssertTrue(text.contains("(2, 3)"), text)
        // Non-finite input.
        var values = [Float](repeating: 0, count: 30)
        values[7] = .nan
        text = message { _ = try layer.forward(Tensor(shape: [5, 2, 3], scalars: values)) }
        XCTAssertTrue(text.contains("non-finite") && text.contains("7"), text)
        // Lengths.
        text = message { _ = try layer.forward(Tensor(shape: [5, 2, 3]), lengths: [5, 6]) }
        XCTAssertTrue(text.contains("lengths[1]"), text)
        // Zero and negative sizes.
        text = message { _ = try LSTMCell<Float>(inputSize: 0, hiddenSize: 4) }
        XCTAssertTrue(text.contains("inputSize") && text.contains("0"), text)
        text = message { _ = try GRUCell<Float>(inputSize: 2, hiddenSize: -3) }
        XCTAssertTrue(text.contains("hiddenSize") && text.contains("-3"), text)
        text = message { _ = try SCRNCell<Float>(inputSize: 2, hiddenSize: 3, contextSize: 0) }
        XCTAssertTrue(text.contains("contextSize"), text)
        text = message { _ = try SimpleRNNCell<Float>.npRNN(inputSize: 1, hiddenSize: 0) }
        XCTAssertTrue(text.contains("hiddenSize"), text)
        // Gradient of the wrong shape.
        let pass = try layer.forward(Tensor(shape: [5, 2, 3]))
        var gradients = layer.cell.zeroGradients()
        text = message { _ = try layer.backward(pass, outputGradient: Tensor(shape: [5, 2, 3]), into: &gradients) }
        XCTAssertTrue(text.contains("outputGradient") && text.contains("(5, 2, 4)"), text)
        // Parameters of the wrong shape.
        var cell = layer.cell
        text = message { try cell.setParameters([Tensor(shape: [16, 3]), Tensor(shape: [16]), Tensor(shape: [16, 5]), Tensor(shape: [16])]) }
        XCTAssertTrue(text.contains("weight_hh") && text.contains("(16, 5)"), text)
        // Tensor construction.
        text = message { _ = try Tensor<Float>(shape: [2, 3], scalars: [1, 2]) }
        XCTAssertTrue(text.contains("6 scalars") && text.contains("2 scalars"), text)
        text = message { _ = try Tensor<Float>(shape: [2, 3]).matmul(Tensor(shape: [4, 2])) }
        XCTAssertTrue(text.contains("(2, 3) · (4, 2)"), text)
    }

    /// The LSTM state layout is [h, c] and the output is h.
    func testLSTMStateLayout() throws {
        let layer = RecurrentLayer(cell: try LSTMCell<Double>(inputSize: 2, hiddenSize: 3, seed: 2))
        let pass = try layer.forward(Tensor(shape: [4, 1, 2], repeating: 0.7))
        XCTAssertEqual(Array(pass.finalState.scalars[0..<3]), Array(pass.outputs.scalars[9..<12]))
        XCTAssertEqual(pass.state(afterStep: 3), pass.finalState)
    }
}
