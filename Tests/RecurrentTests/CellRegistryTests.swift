import XCTest
@testable import Recurrent

/// The cell registry: every kind builds, names and descriptors round-trip.
final class CellRegistryTests: XCTestCase {
    struct Built: CellVisitor {
        typealias Scalar = Float
        func visit<Cell: RecurrentCell>(_ makeCell: (Int, Int, Int) throws -> Cell) throws -> [any RecurrentCell<Float>]
        where Cell.Scalar == Float {
            // Two layers, two directions, as a bidirectional stack asks for them.
            try [makeCell(3, 0, 0), makeCell(3, 0, 1), makeCell(16, 1, 0), makeCell(16, 1, 1)]
        }
    }

    func testEveryKindBuilds() throws {
        for kind in CellKind.allCases {
            let spec = CellSpecification(kind: kind, inputSize: 3, hiddenSize: 8, seed: 4)
            let cells = try spec.visit(Built())
            XCTAssertEqual(cells.map(\.inputSize), [3, 3, 16, 16], "\(kind)")
            XCTAssertEqual(cells[0].descriptor["cell"], spec.descriptor["cell"], "\(kind)")
            // Each (layer, direction) draws from its own seed.
            XCTAssertNotEqual(cells[0].parameters[0].scalars, cells[1].parameters[0].scalars, "\(kind)")
            XCTAssertFalse(kind.summary.isEmpty)
        }
    }

    func testNamesRoundTrip() throws {
        for kind in CellKind.allCases { XCTAssertEqual(try CellKind(name: kind.rawValue), kind) }
        XCTAssertEqual(CellKind.allCases.map(\.rawValue),
                       ["srnn", "srnn-relu", "lstm", "gru", "gru-reset-before", "scrn", "irnn", "nprnn", "nptanh"])
        XCTAssertThrowsError(try CellKind(name: "lstmm")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("lstmm") && message.contains("gru-reset-before") && message.contains("nptanh"), message)
        }
    }

    /// The specification's own descriptor gives back the same specification; a built cell's descriptor (what a
    /// saved model records) gives the architecture's kind, whose cells have the same descriptor and shapes.
    func testDescriptorsRoundTrip() throws {
        for kind in CellKind.allCases {
            var spec = CellSpecification(kind: kind, inputSize: 3, hiddenSize: 20, seed: 9)
            if kind == .irnn { spec.identityScale = 0.5 }
            if kind == .nprnn { spec.inputGain = 1.25 }
            if kind == .scrn { spec.contextSize = 5; spec.alpha = 0.75; spec.trainableAlpha = true }
            XCTAssertEqual(try CellSpecification(descriptor: spec.descriptor), spec, "\(kind)")

            let cell = try spec.makeCell(as: Double.self)
            for (key, value) in cell.descriptor { XCTAssertEqual(spec.descriptor[key], value, "\(kind) \(key)") }
            let rebuiltSpec = try CellSpecification(descriptor: cell.descriptor)
            let rebuilt = try rebuiltSpec.makeCell(as: Double.self)
            XCTAssertEqual(rebuilt.descriptor, cell.descriptor, "\(kind)")
            XCTAssertEqual(rebuilt.parameters.map(\.shape), cell.parameters.map(\.shape), "\(kind)")
            XCTAssertEqual(rebuilt.parameterNames, cell.parameterNames, "\(kind)")
            let expected: CellKind = switch kind {
            case .irnn, .nprnn: .srnnReLU
            case .nptanh: .srnn
            default: kind
            }
            XCTAssertEqual(rebuiltSpec.kind, expected)
        }
    }

    func testBadDescriptorsNameTheKey() {
        let cases: [([String: String], String)] = [
            (["input_size": "3", "hidden_size": "4"], "'cell'"),
            (["cell": "srnn", "input_size": "3", "hidden_size": "4"], "'nonlinearity'"),
            (["cell": "lstm", "input_size": "x", "hidden_size": "4"], "'input_size'"),
            (["cell": "mlp", "input_size": "3", "hidden_size": "4"], "'mlp'"),
            (["cell": "lstm", "kind": "gru", "input_size": "3", "hidden_size": "4"], "contradicts"),
            (["cell": "srnn", "nonlinearity": "relu", "kind": "irnn", "identity_scale": "inf", "input_size": "3", "hidden_size": "4"],
             "'identity_scale'"),
        ]
        for (descriptor, needle) in cases {
            XCTAssertThrowsError(try CellSpecification(descriptor: descriptor)) { error in
                XCTAssertTrue("\(error)".contains(needle), "\(error)")
            }
        }
    }

    /// The kinds build the cells `rnn train` has always built for them: same weights for the same seed.
    func testKindsMatchTheDirectInitializers() throws {
        let spec = CellSpecification(kind: .nprnn, inputSize: 2, hiddenSize: 6, seed: 7)
        let viaRegistry = try spec.makeCell(as: Float.self, layer: 1, direction: 1)
        let direct = try SimpleRNNCell<Float>.npRNN(inputSize: 2, hiddenSize: 6, seed: 7 * 1000 + 11)
        XCTAssertEqual(viaRegistry.parameters.map(\.scalars), direct.parameters.map(\.scalars))
        let lstm = try CellSpecification(kind: .lstm, inputSize: 2, hiddenSize: 6, seed: 7).makeCell(as: Float.self)
        XCTAssertEqual(lstm.parameters.map(\.scalars),
                       try LSTMCell<Float>(inputSize: 2, hiddenSize: 6, forgetBias: 1, seed: 7000).parameters.map(\.scalars))
    }

    /// The np-tanhRNN draws the np-RNN's recurrent matrix and input weights (same seed, same draws), with tanh and
    /// the input gain divided by √2; the scaled i-RNN's recurrent matrix is scale·I.
    func testNewInitializations() throws {
        let np = try SimpleRNNCell<Double>.npRNN(inputSize: 2, hiddenSize: 7, seed: 5)
        let npTanh = try SimpleRNNCell<Double>.npTanhRNN(inputSize: 2, hiddenSize: 7, seed: 5)
        XCTAssertEqual(npTanh.nonlinearity, .tanh)
        XCTAssertEqual(npTanh.weightHH.scalars, np.weightHH.scalars)
        for (a, b) in zip(npTanh.weightIH.scalars, np.weightIH.scalars) { XCTAssertEqual(a * 2.0.squareRoot(), b, accuracy: 1e-14) }
        XCTAssertTrue(npTanh.biasIH.scalars.allSatisfy { $0 == 0 } && npTanh.biasHH.scalars.allSatisfy { $0 == 0 })
        let given = try SimpleRNNCell<Double>.npTanhRNN(inputSize: 2, hiddenSize: 7, inputGain: 3, seed: 5)
        XCTAssertNotEqual(given.weightIH.scalars, npTanh.weightIH.scalars)

        let irnn = try CellSpecification(kind: .irnn, inputSize: 2, hiddenSize: 3, identityScale: 0.25).makeCell(as: Double.self)
        XCTAssertEqual(irnn.parameters[2].scalars, [0.25, 0, 0, 0, 0.25, 0, 0, 0, 0.25])
        XCTAssertThrowsError(try CellSpecification(kind: .irnn, inputSize: 2, hiddenSize: 3, identityScale: .nan).makeCell(as: Float.self))
    }
}
