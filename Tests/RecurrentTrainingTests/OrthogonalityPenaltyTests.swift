import XCTest
@testable import RecurrentTraining
import Recurrent
import RecurrentData
import RecurrentInitializers

final class OrthogonalityPenaltyTests: XCTestCase {
    /// The value is λ Σ (σⱼ² − 1)² on a matrix of known singular values, and 0 on an orthogonal one.
    /// diag(2, 0.5, 1) has WᵀW − I = diag(3, −0.75, 0): λ (9 + 0.5625).
    func testValueOnKnownMatrices() throws {
        let diagonal = try Tensor<Double>(shape: [3, 3], scalars: [2, 0, 0, 0, 0.5, 0, 0, 0, 1])
        XCTAssertEqual(try OrthogonalityPenalty.evaluate(diagonal, strength: 0.1).value, 0.1 * 9.5625, accuracy: 1e-15)
        let (c, s) = (0.6, 0.8)                                                     // a rotation: WᵀW = I exactly
        let rotation = try Tensor<Double>(shape: [2, 2], scalars: [c, -s, s, c])
        let (value, gradient) = try OrthogonalityPenalty.evaluate(rotation, strength: 3)
        XCTAssertEqual(value, 0, accuracy: 1e-30)
        XCTAssertLessThan(gradient.maxAbs(), 1e-14)
    }

    /// ∂P/∂W = 4λ W (WᵀW − I) against central differences in Double, for a square and a tall matrix.
    /// With step h = 1e-5 the truncation error is O(h²·‖∂³P‖) ≈ 1e-10 for entries of size ≤ 1.5 and λ = 0.7,
    /// and rounding adds ε·|P|/h ≈ 1e-11: 1e-7 relative to the largest gradient leaves a wide margin and
    /// still fails for any wrong factor or transpose.
    func testGradientMatchesCentralDifferences() throws {
        for (m, n) in [(4, 4), (5, 3)] {
            let scalars = (0..<m * n).map { k in 1.5 * sin(Double(k) * 1.7 + Double(m)) }
            let w = try Tensor<Double>(shape: [m, n], scalars: scalars)
            let (_, gradient) = try OrthogonalityPenalty.evaluate(w, strength: 0.7)
            let h = 1e-5
            for k in 0..<m * n {
                var plus = scalars, minus = scalars
                plus[k] += h
                minus[k] -= h
                let numeric = (try OrthogonalityPenalty.evaluate(Tensor(shape: [m, n], scalars: plus), strength: 0.7).value
                    - OrthogonalityPenalty.evaluate(Tensor(shape: [m, n], scalars: minus), strength: 0.7).value) / (2 * h)
                XCTAssertEqual(gradient.scalars[k], numeric, accuracy: 1e-7 * max(1, gradient.maxAbs()), "\(m)×\(n) element \(k)")
            }
        }
    }

    /// `addGradient` adds (+=) to the chosen tensors only, in the parameters' scalar type, and returns the summed value.
    func testAddGradientAccumulatesIntoChosenTensorsOnly() throws {
        let w = try Tensor<Float>(shape: [2, 2], scalars: [1.5, 0.2, -0.3, 0.4])
        let bias = try Tensor<Float>(shape: [2], scalars: [1, 2])
        var gradients = [try Tensor<Float>(shape: [2, 2], scalars: [1, 1, 1, 1]), try Tensor<Float>(shape: [2], scalars: [7, 8])]
        let penalty = try OrthogonalityPenalty(strength: 0.25, parameterIndices: [0])
        let value = try penalty.addGradient(of: [w, bias], to: &gradients)
        let (expectedValue, expectedGradient) = try OrthogonalityPenalty.evaluate(w, strength: 0.25)
        XCTAssertEqual(value, expectedValue)
        for (got, want) in zip(gradients[0].scalars, expectedGradient.scalars) { XCTAssertEqual(got, 1 + Float(want)) }
        XCTAssertEqual(gradients[1].scalars, [7, 8])
    }

    func testBadSettingsAndTensorsAreRefusedWithoutChange() throws {
        XCTAssertThrowsError(try OrthogonalityPenalty(strength: -1, parameterIndices: [0]))
        XCTAssertThrowsError(try OrthogonalityPenalty(strength: .nan, parameterIndices: [0]))
        let good = try Tensor<Double>(shape: [2, 2], scalars: [3, 0, 0, 3])
        let parameters = [good, try Tensor<Double>(shape: [2], scalars: [1, 2]), try Tensor<Double>(shape: [2, 2], scalars: [.nan, 0, 0, 1])]
        let zeros = try parameters.map { try Tensor<Double>(shape: $0.shape) }
        for (indices, gradientList, message) in [([0, 3], zeros, "index 3"), ([0, 1], zeros, "not a matrix"),
                                                 ([0, 2], zeros, "parameter 2"), ([0], [zeros[1]] + zeros.dropFirst(), "gradient 0")] {
            var gradients = gradientList
            XCTAssertThrowsError(try OrthogonalityPenalty(strength: 1, parameterIndices: indices).addGradient(of: parameters, to: &gradients)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
            XCTAssertEqual(gradients, gradientList, "nothing is added when any chosen tensor is bad")
        }
    }

    /// The trainer's update is the plain SGD step on the task gradient plus the penalty's, bit for bit, over
    /// several steps; and the penalty moves the np-RNN's W_hh toward an isometry (its Frobenius distance
    /// ‖WᵀW − I‖ falls) where training without it does not.
    func testTrainerStepsMatchTheirDefinitionAndApproachAnIsometry() throws {
        let task = AdditionTask(length: 12, testSize: 10, seed: 4)
        let model = try RecurrentModel(inputSize: 2, outputSize: 1, seed: 6) { i, _, _ in
            try SimpleRNNCell<Double>.npRNN(inputSize: i, hiddenSize: 8, seed: 6)
        }
        let recurrent = model.parameterNames.indices.filter { model.parameterNames[$0].hasPrefix("weight_hh") }
        XCTAssertEqual(recurrent.count, 1)
        let penalty = try OrthogonalityPenalty(strength: 0.5, parameterIndices: recurrent)
        let configuration = TrainingConfiguration(steps: 40, batchSize: 4, learningRate: 0.05, clipNorm: nil, seed: 8)
        var distances: [Double] = []
        for strength in [0.0, 0.5] {
            var trainer = Trainer(model: model, optimizer: .sgd(SGD(learningRate: 0.05)), seed: 8)
            if strength > 0 { trainer.orthogonalityPenalty = penalty }
            var expected = model
            var generator = RandomGenerator(seed: 123)
            for step in 0..<40 {
                let batch: TaskBatch<Double> = task.trainingBatch(size: 4, index: step, using: &generator)
                _ = try trainer.trainStep(on: batch, classification: false, configuration: configuration)
                try handWrittenSGDStep(&expected, on: batch, learningRate: 0.05, adjustGradients: { model, gradients in
                    if strength > 0 { try penalty.addGradient(of: model.parameters, to: &gradients) }
                })
                XCTAssertEqual(trainer.model.parameters, expected.parameters, "λ \(strength), step \(step + 1)")
            }
            distances.append(try OrthogonalityPenalty.evaluate(trainer.model.parameters[recurrent[0]], strength: 1).value)
        }
        let start = try OrthogonalityPenalty.evaluate(model.parameters[recurrent[0]], strength: 1).value
        XCTAssertLessThan(distances[1], 0.5 * start, "with the penalty: \(distances[1]) from \(start)")
        XCTAssertGreaterThan(distances[0], 0.8 * start, "without it: \(distances[0]) from \(start)")
    }
}
