import XCTest
@testable import RecurrentTraining
import Recurrent
import RecurrentInitializers

/// The masked per-step losses and the element-wise losses against central finite differences in Double, and
/// padded batches against the same cases run one by one.
///
/// Finite differences: ε = 1e-6 on losses of order 1 with bounded third derivatives gives a truncation error
/// ≈ ε² ≈ 1e-12 and a rounding error ≈ 1e-16 / ε ≈ 1e-10, so a tolerance of 1e-8 leaves two orders of margin yet
/// catches any wrong factor (a wrong normalizer is off by ≥ 1e-2 here). Points lie at least 0.1 from the kinks of
/// MAE (d = 0) and Huber (|d| = δ), where the derivative is one-sided.
final class MaskedLossTests: XCTestCase {
    func random(_ count: Int, seed: UInt64, scale: Double = 2) -> [Double] {
        var g = RandomGenerator(seed: seed)
        return (0..<count).map { _ in (g.nextUniform() * 2 - 1) * scale }
    }

    /// Checks `loss(p).gradient` against central differences at every element of p.
    func checkGradient(_ p: Tensor<Double>, _ loss: (Tensor<Double>) throws -> LossResult<Double>,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let analytic = try loss(p).gradient.scalars
        let epsilon = 1e-6
        for i in 0..<p.count {
            var up = p.scalars, down = p.scalars
            up[i] += epsilon; down[i] -= epsilon
            let numeric = (try loss(Tensor(shape: p.shape, scalars: up)).value - loss(Tensor(shape: p.shape, scalars: down)).value) / (2 * epsilon)
            XCTAssertEqual(analytic[i], numeric, accuracy: 1e-8, "element \(i)", file: file, line: line)
        }
    }

    func testMaskedMeanSquaredErrorGradientAndMask() throws {
        // T = 3, B = 2, K = 2; lengths [3, 1]: rows 3 (t 1, b 1) and 5 (t 2, b 1) are padding.
        let p = try Tensor<Double>(shape: [6, 2], scalars: random(12, seed: 1))
        let y = try Tensor<Double>(shape: [3, 2, 2], scalars: random(12, seed: 2))
        try checkGradient(p) { try Loss.maskedMeanSquaredError(prediction: $0, target: y, lengths: [3, 1]) }
        let r = try Loss.maskedMeanSquaredError(prediction: p, target: y, lengths: [3, 1])
        XCTAssertEqual(Array(r.gradient.scalars[6..<8]) + Array(r.gradient.scalars[10..<12]), [0, 0, 0, 0])
        // By hand: the mean over the 4 real rows × 2 values.
        let real = [0, 1, 2, 4].flatMap { [2 * $0, 2 * $0 + 1] }
        let expected = real.map { (p.scalars[$0] - y.scalars[$0]) * (p.scalars[$0] - y.scalars[$0]) }.reduce(0, +) / 8
        XCTAssertEqual(r.value, expected, accuracy: 1e-15)
        // Padding values do not matter, even NaN.
        var padded = p.scalars
        padded[6] = .nan; padded[11] = 1e300
        XCTAssertEqual(try Loss.maskedMeanSquaredError(prediction: Tensor(shape: [6, 2], scalars: padded), target: y, lengths: [3, 1]).value,
                       r.value)
        XCTAssertThrowsError(try Loss.maskedMeanSquaredError(prediction: p, target: y, lengths: [4, 1]))
        XCTAssertThrowsError(try Loss.maskedMeanSquaredError(prediction: p, target: y, lengths: [3, 1, 1]))
    }

