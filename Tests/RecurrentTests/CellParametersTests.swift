import XCTest
@testable import Recurrent

/// Named parameters: the flat view is derived from the names, gradients are a value of the same type,
/// and `setParameters` refuses shapes and non-finite values naming the tensor.
final class CellParametersTests: XCTestCase {
    func testFlatViewFollowsTheNames() throws {
        let lstm = try LSTMCell<Double>(inputSize: 2, hiddenSize: 3, seed: 1)
        XCTAssertEqual(lstm.parameterNames, ["weight_ih", "bias_ih", "weight_hh", "bias_hh"])
        XCTAssertEqual(lstm.parameters.map(\.scalars), [lstm.weightIH, lstm.biasIH, lstm.weightHH, lstm.biasHH].map(\.scalars))
        XCTAssertEqual(lstm.namedParameters.tensor(named: "weight_hh")?.scalars, lstm.weightHH.scalars)
        XCTAssertEqual(lstm.recurrentWeightNames, ["weight_hh"])
        XCTAssertEqual(lstm.namedParameters.recurrentWeights.map(\.shape), [[12, 3]])

        let scrn = try SCRNCell<Double>(inputSize: 2, hiddenSize: 3, contextSize: 2, trainableAlpha: true, seed: 1)
        XCTAssertEqual(scrn.parameterNames, ["weight_ih", "bias_ih", "weight_hh", "weight_ch", "alpha"])
        XCTAssertEqual(scrn.parameters[4].scalars, [scrn.alpha])
        XCTAssertEqual(scrn.recurrentWeightNames, ["weight_hh"])
        let zeros = scrn.namedParameters.zeros()
        XCTAssertTrue(zeros.tensors.allSatisfy { $0.scalars.allSatisfy { $0 == 0 } })
        XCTAssertEqual(zeros.tensors.map(\.shape), scrn.parameters.map(\.shape))
    }

    /// The layer's backward pass fills the same gradients through the named value as the flat list says.
    func testNamedAndFlatGradientsAgree() throws {
        let layer = RecurrentLayer(cell: try GRUCell<Double>(inputSize: 2, hiddenSize: 3, seed: 4))
        let x = try Tensor<Double>(shape: [5, 2, 2], repeating: 0.25)
        let pass = try layer.forward(x)
        var gradients = layer.cell.zeroGradients()
        _ = try layer.backward(pass, outputGradient: try Tensor(shape: pass.outputs.shape, repeating: 1), into: &gradients)
        XCTAssertTrue(gradients.allSatisfy { $0.scalars.contains { $0 != 0 } })
        // The cell's own tensors are back in the cell, untouched.
        XCTAssertEqual(layer.cell.parameters.map(\.scalars),
                       try GRUCell<Double>(inputSize: 2, hiddenSize: 3, seed: 4).parameters.map(\.scalars))
    }

    func testSetParametersRefusesNonFiniteValues() throws {
        for bad in [Double.nan, .infinity, -.infinity] {
            var cell = try SimpleRNNCell<Double>(inputSize: 2, hiddenSize: 3, seed: 1)
            let before = cell.parameters
            var list = before
            list[2] = try Tensor(shape: [3, 3], scalars: [0, 1, 2, 3, 4, bad, 6, 7, bad])
            XCTAssertThrowsError(try cell.setParameters(list)) { error in
                XCTAssertEqual(error as? RecurrentError, .nonFinite(what: "SimpleRNNCell.setParameters(weight_hh)", index: 5))
            }
            XCTAssertEqual(cell.parameters.map(\.scalars), before.map(\.scalars), "unchanged on error")
        }
        var scrn = try SCRNCell<Float>(inputSize: 2, hiddenSize: 3, contextSize: 2, trainableAlpha: true, seed: 1)
        var list = scrn.parameters
        list[4] = try Tensor(shape: [1], scalars: [.nan])
        XCTAssertThrowsError(try scrn.setParameters(list)) { error in
            XCTAssertEqual(error as? RecurrentError, .nonFinite(what: "SCRNCell.setParameters(alpha)", index: 0))
        }
        var lstm = try LSTMCell<Float>(inputSize: 2, hiddenSize: 3, seed: 1)
        var lstmList = lstm.parameters
        lstmList[1] = try Tensor(shape: [12], scalars: Array(repeating: 0, count: 11) + [.infinity])
        XCTAssertThrowsError(try lstm.setParameters(lstmList)) { error in
            XCTAssertTrue("\(error)".contains("LSTMCell.setParameters(bias_ih)") && "\(error)".contains("index 11"), "\(error)")
        }
    }

    func testSetParametersNamesTheWrongShape() throws {
        var cell = try GRUCell<Float>(inputSize: 2, hiddenSize: 3, seed: 1)
        var list = cell.parameters
        list[3] = try Tensor(shape: [8])
        XCTAssertThrowsError(try cell.setParameters(list)) { error in
            XCTAssertTrue("\(error)".contains("GRUCell.setParameters(bias_hh)"), "\(error)")
        }
        XCTAssertThrowsError(try cell.setParameters(Array(list.prefix(3)))) { error in
            XCTAssertTrue("\(error)".contains("expected 4 tensors"), "\(error)")
        }
    }
}
