import XCTest
@testable import RecurrentTraining
import Recurrent
import RecurrentData
import RecurrentInitializers

final class SpectralNormLimitTests: XCTestCase {
    /// An n × n Householder reflector I − 2uuᵀ/‖u‖² (orthogonal), as row-major values.
    func reflector(_ u: [Double]) -> [Double] {
        let n = u.count, uu = u.reduce(0) { $0 + $1 * $1 }
        return (0..<n * n).map { k in (k / n == k % n ? 1 : 0) - 2 * u[k / n] * u[k % n] / uu }
    }

    /// A (m, n) row-major matrix U[:, :n] diag(σ) Vᵀ with U, V Householder reflectors: a known SVD.
    func matrix(m: Int, n: Int, singularValues σ: [Double], u: [Double], v: [Double]) -> [Double] {
        let uq = reflector(u), vq = reflector(v)
        return (0..<m * n).map { k in
            let (r, c) = (k / n, k % n)
            return (0..<n).reduce(0.0) { $0 + uq[r * m + $1] * σ[$1] * vq[c * n + $1] }
        }
    }

    /// Clipping a matrix of known singular values gives U min(Σ, γ) Vᵀ, for square and tall matrices,
    /// and reports the norm before clipping. Tolerance 1e-12: the reference and the result both come
    /// from O(n) sums of products of unit-size numbers (≈ 10 ε each), and the eigenvectors of the Gram
    /// matrix are accurate to ε·‖W‖²/gap (gap ≥ 1 here).
    func testClipsExactlyTheSingularValuesAboveTheLimit() throws {
        for (m, n) in [(4, 4), (6, 3)] {
            let σ = [3.0, 1.5, 0.25, 0.75].prefix(n).map { $0 }
            let u = (0..<m).map { Double($0) - 1.3 }, v = (0..<n).map { 0.7 - Double($0 * $0) }
            let w = try Tensor<Double>(shape: [m, n], scalars: matrix(m: m, n: n, singularValues: σ, u: u, v: v))
            let expected = matrix(m: m, n: n, singularValues: σ.map { min($0, 1) }, u: u, v: v)
            var parameters = [try Tensor<Double>(shape: [2], scalars: [5, 6]), w]
            let norms = try SpectralNormLimit(maxNorm: 1, parameterIndices: [1]).apply(to: &parameters)
            XCTAssertEqual(norms[0], 3, accuracy: 1e-12, "\(m)×\(n)")
            for (a, b) in zip(parameters[1].scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-12, "\(m)×\(n)") }
            XCTAssertEqual(parameters[0].scalars, [5, 6], "other parameters are untouched")
        }
    }

    /// A matrix already inside the limit keeps its exact bits (no round trip through the eigensolver).
    func testInsideTheLimitIsBitIdentical() throws {
        let w = try Tensor<Float>(shape: [5, 5], scalars: matrix(m: 5, n: 5, singularValues: [0.9, 0.5, 0.3, 0.2, 0.1],
                                                                  u: [1, 2, 0, -1, 3], v: [0, 1, 1, 2, -2]).map { Float($0) })
        var parameters = [w]
        let norms = try SpectralNormLimit(maxNorm: 1, parameterIndices: [0]).apply(to: &parameters)
        XCTAssertEqual(norms[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(parameters[0], w)
    }

    func testBadSettingsAndTensorsAreRefusedWithoutChange() throws {
        XCTAssertThrowsError(try SpectralNormLimit(maxNorm: 0, parameterIndices: [0]))
        XCTAssertThrowsError(try SpectralNormLimit(maxNorm: .infinity, parameterIndices: [0]))
        XCTAssertThrowsError(try SpectralNormLimit(maxNorm: 1, parameterIndices: [0], interval: 0))
        let big = try Tensor<Double>(shape: [2, 2], scalars: [3, 0, 0, 3])
        let start = [big, try Tensor<Double>(shape: [2], scalars: [1, 2]), try Tensor<Double>(shape: [2, 2], scalars: [.nan, 0, 0, 1])]
        for (indices, message) in [([0, 3], "index 3"), ([0, 1], "not a matrix"), ([0, 2], "parameter 2")] {
            var parameters = start
            XCTAssertThrowsError(try SpectralNormLimit(maxNorm: 1, parameterIndices: indices).apply(to: &parameters)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
            XCTAssertEqual(parameters[0], big, "nothing is clipped when any chosen tensor is bad")
        }
    }

    /// In training, every update ends with ‖W_hh‖₂ ≤ γ: an np-RNN on the addition problem with a learning rate
    /// high enough to push W_hh well past 1 without the limit.
    func testTrainerKeepsTheRecurrentNormWithinTheLimit() throws {
        let task = AdditionTask(length: 20, testSize: 100, seed: 5)
        let configuration = TrainingConfiguration(steps: 60, batchSize: 16, learningRate: 0.02, clipNorm: 1, seed: 5,
                                                  evaluationInterval: 30)
        func recurrentNorm(_ trainer: Trainer<SimpleRNNCell<Double>>) throws -> Double {
            let w = trainer.model.layers[0].cell.weightHH
            let gram = Matrix(rows: 16, columns: 16, values: try w.transposed().matmul(w).scalars)
            return try SymmetricEigensolver.eigenvalues(of: gram).last!.squareRoot()
        }
        var norms: [Double] = []
        for limited in [false, true] {
            let model = try RecurrentModel(inputSize: 2, outputSize: 1, seed: 2) { i, _, _ in
                try SimpleRNNCell<Double>.npRNN(inputSize: i, hiddenSize: 16, seed: 2)
            }
            var trainer = Trainer(model: model, optimizer: try AnyOptimizer(name: "adam", learningRate: 0.02), seed: 2)
            if limited { trainer.spectralNormLimit = try SpectralNormLimit(maxNorm: 1, parameterIndices: [2]) }
            while trainer.step < configuration.steps {
                _ = try trainer.trainUntilNextRecord(task, configuration: configuration, clock: { 0 })
                norms.append(try recurrentNorm(trainer))
            }
        }
        XCTAssertGreaterThan(norms[1], 1.1, "without the limit W_hh grows (else this test proves nothing)")
        XCTAssertLessThanOrEqual(norms[3], 1 + 1e-12)
        XCTAssertLessThanOrEqual(norms[2], 1 + 1e-12)
    }
}
