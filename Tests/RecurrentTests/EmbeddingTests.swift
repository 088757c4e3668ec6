import XCTest
@testable import Recurrent
import RecurrentInitializers

final class EmbeddingTests: XCTestCase {
    /// Ids with repeats within the batch and across steps: the scatter-add must sum them.
    let tokens = try! TokenIDs(steps: 3, batch: 4, ids: [2, 0, 2, 5,
                                                        5, 2, 1, 2,
                                                        0, 0, 2, 3])

    func testForwardGathersRows() throws {
        let embedding = try Embedding<Double>(vocabularySize: 6, embeddingSize: 3, seed: 7)
        let y = try embedding.forward(tokens)
        XCTAssertEqual(y.shape, [3, 4, 3])
        for t in 0..<3 { for b in 0..<4 { for j in 0..<3 {
            XCTAssertEqual(y[t, b, j], embedding.weight[Int(tokens[t, b]), j])
        } } }
    }

    /// Central differences on every weight for L = Σ c ⊙ y², whose gradient dy = 2c ⊙ y depends on W.
    /// L is quadratic in each weight, so the central difference has no truncation error: what remains is
    /// rounding, ≈ ε·|L|/h ≈ 1e-16 · 10 / 1e-5 = 1e-10, hence the 1e-8 absolute tolerance. A scatter that
    /// overwrote instead of adding would be off by whole multiples of a row's gradient (≥ 1e-2 here).
    func testGradientMatchesCentralDifferencesWithRepeatedIDs() throws {
        var embedding = try Embedding<Double>(vocabularySize: 6, embeddingSize: 3, seed: 3)
        var generator = RandomGenerator(seed: 11)
        let c = (0..<(3 * 4 * 3)).map { _ in generator.nextGaussian() }
        func loss(_ e: Embedding<Double>) throws -> Double {
            let y = try e.forward(tokens)
            return zip(c, y.scalars).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        }
        let y = try embedding.forward(tokens)
        let dy = try Tensor<Double>(shape: y.shape, scalars: zip(c, y.scalars).map { 2 * $0 * $1 })
        var dWeight = try Tensor<Double>.zeros([6, 3])
        try embedding.backward(tokens, outputGradient: dy, into: &dWeight)
        let h = 1e-5
        for v in 0..<6 { for j in 0..<3 {
            let original = embedding.weight[v, j]
            embedding.weight[v, j] = original + h
            let plus = try loss(embedding)
            embedding.weight[v, j] = original - h
            let minus = try loss(embedding)
            embedding.weight[v, j] = original
            XCTAssertEqual(dWeight[v, j], (plus - minus) / (2 * h), accuracy: 1e-8, "dW[\(v), \(j)]")
        } }
        // Token 4 never appears: its row gets no gradient.
        XCTAssertEqual((0..<3).map { dWeight[4, $0] }, [0, 0, 0])
    }

    func testBackwardAccumulates() throws {
        let embedding = try Embedding<Float>(vocabularySize: 6, embeddingSize: 2, seed: 1)
        let ones = try Tensor<Float>(shape: [3, 4, 2], repeating: 1)
        var dWeight = try Tensor<Float>.zeros([6, 2])
        try embedding.backward(tokens, outputGradient: ones, into: &dWeight)
        try embedding.backward(tokens, outputGradient: ones, into: &dWeight)
        // Token 2 appears 5 times: 2 calls × 5.
        XCTAssertEqual(dWeight[2, 0], 10)
        XCTAssertEqual(dWeight[0, 1], 6)
    }

    func testBadInputIsRefusedNamingThePosition() throws {
        let embedding = try Embedding<Float>(vocabularySize: 6, embeddingSize: 2)
        let outside = try TokenIDs(steps: 2, batch: 2, ids: [0, 1, 6, 0])
        XCTAssertThrowsError(try embedding.forward(outside)) { error in
            XCTAssertTrue("\(error)".contains("step 1, sequence 0"), "\(error)")
            XCTAssertTrue("\(error)".contains("6 is outside the vocabulary of 6"), "\(error)")
        }
        XCTAssertThrowsError(try TokenIDs(steps: 2, batch: 2, ids: [0, -1, 0, 0])) { error in
            XCTAssertTrue("\(error)".contains("step 0, sequence 1"), "\(error)")
        }
        XCTAssertThrowsError(try TokenIDs(steps: 2, batch: 2, ids: [0, 1, 0]))
        XCTAssertThrowsError(try TokenIDs(steps: 0, batch: 2, ids: []))
        var wrong = try Tensor<Float>.zeros([5, 2])
        XCTAssertThrowsError(try embedding.backward(outside, outputGradient: Tensor(shape: [2, 2, 2]), into: &wrong))
        XCTAssertThrowsError(try Embedding<Float>(weight: Tensor(shape: [2, 2], scalars: [0, .nan, 0, 0])))
        XCTAssertThrowsError(try Embedding<Float>(vocabularySize: 0, embeddingSize: 2))
    }

    func testSameSeedSameWeightsAndUnitVariance() throws {
        let a = try Embedding<Double>(vocabularySize: 200, embeddingSize: 50, seed: 9)
        let b = try Embedding<Double>(vocabularySize: 200, embeddingSize: 50, seed: 9)
        XCTAssertEqual(a.weight, b.weight)
        let n = Double(a.weight.count)
        let mean = a.weight.scalars.reduce(0, +) / n
        let variance = a.weight.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        // 10,000 draws of N(0, 1): the standard error of the variance is √(2/n) ≈ 0.014; 0.06 is > 4 of them.
        XCTAssertEqual(variance, 1, accuracy: 0.06)
        XCTAssertEqual(mean, 0, accuracy: 0.04)
    }
}