    func testMaskedSoftmaxCrossEntropyGradientAndMask() throws {
        // T = 2, B = 3, K = 4; lengths [2, 1, 2]: row 4 (t 1, b 1) is padding, its label -7 is never read.
        let z = try Tensor<Double>(shape: [6, 4], scalars: random(24, seed: 3))
        let labels = [0, 3, 1, 2, -7, 3]
        try checkGradient(z) { try Loss.maskedSoftmaxCrossEntropy(logits: $0, labels: labels, lengths: [2, 1, 2]) }
        let r = try Loss.maskedSoftmaxCrossEntropy(logits: z, labels: labels, lengths: [2, 1, 2])
        XCTAssertEqual(Array(r.gradient.scalars[16..<20]), [0, 0, 0, 0])
        // Equal to the plain loss on the 5 real rows.
        let realRows = [0, 1, 2, 3, 5]
        let plain = try Loss.softmaxCrossEntropy(logits: Tensor(shape: [5, 4], scalars: realRows.flatMap { Array(z.scalars[4 * $0..<4 * $0 + 4]) }),
                                                 labels: realRows.map { labels[$0] })
        XCTAssertEqual(r.value, plain.value, accuracy: 1e-15)
        XCTAssertEqual(r.correct, plain.correct)
        XCTAssertThrowsError(try Loss.maskedSoftmaxCrossEntropy(logits: z, labels: [0, 3, 1, 2, 9, 3], lengths: [2, 2, 2]))
    }

    func testBinaryCrossEntropyWithLogits() throws {
        let z = try Tensor<Double>(shape: [3, 2], scalars: [-30, -1.5, -0.2, 0.3, 2, 25])
        let y = try Tensor<Double>(shape: [3, 2], scalars: [0, 1, 0.25, 1, 0, 1])
        try checkGradient(z) { try Loss.binaryCrossEntropyWithLogits(logits: $0, targets: y) }
        // z = 0: log 2 whatever the target.
        let half = try Loss.binaryCrossEntropyWithLogits(logits: Tensor<Double>(shape: [2], scalars: [0, 0]),
                                                         targets: Tensor(shape: [2], scalars: [1, 0]))
        XCTAssertEqual(half.value, Double.log(2), accuracy: 1e-15)
        XCTAssertEqual(half.gradient.scalars, [-0.25, 0.25])
        // Large logits stay finite: ℓ(−1000, 1) = 1000.
        let far = try Loss.binaryCrossEntropyWithLogits(logits: Tensor<Double>(shape: [1], scalars: [-1000]), targets: Tensor(shape: [1], scalars: [1]))
        XCTAssertEqual(far.value, 1000, accuracy: 1e-9)
    }

    func testHuber() throws {
        // d = p − y: −2.5, −0.6, 0.3, 0.9, 1.4, 3 with δ = 1: both branches, ≥ 0.1 from |d| = 1.
        let p = try Tensor<Double>(shape: [6], scalars: [-2.5, -0.6, 0.3, 0.9, 1.4, 3])
        let y = try Tensor<Double>(shape: [6], scalars: [Double](repeating: 0, count: 6))
        try checkGradient(p) { try Loss.huber(prediction: $0, target: y) }
        try checkGradient(p) { try Loss.huber(prediction: $0, target: y, delta: 0.5) }
        let r = try Loss.huber(prediction: p, target: y)
        XCTAssertEqual(r.value, (2.0 + 0.18 + 0.045 + 0.405 + 0.9 + 2.5) / 6, accuracy: 1e-15)
        XCTAssertThrowsError(try Loss.huber(prediction: p, target: y, delta: 0))
    }

    func testMeanAbsoluteError() throws {
        let p = try Tensor<Double>(shape: [2, 2], scalars: [1, -2, 0.5, 3])
        let y = try Tensor<Double>(shape: [2, 2], scalars: [0, 0, 0.8, 3.4])
        try checkGradient(p) { try Loss.meanAbsoluteError(prediction: $0, target: y) }
        let r = try Loss.meanAbsoluteError(prediction: p, target: y)
        XCTAssertEqual(r.value, (1 + 2 + 0.3 + 0.4) / 4, accuracy: 1e-15)
        XCTAssertEqual(r.gradient.scalars, [0.25, -0.25, -0.25, -0.25])
        XCTAssertEqual(try Loss.meanAbsoluteError(prediction: y, target: y).gradient.scalars, [0, 0, 0, 0])
    }
}
