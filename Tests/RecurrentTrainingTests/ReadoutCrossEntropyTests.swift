import XCTest
import Recurrent
import RecurrentInitializers
@testable import RecurrentTraining

final class ReadoutCrossEntropyTests: XCTestCase {
    func make(n: Int, d: Int, v: Int, seed: UInt64) throws -> (Tensor<Double>, Linear<Double>, [Int32]) {
        var generator = RandomGenerator(seed: seed)
        let features = try Tensor<Double>(shape: [n, d], scalars: (0..<(n * d)).map { _ in generator.nextGaussian() })
        var readout = try Linear<Double>(inputSize: d, outputSize: v, seed: seed + 1)
        readout.bias = try Tensor(shape: [v], scalars: (0..<v).map { _ in 0.3 * generator.nextGaussian() })
        let targets = (0..<n).map { _ in Int32(generator.nextInt(below: v)) }
        return (features, readout, targets)
    }

    /// The fused, chunked form equals Linear.forward + softmaxCrossEntropy + Linear.backward, whatever the chunk.
    func testEqualsTheUnfusedLayersForEveryChunkSize() throws {
        let (features, readout, targets) = try make(n: 11, d: 5, v: 7, seed: 3)
        let logits = try readout.forward(features)
        let reference = try Loss.softmaxCrossEntropy(logits: logits, labels: targets.map(Int.init))
        var referenceGradients = [try Tensor<Double>.zeros([7, 5]), try Tensor<Double>.zeros([7])]
        let referenceDF = try readout.backward(input: features, outputGradient: reference.gradient, into: &referenceGradients)
        for chunk in [1, 3, 4, 11, 100] {
            var gradients = [try Tensor<Double>.zeros([7, 5]), try Tensor<Double>.zeros([7])]
            let fused = try Loss.readoutCrossEntropy(features: features, readout: readout, targets: targets,
                                                     readoutGradients: &gradients, rowsPerChunk: chunk)
            XCTAssertEqual(fused.mean, reference.value, accuracy: 1e-13, "chunk \(chunk)")
            XCTAssertEqual(fused.correct, reference.correct)
            // Different summation orders: agreement to ~1e-15 relative; 1e-12 absolute leaves room.
            for (a, b) in zip(fused.featureGradient!.scalars, referenceDF.scalars) { XCTAssertEqual(a, b, accuracy: 1e-12) }
            for k in 0..<2 { for (a, b) in zip(gradients[k].scalars, referenceGradients[k].scalars) { XCTAssertEqual(a, b, accuracy: 1e-12) } }
            let lossOnly = try Loss.readoutCrossEntropy(features: features, readout: readout, targets: targets, rowsPerChunk: chunk)
            XCTAssertEqual(lossOnly.total, fused.total)
            XCTAssertNil(lossOnly.featureGradient)
        }
    }

    /// Central differences in Double on every feature, weight and bias. The loss is smooth with third derivatives
    /// of order 1 here, so the truncation error is ≈ h²/6 ≈ 2e-11 at h = 1e-5, and rounding ≈ 1e-16·|L|/h ≈ 2e-11:
    /// 1e-8 is a safe absolute bound, while a wrong factor (e.g. the 1/N) would be off by ≥ 1e-3.
    func testGradientsMatchCentralDifferences() throws {
        var (features, readout, targets) = try make(n: 6, d: 4, v: 5, seed: 9)
        var gradients = [try Tensor<Double>.zeros([5, 4]), try Tensor<Double>.zeros([5])]
        let result = try Loss.readoutCrossEntropy(features: features, readout: readout, targets: targets,
                                                  readoutGradients: &gradients, rowsPerChunk: 4)
        func loss() throws -> Double {
            try Loss.readoutCrossEntropy(features: features, readout: readout, targets: targets, rowsPerChunk: 4).mean
        }
        let h = 1e-5
        for i in 0..<features.count {
            let (r, c) = (i / 4, i % 4), x = features[r, c]
            features[r, c] = x + h; let plus = try loss()
            features[r, c] = x - h; let minus = try loss()
            features[r, c] = x
            XCTAssertEqual(result.featureGradient![r, c], (plus - minus) / (2 * h), accuracy: 1e-8, "dF[\(r), \(c)]")
        }
        for i in 0..<readout.weight.count {
            let (r, c) = (i / 4, i % 4), x = readout.weight[r, c]
            readout.weight[r, c] = x + h; let plus = try loss()
            readout.weight[r, c] = x - h; let minus = try loss()
            readout.weight[r, c] = x
            XCTAssertEqual(gradients[0][r, c], (plus - minus) / (2 * h), accuracy: 1e-8, "dW[\(r), \(c)]")
        }
        for j in 0..<5 {
            let x = readout.bias[j]
            readout.bias[j] = x + h; let plus = try loss()
            readout.bias[j] = x - h; let minus = try loss()
            readout.bias[j] = x
            XCTAssertEqual(gradients[1][j], (plus - minus) / (2 * h), accuracy: 1e-8, "db[\(j)]")
        }
    }

    func testFloatAgreesWithDouble() throws {
        let (features, readout, targets) = try make(n: 40, d: 16, v: 65, seed: 5)
        let single = try Loss.readoutCrossEntropy(features: features.converted(to: Float.self),
                                                  readout: Linear(weight: readout.weight.converted(), bias: readout.bias.converted()),
                                                  targets: targets)
        let double = try Loss.readoutCrossEntropy(features: features, readout: readout, targets: targets)
        XCTAssertEqual(single.mean, double.mean, accuracy: 1e-5)
    }

    func testBadInputIsRefused() throws {
        let (features, readout, targets) = try make(n: 4, d: 3, v: 5, seed: 1)
        XCTAssertThrowsError(try Loss.readoutCrossEntropy(features: features, readout: readout, targets: [0, 1, 5, 0])) {
            XCTAssertTrue("\($0)".contains("targets[2]"), "\($0)")
        }
        XCTAssertThrowsError(try Loss.readoutCrossEntropy(features: features, readout: readout, targets: Array(targets.prefix(3))))
        XCTAssertThrowsError(try Loss.readoutCrossEntropy(features: features, readout: readout, targets: targets, rowsPerChunk: 0))
        var nan = features
        nan[1, 2] = .nan
        XCTAssertThrowsError(try Loss.readoutCrossEntropy(features: nan, readout: readout, targets: targets))
        var wrong = [try Tensor<Double>.zeros([5, 2]), try Tensor<Double>.zeros([5])]
        XCTAssertThrowsError(try Loss.readoutCrossEntropy(features: features, readout: readout, targets: targets, readoutGradients: &wrong))
    }
}
